//! Requests of the `supvisors` XML-RPC namespace, their state guards, replies and errors.
//!
//! Read-only requests are methods of [`crate::engine::Engine`] (see `queries`); requests that
//! change something are [`Command`] values given to `Engine::handle`. Errors map 1:1 to faults in
//! `supvisors-rpc`; their `Display` is the reference `faultString`.

use std::fmt;

use crate::enums::{ConciliationStrategies, StartingStrategies, SupvisorsStates};

/// A state-changing request of the `supvisors` namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `restart()`: stop all applications then restart every instance.
    Restart,
    /// `shutdown()`: stop all applications then shut every instance down.
    Shutdown,
    /// `restart_sequence(wait)`: go back to DEPLOYMENT; with `wait`, reply once OPERATION is back.
    RestartSequence {
        /// Reply only after DEPLOYMENT then OPERATION were observed.
        wait: bool,
    },
    /// Internal, for `disable` and a `update_numprocs` decrease: stop these processes where they
    /// run on the local instance; the reply comes once the Stopper is idle (ABNORMAL_TERMINATION
    /// names those still running locally). Unknown namespecs are ignored.
    StopLocalProcesses(Vec<String>),
    /// `conciliate(strategy)`: apply a strategy once to every conflict (false for USER).
    Conciliate(ConciliationStrategies),
    /// `start_application(strategy, application_name, wait)`.
    StartApplication {
        /// Strategy choosing the instances.
        strategy: StartingStrategies,
        /// Application name.
        application: String,
        /// Reply once the Starter is idle.
        wait: bool,
    },
    /// `stop_application(application_name, wait)`.
    StopApplication {
        /// Application name.
        application: String,
        /// Reply once the Stopper is idle.
        wait: bool,
    },
    /// `restart_application(strategy, application_name, wait)`.
    RestartApplication {
        /// Strategy choosing the instances.
        strategy: StartingStrategies,
        /// Application name.
        application: String,
        /// Reply once the Stopper then the Starter are idle.
        wait: bool,
    },
    /// `start_process(strategy, namespec, extra_args, wait)`.
    StartProcess {
        /// Strategy choosing the instance.
        strategy: StartingStrategies,
        /// `app:proc`, `app:*` or `name`.
        namespec: String,
        /// Extra arguments for the command line.
        extra_args: String,
        /// Reply once the Starter is idle.
        wait: bool,
    },
    /// `start_any_process(strategy, regex, extra_args, wait)`: the first stopped process whose
    /// namespec matches (search) and that the strategy can place.
    StartAnyProcess {
        /// Strategy choosing the instance.
        strategy: StartingStrategies,
        /// Pattern searched in the namespecs.
        regex: String,
        /// Extra arguments for the command line.
        extra_args: String,
        /// Reply once the Starter is idle.
        wait: bool,
    },
    /// `stop_process(namespec, wait)`.
    StopProcess {
        /// `app:proc`, `app:*` or `name`.
        namespec: String,
        /// Reply once the Stopper is idle.
        wait: bool,
    },
    /// `restart_process(strategy, namespec, extra_args, wait)`.
    RestartProcess {
        /// Strategy choosing the instance.
        strategy: StartingStrategies,
        /// `app:proc`, `app:*` or `name`.
        namespec: String,
        /// Extra arguments for the command line.
        extra_args: String,
        /// Reply once the Stopper then the Starter are idle.
        wait: bool,
    },
}

/// The successful result of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandReply {
    /// An XML-RPC boolean.
    Bool(bool),
    /// The namespec chosen by `start_any_process`.
    Namespec(String),
}

/// A request refused or failed; one variant per fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// Fault 101: not allowed in the current FSM state.
    #[error("BAD_SUPVISORS_STATE: Supvisors (state={state}) not in state [{}] to perform request", quoted(.allowed))]
    BadSupvisorsState {
        /// The local FSM state.
        state: SupvisorsStates,
        /// The states where the request is allowed.
        allowed: &'static [SupvisorsStates],
    },
    /// Fault 2 with a detail.
    #[error("INCORRECT_PARAMETERS: {0}")]
    IncorrectParameters(String),
    /// Fault 10 with a detail.
    #[error("BAD_NAME: {0}")]
    BadName(String),
    /// Fault 102: the application is not managed.
    #[error("NOT_MANAGED: {0}")]
    NotManaged(String),
    /// Fault 60.
    #[error("ALREADY_STARTED: {0}")]
    AlreadyStarted(String),
    /// Fault 70.
    #[error("NOT_RUNNING: {0}")]
    NotRunning(String),
    /// Fault 40.
    #[error("ABNORMAL_TERMINATION: {0}")]
    AbnormalTermination(String),
}

