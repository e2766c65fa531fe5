//! The status of one process across all instances (spec §6.1–6.4).
//!
//! A `ProcessStatus` keeps one [`ProcessInfo`] per instance that has the process configured,
//! the set of instances where it runs, and a synthesized state (possibly forced).

use std::collections::BTreeMap;

use crate::enums::ProcessStates;
use crate::messages::{ForcedProcessEvent, Identifier, LocalProcessInfo, ProcessEvent};
use crate::rules::{ALL_IDENTIFIERS, ProcessRules};

/// True for FATAL, or EXITED with an unexpected exit code.
pub fn is_crashed(state: ProcessStates, expected: bool) -> bool {
    state == ProcessStates::Fatal || (state == ProcessStates::Exited && !expected)
}

/// What the local instance knows about a process on one instance (spec §6.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessInfo {
    /// Last information received from that instance.
    pub info: LocalProcessInfo,
    /// Local date of the last update.
    pub local_time: f64,
    /// `now` of the last event (ticks do not change it).
    pub event_time: f64,
    /// When the current state began, as far as known: the event's `now`, or for a loaded
    /// snapshot the stop or start date it carries. A forced state is dismissed only when this
    /// is newer (see [`ProcessStatus::force_state`]).
    pub state_time: f64,
    /// `now − start` when RUNNING or STOPPING, else 0.
    pub uptime: f64,
    /// The process has ever crashed on that instance.
    pub has_crashed: bool,
}

impl ProcessInfo {
    fn update_uptime(&mut self) {
        self.uptime = match self.info.state {
            ProcessStates::Running | ProcessStates::Stopping => self.info.now - self.info.start,
            _ => 0.0,
        };
    }
}

/// When the state shown by a snapshot began: the stop date of a stopped process (0 if never
/// started), the start date of a starting one; a RUNNING or STOPPING snapshot does not say
/// when it reached that state, so the snapshot's own date stands.
fn state_began(info: &LocalProcessInfo) -> f64 {
    match info.state {
        s if s.is_stopped() => info.stop,
        ProcessStates::Starting | ProcessStates::Backoff => info.start,
        _ => info.now,
    }
}

/// The synthesized status of one process (namespec) over all instances.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessStatus {
    /// Application (group) name.
    pub application_name: String,
    /// Process name.
    pub process_name: String,
    /// Rules read when the process was first seen.
    pub rules: ProcessRules,
    state: ProcessStates,
    forced: Option<(ProcessStates, String)>,
    /// False when the last exit was unexpected.
    pub expected_exit: bool,
    /// Local date of the last information received.
    pub last_event_time: f64,
    /// Extra arguments currently applied.
    pub extra_args: String,
    running: Vec<Identifier>,
    infos: BTreeMap<Identifier, ProcessInfo>,
}

impl ProcessStatus {
    /// A process never reported by any instance yet.
    pub fn new(application_name: &str, process_name: &str, rules: ProcessRules) -> Self {
        ProcessStatus {
            application_name: application_name.to_owned(),
            process_name: process_name.to_owned(),
            rules,
            state: ProcessStates::Unknown,
            forced: None,
            expected_exit: true,
            last_event_time: 0.0,
            extra_args: String::new(),
            running: Vec::new(),
            infos: BTreeMap::new(),
        }
    }

    /// The namespec (`process` alone when it is also the group name).
    pub fn namespec(&self) -> String {
        crate::queries::make_namespec(&self.application_name, &self.process_name)
    }

    /// The state as everybody reads it: the forced state when set, else the synthesized one.
    pub fn state(&self) -> ProcessStates {
        self.forced.as_ref().map_or(self.state, |(s, _)| *s)
    }

    /// The forced reason, when the state is forced.
    pub fn forced_reason(&self) -> Option<&str> {
        self.forced.as_ref().map(|(_, r)| r.as_str())
    }

    /// Instances where the process is in a running state, in insertion order.
    pub fn running_identifiers(&self) -> &[Identifier] {
        &self.running
    }

    /// The information held for one instance.
    pub fn info(&self, identifier: &str) -> Option<&ProcessInfo> {
        self.infos.get(identifier)
    }

