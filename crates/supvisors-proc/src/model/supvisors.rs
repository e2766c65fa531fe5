//! What the Supvisors plugin changes in the local Supervisor (supvisors-core §9, interfaces
//! §1.5, §1.7.9, §3.7): program disabilities, extra arguments, a forced FATAL state, the local
//! process information, and the facts published to the other instances ([`SupvisorsNotice`]).
//! Everything here is inert until [`Supervisor::enable_supvisors`]: a plain supervisord never
//! has a disabled process, extra arguments, notices or the four extra event types.

use std::collections::BTreeMap;

use supvisors_core::enums::ProcessStates;
use supvisors_core::messages::{LocalProcessInfo, ProcessEvent};

use super::clock::Clock;
use super::events::{Event, SupvisorsEventKind};
use super::faults::{Fault, FaultCode};
use super::host::Host;
use super::info::process_info;
use super::names::make_namespec;
use super::process::Process;
use super::state::ProcessState;
use super::supervisor::Supervisor;

/// A fact the daemon publishes to the other Supvisors instances, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum SupvisorsNotice {
    /// A process changed state (the reference listener's PROCESS payload).
    ProcessState(ProcessEvent),
    /// Processes were created: by an `update_numprocs` increase (one per notice, as the
    /// reference fires one event per process) or with a group added at runtime (the group's).
    ProcessAdded(Vec<LocalProcessInfo>),
    /// A process was deleted; `name` is `*` when its whole group was removed.
    ProcessRemoved {
        /// Group name.
        group: String,
        /// Process name, or `*`.
        name: String,
    },
    /// A process was enabled or disabled (its local information after the change).
    ProcessDisability(LocalProcessInfo),
}

/// The core's state for a model state (same wire codes).
pub fn core_state(state: ProcessState) -> ProcessStates {
    ProcessStates::from_code(state.code()).unwrap_or(ProcessStates::Unknown)
}

impl Process {
    /// The PROCESS notice of a state change that just happened.
    pub(crate) fn state_notice(&self, expected: bool, now: Clock) -> SupvisorsNotice {
        SupvisorsNotice::ProcessState(ProcessEvent {
            group: self.config.group_name.clone(),
            name: self.config.name.clone(),
            state: core_state(self.state),
            now: now.wall,
            pid: u32::try_from(self.pid).unwrap_or(0),
            expected,
            spawnerr: self.spawnerr.clone().unwrap_or_default(),
            extra_args: self.extra_args.clone(),
            disabled: self.disabled,
        })
    }

    /// The 15 keys of `get_local_process_info` (interfaces §1.5).
    pub(crate) fn local_info(&self, group: &str, now: Clock, host: &dyn Host) -> LocalProcessInfo {
        let info = process_info(group, self, now, host);
        let secs = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        LocalProcessInfo {
            group: info.group,
            name: info.name,
            state: core_state(info.state),
            start: info.start as f64,
            stop: info.stop as f64,
            // Supervisor's integer `now`, turned into a float as the reference does.
            now: info.now as f64,
            pid: u32::try_from(info.pid).unwrap_or(0),
            expected: info.spawnerr.is_empty(),
            spawnerr: info.spawnerr,
            startsecs: secs(self.config.startsecs),
            stopwaitsecs: secs(self.config.stopwaitsecs),
            extra_args: self.extra_args.clone(),
            disabled: self.disabled,
            description: info.description,
        }
    }
}

impl Supervisor {
    /// Turns Supvisors mode on with the program disabilities read from `disabilities_file`:
    /// every process gets its program's flag (programs absent from the map are added as
    /// enabled, as the reference's `setdefault`), now and for groups added later.
    pub fn enable_supvisors(&mut self, disabilities: BTreeMap<String, bool>) {
        let mut map = disabilities;
        for p in self.groups.iter_mut().flat_map(|g| g.processes.iter_mut()) {
            p.disabled = *map.entry(p.config.program_name.clone()).or_insert(false);
            p.extra_args.clear();
        }
        self.disabilities = Some(map);
        self.sink.supvisors = true;
    }

    /// Whether Supvisors mode is on.
    pub fn is_supvisors(&self) -> bool {
        self.disabilities.is_some()
    }

    /// The disabilities to persist (Supvisors mode only).
    pub fn disabilities(&self) -> Option<&BTreeMap<String, bool>> {
        self.disabilities.as_ref()
    }

    /// Drains the facts for the cluster produced since the last call, in order.
    pub fn take_notices(&mut self) -> Vec<SupvisorsNotice> {
        std::mem::take(&mut self.sink.cluster)
    }

    /// Sets the extra arguments of one process ('' resets to the configured command); they
    /// apply from its next spawn and survive its restarts. `BAD_NAME: namespec <namespec>
    /// unknown to this Supervisor instance` for an unknown or whole-group namespec.
    pub fn set_extra_args(&mut self, namespec: &str, extra_args: &str) -> Result<(), Fault> {
        let unknown = || {
            Fault::new(
                FaultCode::BadName,
                format!("namespec {namespec} unknown to this Supervisor instance"),
            )
        };
        let (gi, pi) = self.resolve_process(namespec).map_err(|_| unknown())?;
        let p = self
            .groups
            .get_mut(gi)
            .and_then(|g| g.processes.get_mut(pi))
            .ok_or_else(unknown)?;
        p.extra_args = extra_args.to_string();
        Ok(())
    }

