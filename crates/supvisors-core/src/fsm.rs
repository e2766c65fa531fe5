//! Pure rules of the Supvisors state machine (spec §5): transitions, election, sync end.
//!
//! The engine drives the machine (`Engine::set_state`); this module holds the decisions that
//! need no engine state, so each can be tested alone.

use crate::context::Context;
use crate::enums::{SupvisorsInstanceStates, SupvisorsStates};
use crate::messages::Identifier;

/// Whether a DEPLOYMENT is pending on the master (spec §7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedeployMark {
    /// Nothing pending.
    #[default]
    None,
    /// Repair: an instance joined.
    Requested,
    /// `restart_sequence`: re-plan every auto-start application.
    Forced,
}

/// True when a master may go `from → to` (spec §5.3); non-masters accept anything.
pub fn transition_allowed(from: SupvisorsStates, to: SupvisorsStates) -> bool {
    use SupvisorsStates::*;
    match from {
        Off => to == Initialization,
        Initialization => to == Deployment,
        Deployment => matches!(to, Initialization | Operation | Restarting | ShuttingDown),
        Operation => matches!(
            to,
            Conciliation | Deployment | Initialization | Restarting | ShuttingDown
        ),
        Conciliation => matches!(to, Operation | Initialization | Restarting | ShuttingDown),
        Restarting => to == Restart,
        ShuttingDown => to == Shutdown,
        Restart | Shutdown => false,
    }
}

/// The closing states: RESTARTING, RESTART, SHUTTING_DOWN, SHUTDOWN.
pub fn is_closing(state: SupvisorsStates) -> bool {
    use SupvisorsStates::*;
    matches!(state, Restarting | Restart | ShuttingDown | Shutdown)
}

/// Master election at the exit of INITIALIZATION (spec §5.5).
///
/// `running` is in `supvisors_list` order; the current master is kept if it is running.
pub fn elect_master(current: &str, running: &[Identifier], core: &[Identifier]) -> Identifier {
    if !current.is_empty() && running.iter().any(|r| r == current) {
        return current.to_owned();
    }
    let core_running: Vec<&Identifier> = running.iter().filter(|r| core.contains(r)).collect();
    let candidates: Vec<&Identifier> = if core_running.is_empty() {
        running.iter().collect()
    } else {
        core_running
    };
    candidates.into_iter().min().cloned().unwrap_or_default()
}

/// `delay` of spec §5.4.2: min(synchro_timeout, max(15, non-isolated instance count)).
pub fn synchro_delay(synchro_timeout: u32, active_count: usize) -> f64 {
    let count = u32::try_from(active_count).unwrap_or(u32::MAX);
    f64::from(synchro_timeout.min(count.max(15)))
}

/// INITIALIZATION `next` (spec §5.4.2): Some(DEPLOYMENT) when synchronization ends.
pub fn initialization_next(ctx: &Context, now: f64) -> Option<SupvisorsStates> {
    use SupvisorsInstanceStates::*;
    if !ctx
        .instance(ctx.local_identifier())
        .is_some_and(|i| i.running())
    {
        return None;
    }
    let states: Vec<SupvisorsInstanceStates> = ctx.instances().iter().map(|i| i.state()).collect();
    if !states
        .iter()
        .any(|s| matches!(s, Unknown | Checking | Isolating))
    {
        return Some(SupvisorsStates::Deployment);
    }
    let uptime = now - ctx.start_date;
    let core = &ctx.config().core_identifiers;
    let delay = synchro_delay(ctx.config().synchro_timeout, ctx.active_count());
    if uptime > delay && !core.is_empty() && core.iter().all(|c| ctx.instance_state(c) == Running) {
        if !ctx.master.is_empty() && ctx.instance_state(&ctx.master) != Running {
            return None;
        }
        return Some(SupvisorsStates::Deployment);
    }
    None
}

/// `check_instances` (spec §5.4): false when the local instance or the master is not RUNNING.
pub fn instances_ok(ctx: &Context) -> bool {
    ctx.instance(ctx.local_identifier())
        .is_some_and(|i| i.running())
        && ctx.instance_state(&ctx.master) == SupvisorsInstanceStates::Running
}

#[cfg(test)]
mod tests {
    use super::*;
    use SupvisorsStates::*;

    fn ids(v: &[&str]) -> Vec<Identifier> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn item_50_election_with_and_without_core() {
        let running = ids(&["10.0.0.2", "10.0.0.4", "host"]);
        assert_eq!(elect_master("", &running, &[]), "10.0.0.2");
        assert_eq!(
            elect_master("", &running, &ids(&["10.0.0.3", "10.0.0.4"])),
            "10.0.0.4"
        );
        assert_eq!(elect_master("", &[], &[]), "");
    }

    #[test]
    fn item_51_election_uses_string_order() {
        assert_eq!(
            elect_master("", &ids(&["10.0.0.9", "10.0.0.10"]), &[]),
            "10.0.0.10"
        );
    }

    #[test]
    fn item_52_adopted_running_master_is_kept() {
        let running = ids(&["a", "b", "c"]);
        assert_eq!(elect_master("c", &running, &[]), "c");
        assert_eq!(
            elect_master("z", &running, &[]),
            "a",
            "not running: re-elected"
        );
    }

    #[test]
    fn item_49_synchro_delay() {
        assert_eq!(synchro_delay(60, 30), 30.0);
        assert_eq!(synchro_delay(60, 3), 15.0);
        assert_eq!(synchro_delay(20, 30), 20.0);
    }

    #[test]
    fn transition_table() {
        assert!(transition_allowed(Off, Initialization));
        assert!(!transition_allowed(Initialization, Operation));
        assert!(transition_allowed(Operation, Deployment));
        assert!(!transition_allowed(Conciliation, Deployment));
        assert!(!transition_allowed(Restarting, Initialization));
        assert!(transition_allowed(ShuttingDown, Shutdown));
        for to in SupvisorsStates::ALL {
            assert!(!transition_allowed(Restart, *to));
            assert!(!transition_allowed(Shutdown, *to));
        }
        assert!(is_closing(Restart) && !is_closing(Conciliation));
    }
}