fn quoted(states: &[SupvisorsStates]) -> String {
    states
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The state guards of the `supvisors` namespace (spec core §5.10, interfaces §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Any state.
    Any,
    /// DEPLOYMENT, OPERATION, CONCILIATION, RESTARTING, SHUTTING_DOWN.
    FromDeployment,
    /// OPERATION only.
    Operation,
    /// OPERATION or CONCILIATION.
    OperationConciliation,
    /// CONCILIATION only.
    Conciliation,
}

impl Guard {
    /// The states where the guarded requests are allowed (None: any).
    pub fn allowed(self) -> Option<&'static [SupvisorsStates]> {
        use SupvisorsStates::*;
        match self {
            Guard::Any => None,
            Guard::FromDeployment => Some(&[
                Deployment,
                Operation,
                Conciliation,
                Restarting,
                ShuttingDown,
            ]),
            Guard::Operation => Some(&[Operation]),
            Guard::OperationConciliation => Some(&[Operation, Conciliation]),
            Guard::Conciliation => Some(&[Conciliation]),
        }
    }

    /// The guard of an XML-RPC method of the `supvisors` namespace, by name.
    pub fn of_method(method: &str) -> Option<Guard> {
        Some(match method {
            "get_api_version"
            | "get_supvisors_state"
            | "get_master_identifier"
            | "get_strategies"
            | "get_all_instances_info"
            | "get_instance_info"
            | "get_all_local_process_info"
            | "get_local_process_info"
            | "start_args"
            | "change_log_level" => Guard::Any,
            "get_all_applications_info"
            | "get_application_info"
            | "get_application_rules"
            | "get_all_process_info"
            | "get_process_info"
            | "get_process_rules"
            | "get_conflicts"
            | "restart"
            | "shutdown" => Guard::FromDeployment,
            "start_application"
            | "restart_application"
            | "start_process"
            | "start_any_process"
            | "restart_process"
            | "update_numprocs"
            | "enable"
            | "disable"
            | "restart_sequence" => Guard::Operation,
            "stop_application" | "stop_process" => Guard::OperationConciliation,
            "conciliate" => Guard::Conciliation,
            _ => return None,
        })
    }

    /// Ok when `state` passes the guard, else fault 101.
    pub fn check(self, state: SupvisorsStates) -> Result<(), CommandError> {
        match self.allowed() {
            Some(allowed) if !allowed.contains(&state) => {
                Err(CommandError::BadSupvisorsState { state, allowed })
            }
            _ => Ok(()),
        }
    }
}

impl Command {
    /// The guard applying to this command.
    pub fn guard(&self) -> Guard {
        match self {
            Command::Restart | Command::Shutdown => Guard::FromDeployment,
            Command::RestartSequence { .. }
            | Command::StartApplication { .. }
            | Command::RestartApplication { .. }
            | Command::StartProcess { .. }
            | Command::StartAnyProcess { .. }
            | Command::RestartProcess { .. } => Guard::Operation,
            Command::StopApplication { .. } | Command::StopProcess { .. } => {
                Guard::OperationConciliation
            }
            Command::Conciliate(_) => Guard::Conciliation,
            Command::StopLocalProcesses(_) => Guard::Any,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Command::Restart => "restart",
            Command::Shutdown => "shutdown",
            Command::RestartSequence { .. } => "restart_sequence",
            Command::Conciliate(_) => "conciliate",
            Command::StopLocalProcesses(_) => "stop_local_processes",
            Command::StartApplication { .. } => "start_application",
            Command::StopApplication { .. } => "stop_application",
            Command::RestartApplication { .. } => "restart_application",
            Command::StartProcess { .. } => "start_process",
            Command::StartAnyProcess { .. } => "start_any_process",
            Command::StopProcess { .. } => "stop_process",
            Command::RestartProcess { .. } => "restart_process",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SupvisorsStates::*;

    #[test]
    fn item_65_guards() {
        let start_process = Guard::of_method("start_process").unwrap();
        assert!(start_process.check(Conciliation).is_err());
        assert!(start_process.check(Operation).is_ok());
        let stop_process = Guard::of_method("stop_process").unwrap();
        assert!(stop_process.check(Operation).is_ok());
        assert!(stop_process.check(Conciliation).is_ok());
        assert!(stop_process.check(Deployment).is_err());
        let restart = Guard::of_method("restart").unwrap();
        for s in [
            Deployment,
            Operation,
            Conciliation,
            Restarting,
            ShuttingDown,
        ] {
            assert!(restart.check(s).is_ok());
        }
        for s in [Off, Initialization, Restart, Shutdown] {
            assert!(restart.check(s).is_err());
        }
        assert!(Guard::of_method("start_args").unwrap().check(Off).is_ok());
        assert_eq!(Guard::of_method("conciliate"), Some(Guard::Conciliation));
        assert_eq!(Guard::of_method("nope"), None);
    }

    #[test]
    fn fault_strings_match_reference() {
        let err = Guard::FromDeployment.check(Initialization).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state ['DEPLOYMENT', \
             'OPERATION', 'CONCILIATION', 'RESTARTING', 'SHUTTING_DOWN'] to perform request"
        );
        let err = Guard::OperationConciliation
            .check(Initialization)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state ['OPERATION', \
             'CONCILIATION'] to perform request"
        );
    }
}
