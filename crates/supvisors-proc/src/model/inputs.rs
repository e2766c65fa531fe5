//! Inputs from the I/O layer: reaped children, listener protocol bytes, child output and
//! captured data, signals received by the daemon.

use super::clock::Clock;
use super::describe::decode_wait_status;
use super::events::{Event, decode};
use super::host::{Channel, Host};
use super::state::{Level, SupervisorState};
use super::supervisor::Supervisor;

impl Supervisor {
    /// A child was reaped by the driver (`waitpid` status as is).
    pub fn child_exited(&mut self, pid: i32, wait_status: i32, now: Clock, _host: &mut impl Host) {
        self.reap(pid, wait_status, now);
    }

    pub(crate) fn reap(&mut self, pid: i32, wait_status: i32, now: Clock) {
        let mut sink = std::mem::take(&mut self.sink);
        let found = self
            .find_pid(pid)
            .map(|p| p.finish(wait_status, now, &mut sink));
        self.sink = sink;
        match found {
            Some(()) => {}
            None => {
                let (_, msg) = decode_wait_status(wait_status);
                self.sink
                    .log(Level::Info, format!("reaped unknown pid {pid} ({msg})"));
            }
        }
        self.flush();
    }

    /// Reaps what the host already has (the reference's synchronous `reap()`).
    pub(crate) fn reap_now(&mut self, now: Clock, host: &mut dyn Host) {
        for (pid, sts) in host.reap_now() {
            self.reap(pid, sts, now);
        }
    }

    /// Bytes read from an event listener's stdout: the listener protocol (spec §7.2).
    pub fn listener_stdout(&mut self, pid: i32, data: &[u8], _now: Clock, _host: &mut impl Host) {
        let debug = self.debug_output;
        let mut sink = std::mem::take(&mut self.sink);
        if let Some(p) = self.find_pid(pid) {
            if debug && !data.is_empty() {
                sink.log(
                    Level::Debug,
                    format!("'{}' stdout output:\n{}", p.config.name, decode(data)),
                );
            }
            let (id, name) = (p.id, p.config.name.clone());
            if let Some(io) = &mut p.listener {
                io.feed(&name, id, data, &mut sink);
            }
        }
        self.sink = sink;
        self.flush();
    }

    /// A chunk written to a child's normal log: the debug copy in the main log and, when the
    /// channel has `events_enabled`, a `PROCESS_LOG_*` event.
    pub fn process_output(&mut self, pid: i32, channel: Channel, data: &[u8]) {
        let debug = self.debug_output;
        let mut sink = std::mem::take(&mut self.sink);
        if let Some(p) = self.find_pid(pid)
            && !data.is_empty()
        {
            if debug {
                sink.log(
                    Level::Debug,
                    format!(
                        "'{}' {} output:\n{}",
                        p.config.name,
                        channel.name(),
                        decode(data)
                    ),
                );
            }
            let enabled = match channel {
                Channel::Stdout => p.config.stdout.events_enabled,
                Channel::Stderr => p.config.stderr.events_enabled,
            };
            if enabled {
                sink.event(Event::ProcessLog {
                    group: p.config.group_name.clone(),
                    name: p.config.name.clone(),
                    pid,
                    channel,
                    data: data.to_vec(),
                });
            }
        }
        self.sink = sink;
        self.flush();
    }

    /// Data captured between the capture tokens: a `PROCESS_COMMUNICATION_*` event.
    pub fn process_communication(&mut self, pid: i32, channel: Channel, data: &[u8]) {
        let mut sink = std::mem::take(&mut self.sink);
        if let Some(p) = self.find_pid(pid) {
            sink.event(Event::ProcessCommunication {
                group: p.config.group_name.clone(),
                name: p.config.name.clone(),
                pid,
                channel,
                data: data.to_vec(),
            });
        }
        self.sink = sink;
        self.flush();
    }

    /// A signal received by the daemon (spec §1.18): TERM/INT/QUIT shut down, HUP restarts,
    /// USR2 asks the driver to reopen logs, CHLD is only logged.
    pub fn handle_signal(&mut self, sig: i32) {
        let name = super::describe::signame(sig);
        match sig {
            15 | 2 | 3 => {
                self.sink.log(
                    Level::Warn,
                    format!("received {name} indicating exit request"),
                );
                self.mood = SupervisorState::Shutdown;
            }
            1 if self.mood == SupervisorState::Shutdown => self.sink.log(
                Level::Warn,
                format!("ignored {name} indicating restart request (shutdown in progress)"),
            ),
            1 => {
                self.sink.log(
                    Level::Warn,
                    format!("received {name} indicating restart request"),
                );
                self.mood = SupervisorState::Restarting;
            }
            17 => self.sink.log(
                Level::Debug,
                format!("received {name} indicating a child quit"),
            ),
            12 => self.sink.log(
                Level::Info,
                format!("received {name} indicating log reopen request"),
            ),
            _ => self.sink.log(
                Level::Blather,
                format!("received {name} indicating nothing"),
            ),
        }
    }
}
