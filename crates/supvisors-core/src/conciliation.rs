//! Conciliation strategies: which instance keeps a conflicting process (spec §8.4).

use std::cmp::Ordering;

use crate::enums::ConciliationStrategies;
use crate::messages::Identifier;
use crate::process::ProcessStatus;

/// What to do with one conflicting process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Nothing (USER).
    Nothing,
    /// Stop it on these instances (SENICIDE, INFANTICIDE: all but one; STOP: all).
    StopOn(Vec<Identifier>),
    /// Stop it everywhere, then start it once (RESTART).
    Restart,
    /// Stop it everywhere and add its running-failure job (RUNNING_FAILURE).
    StopAndFail,
}

/// The resolution of `strategy` for a process running on several instances.
///
/// SENICIDE keeps the smallest uptime, INFANTICIDE the greatest; ties go to the earliest
/// instance in `order` (`supvisors_list` order; quirk Q11, the reference picks any).
pub fn resolve(
    strategy: ConciliationStrategies,
    p: &ProcessStatus,
    order: &[Identifier],
) -> Resolution {
    let running: Vec<&Identifier> = order
        .iter()
        .filter(|id| p.running_identifiers().contains(id))
        .collect();
    let uptime = |id: &Identifier| p.info(id).map_or(0.0, |i| i.uptime);
    let keep = |better: Ordering| {
        let mut kept: Option<&Identifier> = None;
        for id in &running {
            if kept.is_none_or(|k| uptime(id).total_cmp(&uptime(k)) == better) {
                kept = Some(id);
            }
        }
        kept
    };
    let all_but = |kept: Option<&Identifier>| {
        Resolution::StopOn(
            running
                .iter()
                .filter(|id| Some(**id) != kept)
                .map(|id| (*id).clone())
                .collect(),
        )
    };
    match strategy {
        ConciliationStrategies::Senicide => all_but(keep(Ordering::Less)),
        ConciliationStrategies::Infanticide => all_but(keep(Ordering::Greater)),
        ConciliationStrategies::User => Resolution::Nothing,
        ConciliationStrategies::Stop => all_but(None),
        ConciliationStrategies::Restart => Resolution::Restart,
        ConciliationStrategies::RunningFailure => Resolution::StopAndFail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::ProcessStates;
    use crate::process::tests::local_info;
    use crate::rules::{ApplicationRules, ProcessRules};

    fn conflicting(uptimes: &[(&str, f64)]) -> ProcessStatus {
        let rules = ProcessRules::inherited(&ApplicationRules::without_engine());
        let mut p = ProcessStatus::new("app", "p", rules);
        for (id, uptime) in uptimes {
            let mut info = local_info("app", "p", ProcessStates::Running);
            info.start = info.now - uptime;
            p.add_info(id, info, 1.0);
        }
        p
    }

    fn order() -> Vec<Identifier> {
        ["a", "b", "c", "d"].map(String::from).to_vec()
    }

    #[test]
    fn item_95_senicide_and_infanticide() {
        let p = conflicting(&[("a", 10.0), ("b", 5.0), ("c", 15.0)]);
        let stop = |v: &[&str]| Resolution::StopOn(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(
            resolve(ConciliationStrategies::Senicide, &p, &order()),
            stop(&["a", "c"])
        );
        assert_eq!(
            resolve(ConciliationStrategies::Infanticide, &p, &order()),
            stop(&["a", "b"])
        );
        assert_eq!(
            resolve(ConciliationStrategies::Stop, &p, &order()),
            stop(&["a", "b", "c"])
        );
        assert_eq!(
            resolve(ConciliationStrategies::User, &p, &order()),
            Resolution::Nothing
        );
    }

    #[test]
    fn q11_ties_go_to_the_first_instance_in_list_order() {
        let p = conflicting(&[("c", 5.0), ("b", 5.0), ("d", 5.0)]);
        let stop = |v: &[&str]| Resolution::StopOn(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(
            resolve(ConciliationStrategies::Senicide, &p, &order()),
            stop(&["c", "d"])
        );
        assert_eq!(
            resolve(ConciliationStrategies::Infanticide, &p, &order()),
            stop(&["c", "d"])
        );
    }
}
