//! Status payloads: what the XML-RPC getters return and what the event interface publishes.

use crate::application::ApplicationStatus;
use crate::context::Context;
use crate::enums::{
    ApplicationStates, ConciliationStrategies, ProcessStates, StartingStrategies,
    SupvisorsInstanceStates,
};
use crate::messages::{Identifier, StateModes};
use crate::process::ProcessStatus;

/// `get_supvisors_state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupvisorsStatus {
    /// Local FSM state and flags.
    pub state_modes: StateModes,
    /// Instances whose Starter has jobs, in `supvisors_list` order.
    pub starting_jobs: Vec<Identifier>,
    /// Instances whose Stopper has jobs, in `supvisors_list` order.
    pub stopping_jobs: Vec<Identifier>,
}

/// `get_strategies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strategies {
    /// `auto-fencing`.
    pub auto_fencing: bool,
    /// `starting`.
    pub starting: StartingStrategies,
    /// `conciliation`.
    pub conciliation: ConciliationStrategies,
}

/// `get_instance_info`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceInfo {
    /// Identifier.
    pub identifier: Identifier,
    /// Host name as declared.
    pub node_name: String,
    /// Supervisor HTTP port.
    pub port: u16,
    /// Instance state.
    pub state: SupvisorsInstanceStates,
    /// Last TICK counter received from it.
    pub sequence_counter: u64,
    /// Date of its last TICK, its clock.
    pub remote_time: f64,
    /// Date of its last TICK, local clock.
    pub local_time: f64,
    /// Σ expected_loading of the processes running there.
    pub loading: u32,
    /// Its FSM state and job flags as last reported.
    pub state_modes: StateModes,
}

/// `get_application_info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationInfo {
    /// Group name.
    pub application_name: String,
    /// Declared in rules.
    pub managed: bool,
    /// Application state.
    pub state: ApplicationStates,
    /// Major failure flag.
    pub major_failure: bool,
    /// Minor failure flag.
    pub minor_failure: bool,
}

/// `get_process_info` (synthetic view over all instances).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessStatusInfo {
    /// Group name.
    pub application_name: String,
    /// Process name.
    pub process_name: String,
    /// Synthetic state (forced state first).
    pub state: ProcessStates,
    /// False when the last exit was unexpected.
    pub expected_exit: bool,
    /// Local date of the last information received.
    pub last_event_time: f64,
    /// Instances where it is in a running state.
    pub identifiers: Vec<Identifier>,
    /// Extra arguments currently applied.
    pub extra_args: String,
}

impl From<&ProcessStatus> for ProcessStatusInfo {
    fn from(p: &ProcessStatus) -> Self {
        ProcessStatusInfo {
            application_name: p.application_name.clone(),
            process_name: p.process_name.clone(),
            state: p.state(),
            expected_exit: p.expected_exit,
            last_event_time: p.last_event_time,
            identifiers: p.running_identifiers().to_vec(),
            extra_args: p.extra_args.clone(),
        }
    }
}

impl SupvisorsStatus {
    /// The status seen from the local instance: its last published modes, and every instance's
    /// job flags.
    pub fn of(ctx: &Context) -> Self {
        let flagged = |f: fn(&StateModes) -> bool| {
            ctx.instances()
                .iter()
                .filter(|i| f(&i.state_modes))
                .map(|i| i.identifier().to_owned())
                .collect()
        };
        let state_modes = ctx
            .instance(ctx.local_identifier())
            .map(|i| i.state_modes)
            .unwrap_or_default();
        SupvisorsStatus {
            state_modes,
            starting_jobs: flagged(|m| m.starting_jobs),
            stopping_jobs: flagged(|m| m.stopping_jobs),
        }
    }
}

impl InstanceInfo {
    /// The status of one instance, None when it is not in `supvisors_list`.
    pub fn of(ctx: &Context, identifier: &str) -> Option<Self> {
        let i = ctx.instance(identifier)?;
        Some(InstanceInfo {
            identifier: identifier.to_owned(),
            node_name: i.config.host_name.clone(),
            port: i.config.http_port,
            state: i.state(),
            sequence_counter: i.sequence_counter,
            remote_time: i.remote_time,
            local_time: i.local_time,
            loading: ctx.instance_load(identifier),
            state_modes: i.state_modes,
        })
    }
}

impl From<&ApplicationStatus> for ApplicationInfo {
    fn from(a: &ApplicationStatus) -> Self {
        ApplicationInfo {
            application_name: a.name.clone(),
            managed: a.rules.managed,
            state: a.state,
            major_failure: a.major_failure,
            minor_failure: a.minor_failure,
        }
    }
}
