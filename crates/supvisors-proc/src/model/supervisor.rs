//! The model root: groups, mood, pools, the main-loop step and the inputs from the I/O layer.

use std::sync::Arc;

use supvisors_rules::supervisor::SupervisorConfig;

use super::clock::Clock;
use super::describe::decode_wait_status;
use super::events::{Event, decode};
use super::group::{Group, ParsedGroup, resolve_logs};
use super::host::{Channel, Host};
use super::listener::{Buffered, Candidate, dispatch};
use super::output::{Notice, Output, Sink};
use super::process::{Env, Process};
use super::state::{Level, ProcessState, SupervisorState};

const TICK_PERIODS: [u32; 3] = [5, 60, 3600];

/// supervisord's process supervision as a pure state machine (see the module docs).
#[derive(Debug)]
pub struct Supervisor {
    pub(crate) identifier: String,
    pub(crate) server_url: Option<String>,
    pub(crate) strip_ansi: bool,
    pub(crate) debug_output: bool,
    pub(crate) mood: SupervisorState,
    /// Active groups in table (activation) order.
    pub(crate) groups: Vec<Group>,
    /// The most recently parsed group configurations.
    pub(crate) parsed: Vec<ParsedGroup>,
    pub(crate) sink: Sink,
    pub(crate) next_id: u64,
    global_serial: i64,
    ticks: [Option<i64>; 3],
    stopping: bool,
    stop_groups: Vec<String>,
    lastshutdownreport: Option<f64>,
    finished: bool,
}

impl Supervisor {
    /// Activates every group of `config` in order (AUTO log files are created through `host`,
    /// `PROCESS_GROUP_ADDED` emitted for each), then emits `SUPERVISOR_STATE_CHANGE_RUNNING`.
    /// Autostart happens at the first [`Supervisor::tick`].
    pub fn new(
        config: &SupervisorConfig,
        identifier: impl Into<String>,
        host: &mut impl Host,
    ) -> Self {
        let mut sup = Self {
            identifier: identifier.into(),
            server_url: config.server_url(),
            strip_ansi: config.supervisord.strip_ansi,
            debug_output: config.supervisord.loglevel <= supvisors_rules::values::LogLevel::Debug,
            mood: SupervisorState::Running,
            groups: Vec::new(),
            parsed: config
                .groups
                .iter()
                .map(|g| ParsedGroup {
                    config: g.clone(),
                    resolved: None,
                })
                .collect(),
            sink: Sink::default(),
            next_id: 0,
            global_serial: -1,
            ticks: [None; 3],
            stopping: false,
            stop_groups: Vec::new(),
            lastshutdownreport: None,
            finished: false,
        };
        for i in 0..sup.parsed.len() {
            sup.activate(i, host);
        }
        sup.sink.event(Event::SupervisorRunning);
        sup.flush();
        sup
    }

    /// Activates the parsed group at `index` (resolving its AUTO logs once per parse).
    pub(crate) fn activate(&mut self, index: usize, host: &mut dyn Host) {
        let Some(parsed) = self.parsed.get_mut(index) else {
            return;
        };
        let logs = match &parsed.resolved {
            Some(l) => l.clone(),
            None => {
                let l = resolve_logs(&parsed.config, host);
                parsed.resolved = Some(l.clone());
                l
            }
        };
        let group = Group::new(parsed.config.clone(), &logs, &mut self.next_id);
        let name = group.config.name.clone();
        self.groups.push(group);
        self.sink.event(Event::ProcessGroupAdded(name));
        self.flush();
    }

    /// The identifier given to listeners and `getIdentification`.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The daemon's mood.
    pub fn mood(&self) -> SupervisorState {
        self.mood
    }