    /// Forces a process into FATAL with `spawnerr` (the fault text of a `start_args` that
    /// failed with NO_FILE or NOT_EXECUTABLE), emitting the BACKOFF → FATAL state event as
    /// the reference's forced `give_up` does. `BAD_NAME: <namespec>` when unknown.
    pub fn force_fatal(&mut self, namespec: &str, spawnerr: &str, now: Clock) -> Result<(), Fault> {
        self.clock = Some(now);
        let (gi, pi) = self.resolve_process(namespec)?;
        let mut sink = std::mem::take(&mut self.sink);
        if let Some(p) = self
            .groups
            .get_mut(gi)
            .and_then(|g| g.processes.get_mut(pi))
        {
            // Set silently, as the reference assigns the state to pass give_up's assertion.
            p.state = ProcessState::Backoff;
            p.spawnerr = Some(spawnerr.to_string());
            p.give_up(now, &mut sink);
        }
        self.sink = sink;
        self.flush();
        Ok(())
    }

    /// Enables or disables every process of `program` (its section name suffix); returns
    /// their namespecs. Emits PROCESS_ENABLED / PROCESS_DISABLED and a disability notice per
    /// process in Supvisors mode; on enable, the last-start date is reset and the process
    /// transition runs again so that `autostart` applies. Stopping disabled processes is the
    /// caller's business (the reference's Stopper does it first).
    pub fn set_program_disabled(
        &mut self,
        program: &str,
        disabled: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Vec<String>, Fault> {
        self.clock = Some(now);
        let members: Vec<(usize, usize)> = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(gi, g)| {
                g.processes
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.config.program_name == program)
                    .map(move |(pi, _)| (gi, pi))
            })
            .collect();
        if members.is_empty() {
            return Err(Fault::new(
                FaultCode::BadName,
                format!("program {program} unknown to Supvisors"),
            ));
        }
        if let Some(map) = &mut self.disabilities {
            map.insert(program.to_string(), disabled);
        }
        let mode = self.is_supvisors();
        let kind = if disabled {
            SupvisorsEventKind::Disabled
        } else {
            SupvisorsEventKind::Enabled
        };
        let mut namespecs = Vec::new();
        for (gi, pi) in members {
            let Some(g) = self.groups.get_mut(gi) else {
                continue;
            };
            let group = g.config.name.clone();
            let Some(p) = g.processes.get_mut(pi) else {
                continue;
            };
            p.disabled = disabled;
            namespecs.push(make_namespec(&group, &p.config.name));
            if mode {
                let info = p.local_info(&group, now, host);
                self.sink.event(Event::Supvisors {
                    kind,
                    group,
                    name: p.config.name.clone(),
                });
                self.sink
                    .cluster
                    .push(SupvisorsNotice::ProcessDisability(info));
                self.flush();
            }
            if !disabled {
                self.with_process(gi, pi, now, host, |p, now, host, sink, env| {
                    p.laststart = 0.0;
                    p.transition(now, host, sink, env);
                });
            }
        }
        Ok(namespecs)
    }

    /// `get_local_process_info(namespec)`: `BAD_NAME: <namespec>` for an unknown or
    /// whole-group namespec. The daemon state is not checked here (the RPC layer does).
    pub fn local_process_info(
        &self,
        namespec: &str,
        now: Clock,
        host: &impl Host,
    ) -> Result<LocalProcessInfo, Fault> {
        let (gi, pi) = self.resolve_process(namespec)?;
        let g = self.groups.get(gi);
        match (g, g.and_then(|g| g.processes.get(pi))) {
            (Some(g), Some(p)) => Ok(p.local_info(&g.config.name, now, host)),
            _ => Err(Fault::new(FaultCode::BadName, namespec)),
        }
    }

    /// `get_all_local_process_info()`, in `getAllProcessInfo` order (group, then process name).
    pub fn all_local_process_info(&self, now: Clock, host: &impl Host) -> Vec<LocalProcessInfo> {
        self.in_info_order(|group, p| p.local_info(group, now, host))
    }

    /// A group was activated: in Supvisors mode its processes get their disabilities and the
    /// cluster learns about them.
    pub(crate) fn group_added(&mut self, gi: usize, host: &mut dyn Host) {
        let Some(map) = &mut self.disabilities else {
            return;
        };
        let now = self.clock.unwrap_or(Clock::at(0.0));
        let Some(g) = self.groups.get_mut(gi) else {
            return;
        };
        for p in &mut g.processes {
            p.disabled = *map.entry(p.config.program_name.clone()).or_insert(false);
        }
        let infos = g
            .processes
            .iter()
            .map(|p| p.local_info(&g.config.name, now, &*host))
            .collect();
        self.sink.cluster.push(SupvisorsNotice::ProcessAdded(infos));
    }

    /// A group was removed: in Supvisors mode the cluster forgets all its processes.
    pub(crate) fn group_removed(&mut self, name: &str) {
        if self.is_supvisors() {
            self.sink.cluster.push(SupvisorsNotice::ProcessRemoved {
                group: name.to_string(),
                name: "*".into(),
            });
        }
    }
}
