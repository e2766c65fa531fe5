//! Daemon-level `supervisor.*` methods (spec §3.5.3, §3.5.8, §3.5.9): state, shutdown and
//! restart, reloadConfig / addProcessGroup / removeProcessGroup, stdin, remote events, logs.

use supvisors_rules::supervisor::SupervisorConfig;

use super::deferred::ProcessResult;
use super::events::Event;
use super::faults::{Fault, FaultCode};
use super::group::{ParsedGroup, same_config};
use super::host::{Channel, Host, StdinError};
use super::names::make_namespec;
use super::state::SupervisorState;
use super::supervisor::Supervisor;

/// Group names reported by `reloadConfig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadDiff {
    /// In the new configuration, not active (new-config order).
    pub added: Vec<String>,
    /// Active and different (new-config order).
    pub changed: Vec<String>,
    /// Active, no longer configured (active-table order).
    pub removed: Vec<String>,
}

impl Supervisor {
    /// `getState()`: always RUNNING when it answers.
    pub fn get_state(&self) -> Result<SupervisorState, Fault> {
        self.check_state()?;
        Ok(self.mood)
    }

    /// `shutdown()`: the stop sequence begins at the next tick.
    pub fn shutdown(&mut self) -> Result<bool, Fault> {
        self.check_state()?;
        self.mood = SupervisorState::Shutdown;
        Ok(true)
    }

    /// `restart()`: stop everything, then [`super::Output::Reinitialize`].
    pub fn restart(&mut self) -> Result<bool, Fault> {
        self.check_state()?;
        self.mood = SupervisorState::Restarting;
        Ok(true)
    }

    /// `reloadConfig()`: `parsed` is the re-read configuration or the error text.
    pub fn reload_config(
        &mut self,
        parsed: Result<SupervisorConfig, String>,
    ) -> Result<ReloadDiff, Fault> {
        self.check_state()?;
        let config = parsed.map_err(|e| Fault::new(FaultCode::CantReread, e))?;
        // `update_numprocs` expands the sections as last read (groups re-added after a
        // reread come from them); programs no longer configured keep their old section, as
        // their groups may still be active.
        for (program, source) in &config.programs {
            self.programs.insert(program.clone(), source.clone());
        }
        self.parsed = config
            .groups
            .iter()
            .map(|g| ParsedGroup {
                config: g.clone(),
                resolved: None,
            })
            .collect();
        let mut diff = ReloadDiff::default();
        for new in &config.groups {
            match self.groups.iter().find(|g| g.config.name == new.name) {
                None => diff.added.push(new.name.clone()),
                Some(cur) if !same_config(&cur.config, new) => diff.changed.push(new.name.clone()),
                Some(_) => {}
            }
        }
        diff.removed = self
            .groups
            .iter()
            .filter(|g| !config.groups.iter().any(|n| n.name == g.config.name))
            .map(|g| g.config.name.clone())
            .collect();
        Ok(diff)
    }

    /// `addProcessGroup(name)` from the latest parse; autostart happens at the next tick.
    pub fn add_process_group(&mut self, name: &str, host: &mut impl Host) -> Result<bool, Fault> {
        self.check_state()?;
        let Some(index) = self.parsed.iter().position(|p| p.config.name == name) else {
            return Err(Fault::new(FaultCode::BadName, name));
        };
        if self.groups.iter().any(|g| g.config.name == name) {
            return Err(Fault::new(FaultCode::AlreadyAdded, name));
        }
        self.activate(index, host);
        Ok(true)
    }

    /// `removeProcessGroup(name)`.
    pub fn remove_process_group(&mut self, name: &str) -> Result<bool, Fault> {
        self.check_state()?;
        let gi = self.group_index(name)?;
        if self
            .groups
            .get(gi)
            .is_some_and(|g| g.unstopped().next().is_some())
        {
            return Err(Fault::new(FaultCode::StillRunning, name));
        }
        self.groups.remove(gi);
        self.sink
            .event(Event::ProcessGroupRemoved(name.to_string()));
        self.flush();
        self.group_removed(name);
        Ok(true)
    }

