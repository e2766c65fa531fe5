//! Stopping and signalling one process (spec §2.7): stop, kill with escalation, give up,
//! plain signals.

use super::clock::Clock;
use super::describe::signame;
use super::host::{Host, KillError};
use super::output::Sink;
use super::process::Process;
use super::state::{Level, ProcessState};

impl Process {
    /// Administrative stop: the configured stop signal.
    pub fn stop(&mut self, now: Clock, host: &mut dyn Host, sink: &mut Sink) -> Option<String> {
        self.laststopreport = None;
        self.kill(self.config.stopsignal, now, host, sink)
    }

    /// Logs `waiting for <name> to stop` at most every 2 s while STOPPING.
    pub fn stop_report(&mut self, now: Clock, sink: &mut Sink) {
        if self.state != ProcessState::Stopping {
            return;
        }
        if self.laststopreport.is_none_or(|last| now.mono > last + 2.0) {
            sink.log(
                Level::Info,
                format!("waiting for {} to stop", self.config.name),
            );
            self.laststopreport = Some(now.mono);
        }
    }

    /// BACKOFF → FATAL.
    pub fn give_up(&mut self, now: Clock, sink: &mut Sink) {
        self.delay = 0.0;
        self.backoff = 0;
        self.change_state(ProcessState::Fatal, true, now, sink);
    }

    /// Sends a stop/kill signal (spec §2.7); returns an error text when nothing was signalled
    /// (not running) or signalling failed.
    pub fn kill(
        &mut self,
        sig: i32,
        now: Clock,
        host: &mut dyn Host,
        sink: &mut Sink,
    ) -> Option<String> {
        let name = self.config.name.clone();
        if self.state == ProcessState::Backoff {
            sink.log(
                Level::Debug,
                format!("Attempted to kill {name}, which is in BACKOFF state."),
            );
            self.change_state(ProcessState::Stopped, true, now, sink);
            return None;
        }
        if self.pid == 0 {
            let msg = format!(
                "attempted to kill {name} with sig {} but it wasn't running",
                signame(sig)
            );
            sink.log(Level::Debug, msg.clone());
            return Some(msg);
        }
        let as_group = if self.state == ProcessState::Stopping {
            self.config.killasgroup
        } else {
            self.config.stopasgroup
        };
        sink.log(
            Level::Debug,
            format!(
                "killing {name} (pid {}) {}with signal {}",
                self.pid,
                if as_group { "process group " } else { "" },
                signame(sig)
            ),
        );
        self.killing = true;
        self.delay = now.mono + self.config.stopwaitsecs as f64;
        self.change_state(ProcessState::Stopping, true, now, sink);
        match host.kill(self.pid, sig, as_group) {
            Ok(()) => None,
            Err(KillError::Esrch) => {
                sink.log(
                    Level::Debug,
                    format!(
                        "unable to signal {name} (pid {}), it probably just exited on its own",
                        self.pid
                    ),
                );
                None
            }
            Err(KillError::Other(e)) => {
                let msg = format!("unknown problem killing {name} ({}):{e}", self.pid);
                sink.log(Level::Critical, msg.clone());
                self.change_state(ProcessState::Unknown, true, now, sink);
                self.killing = false;
                self.delay = 0.0;
                Some(msg)
            }
        }
    }

    /// Sends a signal without intending to stop (`signalProcess`).
    pub fn signal(
        &mut self,
        sig: i32,
        now: Clock,
        host: &mut dyn Host,
        sink: &mut Sink,
    ) -> Option<String> {
        let name = self.config.name.clone();
        if self.pid == 0 {
            let msg = format!(
                "attempted to send {name} sig {} but it wasn't running",
                signame(sig)
            );
            sink.log(Level::Debug, msg.clone());
            return Some(msg);
        }
        sink.log(
            Level::Debug,
            format!("sending {name} (pid {}) sig {}", self.pid, signame(sig)),
        );
        match host.kill(self.pid, sig, false) {
            Ok(()) | Err(KillError::Esrch) => None,
            Err(KillError::Other(e)) => {
                let msg = format!("unknown problem sending sig {name} ({}):{e}", self.pid);
                sink.log(Level::Critical, msg.clone());
                self.change_state(ProcessState::Unknown, true, now, sink);
                Some(msg)
            }
        }
    }
}
