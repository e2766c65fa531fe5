//! The rules attached to an application or a program once the rules files are resolved.
//!
//! `supvisors-rules` produces these values from the XML rules files; the engine consumes them.
//! Defaults are those of an application or program that no rules element matches while a rules
//! engine exists (spec `supvisors-core.md` §3.3 and §3.10).

use crate::enums::{
    DistributionRules, RunningFailureStrategies, StartingFailureStrategies, StartingStrategies,
};

/// The identifier list meaning "every instance of `supvisors_list`".
pub const ALL_IDENTIFIERS: &str = "*";

/// Rules of an application (a Supervisor group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRules {
    /// True when a rules element matched the application.
    pub managed: bool,
    /// How the processes may be spread over instances.
    pub distribution: DistributionRules,
    /// Candidate instances (`["*"]` for all), in written order.
    pub identifiers: Vec<String>,
    /// Instances used by the `#` rule; empty when `#` is not used.
    pub hash_identifiers: Vec<String>,
    /// Order in the DEPLOYMENT phase; 0 means not started automatically.
    pub start_sequence: i32,
    /// Order when stopping; -1 means unset (only without a rules engine).
    pub stop_sequence: i32,
    /// Default strategy used to choose instances for this application.
    pub starting_strategy: StartingStrategies,
    /// What to do when a required process fails to start.
    pub starting_failure_strategy: StartingFailureStrategies,
    /// What to do when a process crashes.
    pub running_failure_strategy: RunningFailureStrategies,
}

impl ApplicationRules {
    /// Rules of an application when a rules engine exists but no element matched.
    pub fn unmanaged(starting_strategy: StartingStrategies) -> Self {
        ApplicationRules {
            managed: false,
            distribution: DistributionRules::AllInstances,
            identifiers: vec![ALL_IDENTIFIERS.to_owned()],
            hash_identifiers: Vec::new(),
            start_sequence: 0,
            stop_sequence: 0,
            starting_strategy,
            starting_failure_strategy: StartingFailureStrategies::Abort,
            running_failure_strategy: RunningFailureStrategies::Continue,
        }
    }

    /// Rules of an application when there is no rules engine at all.
    pub fn without_engine() -> Self {
        ApplicationRules {
            stop_sequence: -1,
            ..Self::unmanaged(StartingStrategies::Config)
        }
    }
}

/// Rules of a program (looked up by Supervisor process name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessRules {
    /// Candidate instances (`["*"]` for all), in written order.
    pub identifiers: Vec<String>,
    /// Instances used by the `#` rule; empty when `#` is not used.
    pub hash_identifiers: Vec<String>,
    /// Order inside the application start sequence; 0 means not started with the application.
    pub start_sequence: i32,
    /// Order inside the application stop sequence; -1 means unset.
    pub stop_sequence: i32,
    /// True when the application cannot run without this program.
    pub required: bool,
    /// True when the start sequence waits for this program to exit.
    pub wait_exit: bool,
    /// Expected load on the instance, in percent (0..=100).
    pub expected_load: u8,
    /// What to do when this program fails to start.
    pub starting_failure_strategy: StartingFailureStrategies,
    /// What to do when this program crashes.
    pub running_failure_strategy: RunningFailureStrategies,
}

impl ProcessRules {
    /// Default program rules, inheriting the failure strategies of its application.
    pub fn inherited(application: &ApplicationRules) -> Self {
        ProcessRules {
            identifiers: vec![ALL_IDENTIFIERS.to_owned()],
            hash_identifiers: Vec::new(),
            start_sequence: 0,
            stop_sequence: -1,
            required: false,
            wait_exit: false,
            expected_load: 0,
            starting_failure_strategy: application.starting_failure_strategy,
            running_failure_strategy: application.running_failure_strategy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_engine_leaves_stop_sequence_unset() {
        let rules = ApplicationRules::without_engine();
        assert_eq!(rules.stop_sequence, -1);
        assert_eq!(rules.starting_strategy, StartingStrategies::Config);
        assert!(!rules.managed);
    }

    #[test]
    fn process_rules_inherit_failure_strategies() {
        let mut app = ApplicationRules::unmanaged(StartingStrategies::LessLoaded);
        app.running_failure_strategy = RunningFailureStrategies::RestartApplication;
        let rules = ProcessRules::inherited(&app);
        assert_eq!(
            rules.running_failure_strategy,
            RunningFailureStrategies::RestartApplication
        );
        assert_eq!(rules.identifiers, vec!["*".to_owned()]);
    }
}