    /// Every instance where the process is configured, with its information.
    pub fn infos(&self) -> impl Iterator<Item = (&Identifier, &ProcessInfo)> {
        self.infos.iter()
    }

    /// STARTING, RUNNING or BACKOFF (forced state included).
    pub fn running(&self) -> bool {
        self.state().is_running()
    }

    /// STOPPED, EXITED, FATAL or UNKNOWN (forced state included).
    pub fn stopped(&self) -> bool {
        self.state().is_stopped()
    }

    /// Running, and running on that instance.
    pub fn running_on(&self, identifier: &str) -> bool {
        self.running() && self.running.iter().any(|i| i == identifier)
    }

    /// FATAL, or EXITED unexpectedly.
    pub fn crashed(&self) -> bool {
        is_crashed(self.state(), self.expected_exit)
    }

    /// Running on more than one instance.
    pub fn conflicting(&self) -> bool {
        self.running.len() > 1
    }

    /// Configured somewhere and disabled everywhere it is configured.
    pub fn disabled(&self) -> bool {
        !self.infos.is_empty() && self.infos.values().all(|i| i.info.disabled)
    }

    /// Disabled on that instance (false when not configured there).
    pub fn disabled_on(&self, identifier: &str) -> bool {
        self.infos.get(identifier).is_some_and(|i| i.info.disabled)
    }

    /// Candidate instances (spec §6.7): rules identifiers, configured there and not disabled.
    pub fn possible_identifiers(&self, all: &[Identifier]) -> Vec<Identifier> {
        let ids = if self.rules.identifiers.iter().any(|i| i == ALL_IDENTIFIERS) {
            all
        } else {
            &self.rules.identifiers[..]
        };
        ids.iter()
            .filter(|i| self.infos.contains_key(*i) && !self.disabled_on(i))
            .cloned()
            .collect()
    }

    /// Loads the full information of an instance (handshake, PROCESS_ADDED; spec §6.3).
    pub fn add_info(&mut self, identifier: &str, info: LocalProcessInfo, now: f64) {
        let previous_crash = self.infos.get(identifier).is_some_and(|i| i.has_crashed);
        let mut entry = ProcessInfo {
            event_time: info.now,
            state_time: state_began(&info),
            local_time: now,
            uptime: 0.0,
            has_crashed: previous_crash || is_crashed(info.state, info.expected),
            info,
        };
        entry.update_uptime();
        self.last_event_time = now;
        if self.extra_args != entry.info.extra_args {
            entry.info.extra_args.clear();
            self.extra_args.clear();
        }
        let state = entry.info.state;
        self.infos.insert(identifier.to_owned(), entry);
        if state != ProcessStates::Stopped {
            self.forced = None;
        }
        self.update_status(identifier, state);
    }

    /// Applies a process event from an instance where it is configured (spec §6.3).
    ///
    /// Returns false (and changes nothing) when the process is not configured on `identifier`.
    pub fn update_info(&mut self, identifier: &str, event: &ProcessEvent, now: f64) -> bool {
        self.merge(identifier, now, event.state, event.now, true, |i| {
            i.pid = event.pid;
            i.expected = event.expected;
            i.spawnerr.clone_from(&event.spawnerr);
            i.extra_args.clone_from(&event.extra_args);
            i.disabled = event.disabled;
        })
    }

    /// The instance is lost: a process running there reads FATAL there (spec §4.8).
    ///
    /// Returns true when the process no longer runs anywhere.
    pub fn invalidate_identifier(&mut self, identifier: &str, now: f64) -> bool {
        if !self.running.iter().any(|i| i == identifier) {
            return false;
        }
        let last_now = self.infos.get(identifier).map_or(0.0, |i| i.info.now);
        self.merge(
            identifier,
            now,
            ProcessStates::Fatal,
            last_now,
            false,
            |i| {
                i.expected = false;
                i.spawnerr = format!("Supervisor {identifier} lost");
            },
        );
        self.running.is_empty()
    }

