//! A simulated local Supervisor: programs that start, stop and crash on request.

use std::collections::BTreeMap;

use supvisors_core::enums::ProcessStates;
use supvisors_core::messages::{LocalProcessInfo, ProcessEvent};

/// One process of the simulated Supervisor.
#[derive(Debug, Clone)]
pub struct SimProcess {
    pub group: String,
    pub name: String,
    pub state: ProcessStates,
    pub start: f64,
    pub stop: f64,
    pub expected: bool,
    pub extra_args: String,
    /// Bumped at every transition, so stale scheduled steps are ignored.
    pub epoch: u64,
    /// Restarted by Supervisor after an unexpected exit.
    pub autorestart: bool,
}

/// The processes of one node, by namespec.
#[derive(Debug, Clone, Default)]
pub struct SimSupervisor {
    pub procs: BTreeMap<String, SimProcess>,
}

impl SimSupervisor {
    /// Every program STOPPED, never started; `no_autorestart` lists namespecs whose rules
    /// force `autorestart=false` (STOP_APPLICATION / RESTART_APPLICATION, spec §3.9).
    pub fn new(programs: &[(String, String)], no_autorestart: &[String]) -> Self {
        let procs = programs
            .iter()
            .map(|(group, name)| {
                let p = SimProcess {
                    group: group.clone(),
                    name: name.clone(),
                    state: ProcessStates::Stopped,
                    start: 0.0,
                    stop: 0.0,
                    expected: true,
                    extra_args: String::new(),
                    epoch: 0,
                    autorestart: !no_autorestart.contains(&format!("{group}:{name}")),
                };
                (format!("{group}:{name}"), p)
            })
            .collect();
        SimSupervisor { procs }
    }

    /// Moves a process to `state`; returns the event to publish.
    pub fn transition(
        &mut self,
        namespec: &str,
        state: ProcessStates,
        expected: bool,
        now: f64,
    ) -> Option<ProcessEvent> {
        let p = self.procs.get_mut(namespec)?;
        p.state = state;
        p.expected = expected;
        p.epoch += 1;
        match state {
            ProcessStates::Starting => p.start = now,
            s if s.is_stopped() => p.stop = now,
            _ => {}
        }
        Some(ProcessEvent {
            group: p.group.clone(),
            name: p.name.clone(),
            state,
            now,
            pid: u32::from(state == ProcessStates::Running),
            expected,
            spawnerr: String::new(),
            extra_args: p.extra_args.clone(),
            disabled: false,
        })
    }

    /// `get_all_local_process_info`.
    pub fn infos(&self, now: f64) -> Vec<LocalProcessInfo> {
        self.procs
            .values()
            .map(|p| LocalProcessInfo {
                group: p.group.clone(),
                name: p.name.clone(),
                state: p.state,
                start: p.start,
                stop: p.stop,
                now,
                pid: u32::from(p.state == ProcessStates::Running),
                spawnerr: String::new(),
                expected: true,
                startsecs: 1,
                stopwaitsecs: 1,
                extra_args: p.extra_args.clone(),
                disabled: false,
                description: String::new(),
            })
            .collect()
    }

    /// Namespecs in a running state.
    pub fn running(&self) -> Vec<String> {
        self.procs
            .iter()
            .filter(|(_, p)| p.state.is_running())
            .map(|(n, _)| n.clone())
            .collect()
    }
}