    /// Whether the shutdown/restart sequence has completed (`Exit`/`Reinitialize` was output).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Drains the outputs produced since the last call, in order.
    pub fn take_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.sink.outputs)
    }

    /// Group indices sorted by priority, stable over table order.
    pub(crate) fn groups_by_priority(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.groups.len()).collect();
        idx.sort_by_key(|&i| self.groups.get(i).map_or(0, |g| g.config.priority));
        idx
    }

    pub(crate) fn find_pid(&mut self, pid: i32) -> Option<&mut Process> {
        if pid == 0 {
            return None;
        }
        self.groups
            .iter_mut()
            .flat_map(|g| g.processes.iter_mut())
            .find(|p| p.pid == pid)
    }

    pub(crate) fn find_id(&self, id: u64) -> Option<&Process> {
        self.groups
            .iter()
            .flat_map(|g| g.processes.iter())
            .find(|p| p.id == id)
    }

    pub(crate) fn find_id_mut(&mut self, id: u64) -> Option<&mut Process> {
        self.groups
            .iter_mut()
            .flat_map(|g| g.processes.iter_mut())
            .find(|p| p.id == id)
    }

    /// Offers pending events to the pools (assigning serials) and re-buffers rejected ones.
    pub(crate) fn flush(&mut self) {
        while !self.sink.notices.is_empty() {
            let notices = std::mem::take(&mut self.sink.notices);
            for notice in notices {
                match notice {
                    Notice::Event(event) => self.offer(&event),
                    Notice::Rejected { process, event } => {
                        for g in &mut self.groups {
                            if g.processes.iter().any(|p| p.id == process)
                                && let Some(pool) = &mut g.pool
                            {
                                sink_debug_rebuffer(&mut self.sink, &g.config.name, &event);
                                pool.accept(&g.config.name, event, true, &mut self.sink);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    fn offer(&mut self, event: &Arc<Event>) {
        let mut serial: Option<u64> = None;
        for g in &mut self.groups {
            let Some(pool) = &mut g.pool else { continue };
            let mut poolserial: Option<u64> = None;
            // One callback per subscribed type: a pool subscribed to a type and its parent
            // buffers the event twice, as the reference does.
            for sub in pool.events.clone() {
                if !event.is_a(&sub) {
                    continue;
                }
                let s = *serial.get_or_insert_with(|| {
                    self.global_serial += 1;
                    u64::try_from(self.global_serial).unwrap_or(0)
                });
                let ps = match poolserial {
                    Some(ps) => {
                        sink_debug_rebuffer_serial(&mut self.sink, &g.config.name, s);
                        ps
                    }
                    None => *poolserial.insert(pool.next_serial()),
                };
                let buffered = Buffered {
                    event: Arc::clone(event),
                    serial: s,
                    poolserial: ps,
                };
                pool.accept(&g.config.name, buffered, false, &mut self.sink);
            }
        }
    }

    /// One main-loop iteration (spec §2.4–§2.9, §7.1): the shutdown phase when stopping,
    /// every process's transition in group priority order, listener dispatch, TICK events.
    pub fn tick(&mut self, now: Clock, host: &mut impl Host) {
        if self.finished {
            return;
        }
        if self.mood < SupervisorState::Running {
            if !self.stopping {
                self.stopping = true;
                self.stop_groups = self
                    .groups_by_priority()
                    .into_iter()
                    .filter_map(|i| self.groups.get(i).map(|g| g.config.name.clone()))
                    .collect();
                self.sink.event(Event::SupervisorStopping);
                self.flush();
            }
            if let Some(last) = self.stop_groups.last().cloned()
                && let Some(g) = self.groups.iter_mut().find(|g| g.config.name == last)
            {
                g.stop_all(now, host, &mut self.sink);
            }
            self.flush();
            if !self.shutdown_report(now) {
                self.finished = true;
                self.sink
                    .outputs
                    .push(if self.mood == SupervisorState::Shutdown {
                        Output::Exit
                    } else {
                        Output::Reinitialize
                    });
                return;
            }
        }
        for gi in self.groups_by_priority() {
            self.transition_group(gi, now, host);
        }
        self.tick_events(now);
        self.flush();
        if self.mood < SupervisorState::Running
            && let Some(last) = self.stop_groups.last()
        {
            let done = self
                .groups
                .iter()
                .find(|g| &g.config.name == last)
                .is_none_or(|g| g.unstopped().next().is_none());
            if done {
                self.stop_groups.pop();
            }
        }
    }

    fn transition_group(&mut self, gi: usize, now: Clock, host: &mut dyn Host) {
        let env = Env {
            server_url: self.server_url.as_deref(),
            strip_ansi: self.strip_ansi,
            mood: self.mood,
        };
        let Some(g) = self.groups.get_mut(gi) else {
            return;
        };
        for p in &mut g.processes {
            p.transition(now, host, &mut self.sink, &env);
        }
        if g.pool.is_none() {
            return;
        }
        let capable = g.processes.iter().any(|p| {
            p.state == ProcessState::Running
                && p.listener
                    .as_ref()
                    .is_some_and(|l| l.state == super::state::ListenerState::Ready)
        });
        self.flush();
        if capable {
            self.dispatch_pool(gi, host);
        }
    }

    pub(crate) fn dispatch_pool(&mut self, gi: usize, host: &mut dyn Host) {
        let Some(g) = self.groups.get_mut(gi) else {
            return;
        };
        let name = g.config.name.clone();
        let Some(pool) = &mut g.pool else { return };
        let mut listeners: Vec<Candidate<'_>> = g
            .processes
            .iter_mut()
            .filter_map(|p| {
                let (pid, state) = (p.pid, p.state);
                let pname = p.config.name.as_str();
                p.listener.as_mut().map(|io| Candidate {
                    pid,
                    name: pname,
                    state,
                    io,
                })
            })
            .collect();
        dispatch(
            pool,
            &name,
            &self.identifier,
            &mut listeners,
            host,
            &mut self.sink,
        );
    }

    fn tick_events(&mut self, now: Clock) {
        for (slot, period) in self.ticks.iter_mut().zip(TICK_PERIODS) {
            let p = f64::from(period);
            let this = (now.wall - now.wall.rem_euclid(p)) as i64;
            match slot {
                None => *slot = Some(this),
                Some(last) if *last != this => {
                    *slot = Some(this);
                    self.sink.event(Event::Tick { period, when: this });
                }
                Some(_) => {}
            }
        }
    }

    /// Logs `waiting for <names> to die` at most every 3 s; false when nothing is unstopped.
    fn shutdown_report(&mut self, now: Clock) -> bool {
        let names: Vec<String> = self
            .groups
            .iter()
            .flat_map(Group::unstopped)
            .map(|p| p.config.name.clone())
            .collect();
        if names.is_empty() {
            return false;
        }
        if self
            .lastshutdownreport
            .is_none_or(|last| now.mono > last + 3.0)
        {
            self.sink.log(
                Level::Info,
                format!("waiting for {} to die", names.join(", ")),
            );
            self.lastshutdownreport = Some(now.mono);
        }
        true
    }

    /// When the model next needs a [`Supervisor::tick`] (monotonic seconds), if ever; the
    /// driver should also tick at least once a second, as the reference's 1 s poll does.
    pub fn next_deadline(&self, now: Clock) -> Option<f64> {
        if self.finished {
            return None;
        }
        let mut best: Option<f64> = None;
        // Past deadlines are due now.
        let mut consider = |t: f64| {
            let t = t.max(now.mono);
            best = Some(best.map_or(t, |b: f64| b.min(t)));
        };
        if self.mood < SupervisorState::Running && self.shutdown_step_due() {
            consider(now.mono);
        }
        for g in &self.groups {
            for p in &g.processes {
                if let Some(t) = p.deadline(self.mood) {
                    consider(t);
                }
            }
            if let Some(pool) = &g.pool
                && !pool.buffer.is_empty()
                && g.processes.iter().any(|p| {
                    p.state == ProcessState::Running
                        && p.listener
                            .as_ref()
                            .is_some_and(|l| l.state == super::state::ListenerState::Ready)
                })
            {
                consider(now.mono);
            }
        }
        let to_tick = 5.0 - now.wall.rem_euclid(5.0);
        consider(now.mono + to_tick);
        best
    }

    /// Whether the shutdown sequence can progress without waiting for a child: not begun yet,
    /// nothing left to stop, or the current group needs its stop requests or is done.
    fn shutdown_step_due(&self) -> bool {
        if !self.stopping {
            return true;
        }
        let Some(last) = self.stop_groups.last() else {
            return true;
        };
        self.groups
            .iter()
            .find(|g| &g.config.name == last)
            .is_none_or(|g| {
                g.unstopped().next().is_none() || g.processes.iter().any(|p| p.state.is_running())
            })
    }

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

fn sink_debug_rebuffer(sink: &mut Sink, pool: &str, event: &Buffered) {
    sink_debug_rebuffer_serial(sink, pool, event.serial);
}

fn sink_debug_rebuffer_serial(sink: &mut Sink, pool: &str, serial: u64) {
    sink.log(
        Level::Debug,
        format!("rebuffering event {serial} for pool {pool}"),
    );
}
