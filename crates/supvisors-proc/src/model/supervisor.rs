//! The model root: groups, mood, pools, the main-loop step and the inputs from the I/O layer.

use std::collections::BTreeMap;

use supvisors_rules::supervisor::{ProgramSource, SupervisorConfig};

use super::clock::Clock;
use super::events::Event;
use super::group::{Group, ParsedGroup, resolve_logs};
use super::host::Host;
use super::output::{Output, Sink};
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
    pub(crate) global_serial: i64,
    pub(crate) ticks: [Option<i64>; 3],
    pub(crate) stopping: bool,
    pub(crate) stop_groups: Vec<String>,
    pub(crate) lastshutdownreport: Option<f64>,
    pub(crate) finished: bool,
    /// Supvisors mode when set: the program disabilities (program name → disabled).
    pub(crate) disabilities: Option<BTreeMap<String, bool>>,
    /// The program sections, to expand them again with another `numprocs`.
    pub(crate) programs: BTreeMap<String, std::sync::Arc<ProgramSource>>,
    /// The last clock reading seen, for facts produced by calls that take none.
    pub(crate) clock: Option<Clock>,
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
            disabilities: None,
            programs: config.programs.clone(),
            clock: None,
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
        self.group_added(self.groups.len() - 1, host);
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

    /// One main-loop iteration (spec §2.4–§2.9, §7.1): the shutdown phase when stopping,
    /// every process's transition in group priority order, listener dispatch, TICK events.
    pub fn tick(&mut self, now: Clock, host: &mut impl Host) {
        self.clock = Some(now);
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
}
