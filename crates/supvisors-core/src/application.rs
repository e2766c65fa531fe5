//! The status of one application (Supervisor group): sequences, state and failures (spec §6.5–6.7).

use std::collections::BTreeMap;

use crate::enums::{ApplicationStates, ProcessStates};
use crate::messages::Identifier;
use crate::process::ProcessStatus;
use crate::rules::{ALL_IDENTIFIERS, ApplicationRules};

/// The synthesized status of an application and the processes it owns.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationStatus {
    /// Group name.
    pub name: String,
    /// Rules read when the application was first seen.
    pub rules: ApplicationRules,
    /// Current state.
    pub state: ApplicationStates,
    /// A required process failed (or is stopped while the application runs).
    pub major_failure: bool,
    /// An optional process failed.
    pub minor_failure: bool,
    processes: Vec<ProcessStatus>,
    /// Instances where a process of the application was loaded (a superset: never shrinks).
    hosts: Vec<Identifier>,
}

impl ApplicationStatus {
    /// An application without processes yet.
    pub fn new(name: &str, rules: ApplicationRules) -> Self {
        ApplicationStatus {
            name: name.to_owned(),
            rules,
            state: ApplicationStates::Stopped,
            major_failure: false,
            minor_failure: false,
            processes: Vec::new(),
            hosts: Vec::new(),
        }
    }

    /// Loads the full information of an instance into one of the processes (see
    /// [`ProcessStatus::add_info`]) and notes the instance as a host; None when unknown.
    pub fn add_info(
        &mut self,
        process: &str,
        identifier: &str,
        info: crate::messages::LocalProcessInfo,
        now: f64,
    ) -> Option<&ProcessStatus> {
        let index = self
            .processes
            .iter()
            .position(|p| p.process_name == process)?;
        if !self.hosts.iter().any(|h| h == identifier) {
            self.hosts.push(identifier.to_owned());
        }
        let p = &mut self.processes[index];
        p.add_info(identifier, info, now);
        Some(p)
    }

    /// False when no process of the application was ever loaded from that instance through
    /// [`ApplicationStatus::add_info`] (none of them has information from it).
    pub fn may_host(&self, identifier: &str) -> bool {
        self.hosts.iter().any(|h| h == identifier)
    }

    /// Processes in insertion order.
    pub fn processes(&self) -> &[ProcessStatus] {
        &self.processes
    }

    /// One process by name.
    pub fn process(&self, name: &str) -> Option<&ProcessStatus> {
        self.processes.iter().find(|p| p.process_name == name)
    }

    /// One process by name, mutable.
    pub fn process_mut(&mut self, name: &str) -> Option<&mut ProcessStatus> {
        self.processes.iter_mut().find(|p| p.process_name == name)
    }

    /// All processes, mutable.
    pub fn processes_mut(&mut self) -> impl Iterator<Item = &mut ProcessStatus> {
        self.processes.iter_mut()
    }

    /// Adds a process (replacing one of the same name).
    pub fn add_process(&mut self, process: ProcessStatus) {
        self.remove_process(&process.process_name.clone());
        self.processes.push(process);
    }

    /// Removes a process by name.
    pub fn remove_process(&mut self, name: &str) {
        self.processes.retain(|p| p.process_name != name);
    }

    /// STARTING or RUNNING.
    pub fn running(&self) -> bool {
        matches!(
            self.state,
            ApplicationStates::Starting | ApplicationStates::Running
        )
    }

    /// Any process is running, whatever the application state.
    pub fn has_running_processes(&self) -> bool {
        self.processes.iter().any(ProcessStatus::running)
    }

    /// Every info of every process is STOPPED with a stop date of 0.
    pub fn never_started(&self) -> bool {
        self.processes.iter().all(|p| {
            p.infos()
                .all(|(_, i)| i.info.state == ProcessStates::Stopped && i.info.stop == 0.0)
        })
    }

    /// `{start_sequence: processes}` for managed applications, empty otherwise (spec §6.5).
    pub fn start_sequence(&self) -> BTreeMap<i32, Vec<&ProcessStatus>> {
        let mut map: BTreeMap<i32, Vec<&ProcessStatus>> = BTreeMap::new();
        if self.rules.managed {
            for p in &self.processes {
                map.entry(p.rules.start_sequence).or_default().push(p);
            }
        }
        map
    }

    /// `{stop_sequence: processes}` for every application (spec §6.5).
    pub fn stop_sequence(&self) -> BTreeMap<i32, Vec<&ProcessStatus>> {
        let mut map: BTreeMap<i32, Vec<&ProcessStatus>> = BTreeMap::new();
        for p in &self.processes {
            map.entry(p.rules.stop_sequence).or_default().push(p);
        }
        map
    }