    fn merge(
        &mut self,
        identifier: &str,
        now: f64,
        state: ProcessStates,
        event_now: f64,
        external: bool,
        apply: impl FnOnce(&mut LocalProcessInfo),
    ) -> bool {
        let Some(entry) = self.infos.get_mut(identifier) else {
            return false;
        };
        apply(&mut entry.info);
        entry.info.state = state;
        entry.info.now = event_now;
        entry.local_time = now;
        entry.event_time = event_now;
        entry.state_time = event_now;
        match state {
            ProcessStates::Starting | ProcessStates::Backoff => entry.info.start = event_now,
            s if s.is_stopped() => entry.info.stop = event_now,
            _ => {}
        }
        entry.update_uptime();
        if external {
            entry.has_crashed |= is_crashed(state, entry.info.expected);
        }
        self.extra_args.clone_from(&entry.info.extra_args);
        self.last_event_time = now;
        self.forced = None;
        self.update_status(identifier, state);
        true
    }

    /// Applies a forced state unless a newer event crossed it (spec §6.4); true when applied.
    ///
    /// The reference compares with the date of the last information received, which a
    /// handshake sets to the snapshot's `now`: an instance whose handshake with the master came
    /// after the master forced a process (no resource available) dismissed the forced state
    /// although nothing happened to the process since, and kept a view that differed from
    /// every other instance's. Here the date compared is when the current state began.
    pub fn force_state(&mut self, event: &ForcedProcessEvent, now: f64) -> bool {
        if let Some(info) = self.infos.get(&event.identifier)
            && info.state_time > event.now
        {
            return false;
        }
        self.forced = Some((event.state, event.reason.clone()));
        self.last_event_time = now;
        true
    }

    /// A TICK from the instance refreshes its `now` and the uptime.
    pub fn update_times(&mut self, identifier: &str, remote_time: f64) {
        if let Some(entry) = self.infos.get_mut(identifier) {
            entry.info.now = remote_time;
            entry.update_uptime();
        }
    }

    /// Sets the disabled flag reported by an instance; false when not configured there.
    pub fn update_disability(&mut self, identifier: &str, disabled: bool) -> bool {
        match self.infos.get_mut(identifier) {
            Some(entry) => {
                entry.info.disabled = disabled;
                true
            }
            None => false,
        }
    }

    /// Forgets the instance's information; true when no instance has the process any more.
    pub fn remove_identifier(&mut self, identifier: &str) -> bool {
        self.infos.remove(identifier);
        self.running.retain(|i| i != identifier);
        if !self.infos.is_empty() {
            self.resynthesize();
        }
        self.infos.is_empty()
    }

    fn update_status(&mut self, identifier: &str, new_state: ProcessStates) {
        if new_state.is_stopped() {
            self.running.retain(|i| i != identifier);
        } else if new_state.is_running() {
            if self.stopped() {
                self.running = vec![identifier.to_owned()];
            } else if !self.running.iter().any(|i| i == identifier) {
                self.running.push(identifier.to_owned());
            }
        }
        self.resynthesize();
    }

    fn resynthesize(&mut self) {
        let state_of = |id: &Identifier| self.infos.get(id).map(|i| i.info.state);
        if self.running.len() > 1 {
            // Conflict: the first of RUNNING, BACKOFF, STARTING, STOPPING present wins.
            let present: Vec<ProcessStates> = self.running.iter().filter_map(state_of).collect();
            self.state = [
                ProcessStates::Running,
                ProcessStates::Backoff,
                ProcessStates::Starting,
                ProcessStates::Stopping,
            ]
            .into_iter()
            .find(|s| present.contains(s))
            .unwrap_or(ProcessStates::Unknown);
        } else if let Some(id) = self.running.first() {
            self.state = state_of(id).unwrap_or(ProcessStates::Unknown);
            self.expected_exit = true;
        } else if self
            .infos
            .values()
            .any(|i| i.info.state == ProcessStates::Stopping)
        {
            self.state = ProcessStates::Stopping;
            self.expected_exit = true;
        } else {
            // Latest stop date wins; on ties the first instance in identifier order (max_by keeps last, so reverse).
            let latest = self
                .infos
                .values()
                .rev()
                .max_by(|a, b| a.info.stop.total_cmp(&b.info.stop));
            if let Some(latest) = latest {
                self.state = latest.info.state;
                self.expected_exit = latest.info.expected;
            }
        }
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
pub(crate) mod tests;
