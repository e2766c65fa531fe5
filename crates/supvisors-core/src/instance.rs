//! The status of one Supvisors instance as seen by the local one (spec §4.1–4.2).

use crate::config::InstanceConfig;
use crate::enums::{SupvisorsInstanceStates, SupvisorsStates};
use crate::messages::StateModes;

/// A transition refused by the table of spec §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unexpected instance transition from {from} to {to}")]
pub struct InstanceTransitionError {
    /// Current state.
    pub from: SupvisorsInstanceStates,
    /// Refused target.
    pub to: SupvisorsInstanceStates,
}

/// True when the table of spec §4.2 allows `from → to`.
pub fn transition_allowed(from: SupvisorsInstanceStates, to: SupvisorsInstanceStates) -> bool {
    use SupvisorsInstanceStates::*;
    matches!(
        (from, to),
        (Unknown, Checking | Silent | Isolating)
            | (Checking, Running | Silent | Isolating)
            | (Running, Checking | Silent | Isolating)
            | (Silent, Checking | Isolating)
            | (Isolating, Isolated)
    )
}

/// What the local instance knows about one instance of `supvisors_list`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceStatus {
    /// Static data from the configuration.
    pub config: InstanceConfig,
    state: SupvisorsInstanceStates,
    /// Last TICK counter received from that instance.
    pub sequence_counter: u64,
    /// Local tick counter when its last TICK was processed.
    pub local_sequence_counter: u64,
    /// `when` of its last TICK (its clock).
    pub remote_time: f64,
    /// Local date when its last TICK was received.
    pub local_time: f64,
    /// Its FSM state and job flags as last reported.
    pub state_modes: StateModes,
}

impl InstanceStatus {
    /// An instance never heard of.
    pub fn new(config: InstanceConfig) -> Self {
        InstanceStatus {
            config,
            state: SupvisorsInstanceStates::Unknown,
            sequence_counter: 0,
            local_sequence_counter: 0,
            remote_time: 0.0,
            local_time: 0.0,
            state_modes: StateModes::default(),
        }
    }

    /// The instance identifier.
    pub fn identifier(&self) -> &str {
        &self.config.identifier
    }

    /// Current state.
    pub fn state(&self) -> SupvisorsInstanceStates {
        self.state
    }

    /// True when RUNNING.
    pub fn running(&self) -> bool {
        self.state == SupvisorsInstanceStates::Running
    }

    /// True when ISOLATING or ISOLATED.
    pub fn in_isolation(&self) -> bool {
        matches!(
            self.state,
            SupvisorsInstanceStates::Isolating | SupvisorsInstanceStates::Isolated
        )
    }

    /// Changes the state if the table allows it; SILENT and isolation states force FSM state OFF.
    pub fn set_state(
        &mut self,
        to: SupvisorsInstanceStates,
    ) -> Result<(), InstanceTransitionError> {
        if self.state == to {
            return Ok(());
        }
        if !transition_allowed(self.state, to) {
            return Err(InstanceTransitionError {
                from: self.state,
                to,
            });
        }
        self.state = to;
        if matches!(
            to,
            SupvisorsInstanceStates::Silent
                | SupvisorsInstanceStates::Isolating
                | SupvisorsInstanceStates::Isolated
        ) {
            self.state_modes.fsm_state = SupvisorsStates::Off;
        }
        Ok(())
    }

    /// INITIALIZATION reset: CHECKING/RUNNING → UNKNOWN, counters and times cleared (spec §4.2).
    pub fn reset(&mut self) {
        if matches!(
            self.state,
            SupvisorsInstanceStates::Checking | SupvisorsInstanceStates::Running
        ) {
            self.state = SupvisorsInstanceStates::Unknown;
        }
        self.local_sequence_counter = 0;
        self.remote_time = 0.0;
        self.local_time = 0.0;
    }

    /// Records a TICK from that instance.
    pub fn update_times(&mut self, counter: u64, when: f64, local_counter: u64, now: f64) {
        self.sequence_counter = counter;
        self.remote_time = when;
        self.local_sequence_counter = local_counter;
        self.local_time = now;
    }

    /// Estimated start date of that instance (display only).
    pub fn start_time(&self, tick_period: f64) -> f64 {
        self.local_time - tick_period * self.sequence_counter as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SupvisorsInstanceStates::*;

    #[test]
    fn item_43_rejected_transitions() {
        let mut i = InstanceStatus::new(InstanceConfig::alone("a"));
        assert_eq!(
            i.set_state(Running),
            Err(InstanceTransitionError {
                from: Unknown,
                to: Running
            })
        );
        for to in SupvisorsInstanceStates::ALL {
            assert!(!transition_allowed(Isolated, *to));
        }
        assert!(i.set_state(Isolating).is_ok());
        assert!(i.set_state(Checking).is_err());
        assert!(i.set_state(Isolated).is_ok());
        assert_eq!(i.state(), Isolated);
    }

    #[test]
    fn silent_forces_fsm_off() {
        let mut i = InstanceStatus::new(InstanceConfig::alone("a"));
        i.state_modes.fsm_state = SupvisorsStates::Operation;
        assert!(i.set_state(Checking).is_ok());
        assert!(i.set_state(Running).is_ok());
        assert_eq!(i.state_modes.fsm_state, SupvisorsStates::Operation);
        assert!(i.set_state(Silent).is_ok());
        assert_eq!(i.state_modes.fsm_state, SupvisorsStates::Off);
    }

    #[test]
    fn reset_keeps_silent_and_sequence_counter() {
        let mut i = InstanceStatus::new(InstanceConfig::alone("a"));
        assert!(i.set_state(Checking).is_ok());
        i.update_times(7, 35.0, 3, 40.0);
        i.reset();
        assert_eq!(i.state(), Unknown);
        assert_eq!((i.sequence_counter, i.local_sequence_counter), (7, 0));
        assert!(i.set_state(Silent).is_ok());
        i.reset();
        assert_eq!(i.state(), Silent);
    }
}