    /// Σ expected_load of the start-sequenced processes (start_sequence > 0).
    pub fn start_sequence_expected_load(&self) -> u32 {
        self.start_sequence()
            .range(1..)
            .flat_map(|(_, ps)| ps.iter())
            .map(|p| u32::from(p.rules.expected_load))
            .sum()
    }

    /// Candidate instances for SINGLE_* distributions (spec §6.7).
    pub fn possible_identifiers(&self, all: &[Identifier]) -> Vec<Identifier> {
        if self.processes.is_empty() {
            return Vec::new();
        }
        let ids = if self.rules.identifiers.iter().any(|i| i == ALL_IDENTIFIERS) {
            all
        } else {
            &self.rules.identifiers[..]
        };
        ids.iter()
            .filter(|id| {
                self.processes
                    .iter()
                    .all(|p| p.info(id).is_some() && !p.disabled_on(id))
            })
            .cloned()
            .collect()
    }

    /// Processes of a managed application running on more than one instance (spec §6.9).
    pub fn conflicts(&self) -> impl Iterator<Item = &ProcessStatus> {
        let managed = self.rules.managed;
        self.processes
            .iter()
            .filter(move |p| managed && p.conflicting())
    }

    /// Re-evaluates state and failures from the start-sequence processes (spec §6.6).
    pub fn update_status(&mut self) {
        self.major_failure = false;
        self.minor_failure = false;
        if !self.rules.managed || self.processes.is_empty() {
            self.state = ApplicationStates::Stopped;
            return;
        }
        let (mut starting, mut running, mut stopping, mut possible_major) =
            (false, false, false, false);
        let (mut major, mut minor) = (false, false);
        for p in &self.processes {
            let required = p.rules.required;
            match p.state() {
                ProcessStates::Running => running = true,
                ProcessStates::Starting | ProcessStates::Backoff => starting = true,
                ProcessStates::Stopping => stopping = true,
                ProcessStates::Fatal | ProcessStates::Unknown => {
                    *(if required { &mut major } else { &mut minor }) = true;
                }
                ProcessStates::Exited if !p.expected_exit => {
                    *(if required { &mut major } else { &mut minor }) = true;
                }
                ProcessStates::Stopped if required => possible_major = true,
                _ => {}
            }
        }
        self.state = if stopping {
            ApplicationStates::Stopping
        } else if starting {
            ApplicationStates::Starting
        } else if running {
            ApplicationStates::Running
        } else {
            ApplicationStates::Stopped
        };
        self.major_failure = major || (possible_major && self.state != ApplicationStates::Stopped);
        self.minor_failure = minor;
    }