    /// `sendProcessStdin(namespec, chars)` (the codec checks that `chars` is a string first).
    pub fn send_process_stdin(
        &mut self,
        namespec: &str,
        chars: &[u8],
        host: &mut impl Host,
    ) -> Result<bool, Fault> {
        self.check_state()?;
        let (gi, pi) = self.resolve_process(namespec)?;
        let Some(p) = self.groups.get(gi).and_then(|g| g.processes.get(pi)) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        if p.pid == 0 || p.killing {
            return Err(Fault::new(FaultCode::NotRunning, namespec));
        }
        match host.write_stdin(p.pid, chars) {
            Ok(()) => Ok(true),
            Err(StdinError::Closed) => Err(Fault::new(FaultCode::NoFile, namespec)),
            Err(StdinError::Other(e)) => Err(Fault::new(FaultCode::Failed, e)),
        }
    }

    /// `sendRemoteCommEvent(type, data)`: works in any state.
    pub fn send_remote_comm_event(&mut self, kind: &str, data: &str) -> bool {
        self.sink.event(Event::RemoteCommunication {
            kind: kind.to_string(),
            data: data.to_string(),
        });
        self.flush();
        true
    }

    /// `clearProcessLogs(namespec)`: the host clears the open logs of a running child; a
    /// process without a child is left alone, as in the reference.
    pub fn clear_process_logs(
        &mut self,
        namespec: &str,
        host: &mut impl Host,
    ) -> Result<bool, Fault> {
        self.clear_one(namespec, host)
    }

    fn clear_one(&mut self, namespec: &str, host: &mut dyn Host) -> Result<bool, Fault> {
        self.check_state()?;
        let (gi, pi) = self.resolve_process(namespec)?;
        let pid = self
            .groups
            .get(gi)
            .and_then(|g| g.processes.get(pi))
            .map_or(0, |p| p.pid);
        if pid != 0 && host.clear_logs(pid).is_err() {
            return Err(Fault::new(FaultCode::Failed, namespec));
        }
        Ok(true)
    }

    /// `clearAllProcessLogs()`: one result per process in priority order (answered at once;
    /// the reference defers between members without any observable difference).
    pub fn clear_all_process_logs(
        &mut self,
        host: &mut impl Host,
    ) -> Result<Vec<ProcessResult>, Fault> {
        self.check_state()?;
        let mut results = Vec::new();
        for (gi, pi) in self.all_by_priority() {
            let Some(g) = self.groups.get(gi) else {
                continue;
            };
            let Some(p) = g.processes.get(pi) else {
                continue;
            };
            let (group, name) = (g.config.name.clone(), p.config.name.clone());
            match self.clear_one(&make_namespec(&group, &name), host) {
                Ok(_) => results.push(ProcessResult::ok(&group, &name)),
                Err(f) => results.push(ProcessResult::fault(&group, &name, &f)),
            }
        }
        Ok(results)
    }

    /// The log file of a process channel for the read/tail methods: `BAD_NAME` for unknown
    /// or whole-group names; `Ok(None)` when the channel has no log file.
    pub fn log_path(&self, namespec: &str, channel: Channel) -> Result<Option<String>, Fault> {
        self.check_state()?;
        let (gi, pi) = self.resolve_process(namespec)?;
        let p = self.groups.get(gi).and_then(|g| g.processes.get(pi));
        Ok(p.and_then(|p| match channel {
            Channel::Stdout => p.stdout_log.clone(),
            Channel::Stderr => p.stderr_log.clone(),
        }))
    }

    /// The namespec of every active process in priority order (for observers).
    pub fn namespecs(&self) -> Vec<String> {
        self.all_by_priority()
            .into_iter()
            .filter_map(|(gi, pi)| {
                let g = self.groups.get(gi)?;
                let p = g.processes.get(pi)?;
                Some(make_namespec(&g.config.name, &p.config.name))
            })
            .collect()
    }
}
