//! Supvisors' `update_numprocs` on the local Supervisor (supvisors-core §9.3): the program
//! section is expanded again with the new `numprocs` by the loader's own code
//! ([`ProgramSource::expand`]); new processes are created at once, obsolete ones are only
//! listed, then deleted by [`Supervisor::remove_processes`] once stopped.

use std::sync::Arc;

use supvisors_rules::context::LoadContext;
use supvisors_rules::supervisor::{ProcessConfig, ProgramSource};

use super::clock::Clock;
use super::events::{Event, SupvisorsEventKind};
use super::faults::{Fault, FaultCode};
use super::group::resolve_logs_of;
use super::host::Host;
use super::names::make_namespec;
use super::process::Process;
use super::supervisor::Supervisor;
use super::supvisors::SupvisorsNotice;

/// What an `update_numprocs` changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumprocsChange {
    /// Namespecs of the processes created (increase), group by group.
    pub added: Vec<String>,
    /// Namespecs beyond the new count (decrease), still present until removed.
    pub obsolete: Vec<String>,
}

impl Supervisor {
    /// Sets the `numprocs` of `program` in every active group embedding it. `ctx` gives the
    /// host facts of the expansion (the daemon's loading context). Faults: `BAD_NAME: program
    /// <p> unknown to Supvisors`, `INCORRECT_PARAMETERS` for a value < 1, and
    /// `SUPVISORS_CONF_ERROR: numprocs not applicable: <reason>` when the section cannot be
    /// expanded with it (nothing is changed then).
    pub fn update_numprocs(
        &mut self,
        program: &str,
        numprocs: i64,
        ctx: &LoadContext<'_>,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<NumprocsChange, Fault> {
        self.clock = Some(now);
        let groups = self.groups_of(program);
        let Some(source) = self.programs.get(program).filter(|_| !groups.is_empty()) else {
            return Err(Fault::new(
                FaultCode::BadName,
                format!("program {program} unknown to Supvisors"),
            ));
        };
        if numprocs < 1 {
            return Err(Fault::new(
                FaultCode::IncorrectParameters,
                format!("incorrect value for numprocs: {numprocs} (integer > 0 expected)"),
            ));
        }
        // The reference measures the current count in the first group embedding the program.
        let current = groups
            .first()
            .map_or(0, |&gi| self.members_of(gi, program).len());
        let wanted = usize::try_from(numprocs).unwrap_or(usize::MAX);
        if wanted == current {
            return Ok(NumprocsChange::default());
        }
        let mut rebuilt = Vec::with_capacity(groups.len());
        for &gi in &groups {
            let Some(g) = self.groups.get(gi) else {
                continue;
            };
            let configs = source.expand(&g.config.name, numprocs, ctx).map_err(|e| {
                Fault::new(
                    FaultCode::SupvisorsConfError,
                    format!("numprocs not applicable: {e}"),
                )
            })?;
            rebuilt.push((gi, configs));
        }
        let mut source: ProgramSource = source.as_ref().clone();
        source.set_numprocs(numprocs);
        self.programs.insert(program.to_string(), Arc::new(source));
        let mut change = NumprocsChange::default();
        if wanted < current {
            for &gi in &groups {
                let Some(g) = self.groups.get(gi) else {
                    continue;
                };
                change.obsolete.extend(
                    self.members_of(gi, program)
                        .into_iter()
                        .skip(wanted)
                        .filter_map(|pi| g.processes.get(pi))
                        .map(|p| make_namespec(&g.config.name, &p.config.name)),
                );
            }
            return Ok(change);
        }
        for (gi, configs) in rebuilt {
            let fresh: Vec<Arc<ProcessConfig>> = configs.into_iter().skip(current).collect();
            change
                .added
                .extend(self.add_processes(gi, fresh, now, host));
        }
        Ok(change)
    }

    /// Deletes the given processes that are stopped (PROCESS_REMOVED event and notice in
    /// Supvisors mode); returns those still running, which are kept. Unknown names are ignored.
    pub fn remove_processes(&mut self, namespecs: &[String]) -> Vec<String> {
        let mut running = Vec::new();
        for namespec in namespecs {
            let Ok((gi, pi)) = self.resolve_process(namespec) else {
                continue;
            };
            let Some(g) = self.groups.get_mut(gi) else {
                continue;
            };
            let Some(p) = g.processes.get(pi) else {
                continue;
            };
            if !p.state.is_stopped() {
                running.push(namespec.clone());
                continue;
            }
            let (group, name) = (g.config.name.clone(), p.config.name.clone());
            g.processes.remove(pi);
            if let Some(ci) = g.config.processes.iter().position(|c| c.name == name) {
                g.config.processes.remove(ci);
            }
            if self.is_supvisors() {
                self.sink.event(Event::Supvisors {
                    kind: SupvisorsEventKind::Removed,
                    group: group.clone(),
                    name: name.clone(),
                });
                self.sink
                    .cluster
                    .push(SupvisorsNotice::ProcessRemoved { group, name });
                self.flush();
            }
        }
        running
    }

    /// Indices of the active groups that have a process of `program`.
    fn groups_of(&self, program: &str) -> Vec<usize> {
        (0..self.groups.len())
            .filter(|&gi| !self.members_of(gi, program).is_empty())
            .collect()
    }

    /// Indices of the processes of `program` in group `gi`, in table order.
    fn members_of(&self, gi: usize, program: &str) -> Vec<usize> {
        self.groups.get(gi).map_or_else(Vec::new, |g| {
            g.processes
                .iter()
                .enumerate()
                .filter(|(_, p)| p.config.program_name == program)
                .map(|(pi, _)| pi)
                .collect()
        })
    }

    /// Appends processes to group `gi`, with the program's
    /// disability and no extra arguments; returns their namespecs.
    fn add_processes(
        &mut self,
        gi: usize,
        configs: Vec<Arc<ProcessConfig>>,
        now: Clock,
        host: &mut dyn Host,
    ) -> Vec<String> {
        let logs = resolve_logs_of(&configs, host);
        let mut added = Vec::new();
        for (config, logs) in configs.into_iter().zip(logs) {
            let program = config.program_name.clone();
            let disabled = self
                .disabilities
                .as_ref()
                .and_then(|m| m.get(&program).copied())
                .unwrap_or(false);
            let Some(g) = self.groups.get_mut(gi) else {
                break;
            };
            self.next_id += 1;
            let mut process = Process::new(self.next_id, Arc::clone(&config), logs);
            process.disabled = disabled;
            if let supvisors_rules::supervisor::GroupKind::Fcgi { socket } = &g.config.kind {
                process.fcgi_socket = Some(socket.clone());
            }
            let group = g.config.name.clone();
            let info = process.local_info(&group, now, &*host);
            // At the end of the group, as the reference extends its lists.
            g.processes.push(process);
            g.config.processes.push(Arc::clone(&config));
            added.push(make_namespec(&group, &config.name));
            if self.is_supvisors() {
                self.sink.event(Event::Supvisors {
                    kind: SupvisorsEventKind::Added,
                    group,
                    name: config.name.clone(),
                });
                self.sink
                    .cluster
                    .push(SupvisorsNotice::ProcessAdded(vec![info]));
                self.flush();
            }
        }
        added
    }
}