    /// `Operational`, `Degraded` or `Not Operational` when RUNNING, '' otherwise.
    pub fn operational_status(&self) -> &'static str {
        match (self.state, self.major_failure, self.minor_failure) {
            (ApplicationStates::Running, true, _) => "Not Operational",
            (ApplicationStates::Running, false, true) => "Degraded",
            (ApplicationStates::Running, false, false) => "Operational",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::StartingStrategies;
    use crate::messages::ForcedProcessEvent;
    use crate::process::tests::{event, local_info};
    use crate::rules::ProcessRules;

    fn app(managed: bool, procs: &[(&str, bool, ProcessStates)]) -> ApplicationStatus {
        let mut rules = ApplicationRules::unmanaged(StartingStrategies::Config);
        rules.managed = managed;
        let mut a = ApplicationStatus::new("app", rules.clone());
        for (name, required, state) in procs {
            let mut prules = ProcessRules::inherited(&rules);
            prules.required = *required;
            prules.start_sequence = i32::from(*required);
            let mut p = ProcessStatus::new("app", name, prules);
            p.add_info("a", local_info("app", name, *state), 1.0);
            a.add_process(p);
        }
        a.update_status();
        a
    }

    #[test]
    fn item_72_state_priority() {
        use ProcessStates::*;
        let a = app(true, &[("p1", false, Running), ("p2", false, Starting)]);
        assert_eq!(a.state, ApplicationStates::Starting);
        let a = app(
            true,
            &[
                ("p1", false, Stopping),
                ("p2", false, Starting),
                ("p3", false, Running),
            ],
        );
        assert_eq!(a.state, ApplicationStates::Stopping);
        let a = app(true, &[("p1", false, Running), ("p2", false, Exited)]);
        assert_eq!(a.state, ApplicationStates::Running);
        assert_eq!(a.operational_status(), "Operational");
        let a = app(true, &[("p1", false, Stopped), ("p2", false, Exited)]);
        assert_eq!(a.state, ApplicationStates::Stopped);
    }

    #[test]
    fn item_73_managed_all_processes_unmanaged_always_stopped() {
        use ProcessStates::*;
        // p1 has start_sequence 0 (not required) but still feeds the state
        let a = app(true, &[("p1", false, Running)]);
        assert_eq!(a.state, ApplicationStates::Running);
        assert_eq!(a.start_sequence().get(&0).map(Vec::len), Some(1));
        let a = app(false, &[("p1", true, Fatal), ("p2", false, Running)]);
        assert_eq!(a.state, ApplicationStates::Stopped);
        assert!(!a.major_failure && !a.minor_failure);
        assert!(a.start_sequence().is_empty());
        assert_eq!(a.stop_sequence().values().map(Vec::len).sum::<usize>(), 2);
    }

    #[test]
    fn item_74_major_and_minor_failures() {
        use ProcessStates::*;
        let a = app(true, &[("req", true, Stopped), ("opt", false, Stopped)]);
        assert!(
            !a.major_failure,
            "required STOPPED in a STOPPED application"
        );
        let a = app(true, &[("req", true, Stopped), ("opt", false, Running)]);
        assert!(a.major_failure);
        assert_eq!(a.operational_status(), "Not Operational");
        let a = app(true, &[("req", true, Fatal), ("opt", false, Stopped)]);
        assert_eq!(a.state, ApplicationStates::Stopped);
        assert!(a.major_failure, "FATAL required counts whatever the state");
        let a = app(true, &[("req", true, Running), ("opt", false, Unknown)]);
        assert!(a.minor_failure && !a.major_failure);
        assert_eq!(a.operational_status(), "Degraded");
    }

    #[test]
    fn item_71_forced_fatal_gives_stopped_with_minor_failure() {
        use ProcessStates::*;
        let mut a = app(true, &[("p1", false, Running)]);
        let forced = ForcedProcessEvent {
            group: "app".into(),
            name: "p1".into(),
            state: Fatal,
            identifier: "a".into(),
            now: 500.0,
            reason: "process RUNNING event not received in time".into(),
            extra_args: String::new(),
        };
        assert!(
            a.process_mut("p1")
                .is_some_and(|p| p.force_state(&forced, 2.0))
        );
        a.update_status();
        assert_eq!(a.state, ApplicationStates::Stopped);
        assert!(a.minor_failure);
    }

    #[test]
    fn item_76_application_candidates() {
        use ProcessStates::*;
        let mut a = app(true, &[("p1", false, Stopped), ("p2", false, Stopped)]);
        let all = ["a", "b", "c"].map(String::from);
        for p in a.processes_mut() {
            p.add_info(
                "b",
                local_info("app", &p.process_name.clone(), Stopped),
                1.0,
            );
        }
        if let Some(p) = a.process_mut("p1") {
            p.add_info("c", local_info("app", "p1", Stopped), 1.0);
        }
        assert_eq!(a.possible_identifiers(&all), ["a", "b"]);
        if let Some(p) = a.process_mut("p2") {
            p.update_disability("b", true);
        }
        assert_eq!(a.possible_identifiers(&all), ["a"]);
        a.rules.identifiers = vec!["c".into(), "b".into()];
        assert!(a.possible_identifiers(&all).is_empty());
        assert!(
            ApplicationStatus::new("x", a.rules.clone())
                .possible_identifiers(&all)
                .is_empty()
        );
    }

    #[test]
    fn conflicts_only_for_managed() {
        use ProcessStates::*;
        for managed in [true, false] {
            let mut a = app(managed, &[("p1", false, Running)]);
            if let Some(p) = a.process_mut("p1") {
                p.add_info("b", local_info("app", "p1", Stopped), 1.0);
                p.update_info("b", &event(Starting, 3.0), 3.0);
            }
            assert_eq!(a.conflicts().count(), usize::from(managed));
        }
    }

    #[test]
    fn never_started_and_expected_load() {
        use ProcessStates::*;
        let mut a = app(true, &[("p1", true, Stopped), ("p2", false, Stopped)]);
        assert!(a.never_started());
        if let Some(p) = a.process_mut("p1") {
            p.rules.expected_load = 30;
        }
        if let Some(p) = a.process_mut("p2") {
            p.rules.expected_load = 50;
        }
        assert_eq!(a.start_sequence_expected_load(), 30);
        if let Some(p) = a.process_mut("p2") {
            p.update_info("a", &event(Exited, 9.0), 2.0);
        }
        assert!(!a.never_started());
    }
}
