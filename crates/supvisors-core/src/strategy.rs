//! Starting strategies: choosing the instance where a process or an application starts (§8.1–8.2).

use std::collections::BTreeMap;

use crate::enums::StartingStrategies;
use crate::messages::Identifier;

/// What a strategy needs to know about one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceLoad {
    /// The instance.
    pub identifier: Identifier,
    /// Its node key.
    pub node: String,
    /// True when RUNNING.
    pub running: bool,
    /// Σ expected_load of the processes running there.
    pub load: u32,
    /// Load requested by Starter commands not yet effective there.
    pub pending: u32,
}

/// A RUNNING candidate with the loadings of spec §8.1 step 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loading {
    /// The instance.
    pub identifier: Identifier,
    /// Current + pending load of its node.
    pub node_loading: u32,
    /// Current + pending load of the instance.
    pub instance_loading: u32,
}

/// Steps 1–4 of spec §8.1: RUNNING candidates in the given order, with their loadings.
///
/// Identifiers are unique in `instances` (as in `supvisors_list`).
pub fn loadings(candidates: &[Identifier], instances: &[InstanceLoad]) -> Vec<Loading> {
    let mut nodes: BTreeMap<&str, u32> = BTreeMap::new();
    for i in instances {
        *nodes.entry(i.node.as_str()).or_default() += i.load + i.pending;
    }
    // Candidates usually come in `instances` order (or the reverse): each search starts next to
    // the last match and widens both ways (k even: start + k/2, k odd: start - k/2 - 1).
    let n = instances.len();
    let mut start = 0;
    let mut find = |c: &Identifier| {
        let position = (0..2 * n).find_map(|k| {
            let index = if k % 2 == 0 {
                start + k / 2
            } else {
                start.checked_sub(k / 2 + 1)?
            };
            instances
                .get(index)
                .is_some_and(|i| &i.identifier == c)
                .then_some(index)
        })?;
        start = position + 1;
        instances.get(position).filter(|i| i.running)
    };
    candidates
        .iter()
        .filter_map(&mut find)
        .map(|i| Loading {
            identifier: i.identifier.clone(),
            node_loading: nodes.get(i.node.as_str()).copied().unwrap_or(0),
            instance_loading: i.load + i.pending,
        })
        .collect()
}

/// Step 5 of spec §8.1: apply the strategy to loadings (validity: node loading + load ≤ 100).
///
/// Ties go to the first candidate for the LESS strategies and to the last one for the MOST
/// strategies (a stable sort's first and last elements).
pub fn pick(
    strategy: StartingStrategies,
    loadings: &[Loading],
    load: u32,
    local: &str,
) -> Option<Identifier> {
    let mut valid = loadings.iter().filter(|l| l.node_loading + load <= 100);
    let by_instance = |l: &&Loading| (l.instance_loading, l.node_loading);
    let by_node = |l: &&Loading| (l.node_loading, l.instance_loading);
    let chosen = match strategy {
        StartingStrategies::Config => valid.next(),
        StartingStrategies::LessLoaded => valid.min_by_key(by_instance),
        StartingStrategies::MostLoaded => valid.max_by_key(by_instance),
        StartingStrategies::LessLoadedNode => valid.min_by_key(by_node),
        StartingStrategies::MostLoadedNode => valid.max_by_key(by_node),
        StartingStrategies::Local => valid.find(|l| l.identifier == local),
    };
    chosen.map(|l| l.identifier.clone())
}

/// `choose(strategy, identifiers, load)` of spec §8.1.
pub fn choose(
    strategy: StartingStrategies,
    candidates: &[Identifier],
    load: u32,
    instances: &[InstanceLoad],
    local: &str,
) -> Option<Identifier> {
    pick(strategy, &loadings(candidates, instances), load, local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use StartingStrategies::*;

    fn example() -> Vec<Loading> {
        [("L", 60, 50), ("3", 30, 30), ("5", 100, 100), ("T", 60, 20)]
            .into_iter()
            .map(|(id, node, instance)| Loading {
                identifier: id.to_owned(),
                node_loading: node,
                instance_loading: instance,
            })
            .collect()
    }

    #[test]
    fn item_92_worked_example() {
        let rows: [(u32, [Option<&str>; 6]); 5] = [
            (
                0,
                [
                    Some("L"),
                    Some("T"),
                    Some("5"),
                    Some("3"),
                    Some("5"),
                    Some("L"),
                ],
            ),
            (
                15,
                [
                    Some("L"),
                    Some("T"),
                    Some("L"),
                    Some("3"),
                    Some("L"),
                    Some("L"),
                ],
            ),
            (
                45,
                [Some("3"), Some("3"), Some("3"), Some("3"), Some("3"), None],
            ),
            (
                65,
                [Some("3"), Some("3"), Some("3"), Some("3"), Some("3"), None],
            ),
            (85, [None; 6]),
        ];
        let strategies = [
            Config,
            LessLoaded,
            MostLoaded,
            LessLoadedNode,
            MostLoadedNode,
            Local,
        ];
        for (load, expected) in rows {
            for (strategy, want) in strategies.iter().zip(expected) {
                let got = pick(*strategy, &example(), load, "L");
                assert_eq!(got.as_deref(), want, "{strategy} with load {load}");
            }
        }
    }

    fn instance(id: &str, node: &str, running: bool, load: u32, pending: u32) -> InstanceLoad {
        InstanceLoad {
            identifier: id.into(),
            node: node.into(),
            running,
            load,
            pending,
        }
    }

    #[test]
    fn item_91_validity_uses_node_load_only() {
        let instances = [
            instance("a", "n", true, 20, 0),
            instance("b", "n", true, 40, 0),
        ];
        let ids = ["a".to_owned()];
        let l = loadings(&ids, &instances);
        assert_eq!((l[0].node_loading, l[0].instance_loading), (60, 20));
        assert_eq!(choose(Config, &ids, 45, &instances, "a"), None);
        assert_eq!(
            choose(Config, &ids, 40, &instances, "a").as_deref(),
            Some("a")
        );
    }

    #[test]
    fn item_93_ties() {
        let instances = [
            instance("a", "na", true, 10, 0),
            instance("b", "nb", true, 10, 0),
            instance("c", "nc", true, 10, 0),
        ];
        let ids: Vec<Identifier> = ["b", "a", "c"].map(String::from).to_vec();
        assert_eq!(
            choose(LessLoaded, &ids, 5, &instances, "a").as_deref(),
            Some("b")
        );
        assert_eq!(
            choose(MostLoaded, &ids, 5, &instances, "a").as_deref(),
            Some("c")
        );
    }

    #[test]
    fn item_94_local_only() {
        let instances = [
            instance("a", "na", true, 90, 0),
            instance("b", "nb", true, 0, 0),
        ];
        let ids: Vec<Identifier> = ["a", "b"].map(String::from).to_vec();
        assert_eq!(
            choose(Local, &ids, 20, &instances, "a"),
            None,
            "local not valid"
        );
        assert_eq!(
            choose(Local, &ids[1..], 0, &instances, "a"),
            None,
            "local not a candidate"
        );
        assert_eq!(
            choose(Local, &ids, 5, &instances, "a").as_deref(),
            Some("a")
        );
    }

    #[test]
    fn loadings_in_any_candidate_order() {
        let instances: Vec<InstanceLoad> = (0..8)
            .map(|k| {
                instance(
                    &format!("i{k}"),
                    &format!("n{}", k / 2),
                    k != 3,
                    k * 5,
                    k % 2,
                )
            })
            .collect();
        let naive = |ids: &[Identifier]| -> Vec<Identifier> {
            ids.iter()
                .filter(|c| instances.iter().any(|i| &i.identifier == *c && i.running))
                .cloned()
                .collect()
        };
        let orders: [&[&str]; 5] = [
            &["i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"],
            &["i7", "i6", "i5", "i4", "i3", "i2", "i1", "i0"],
            &["i5", "x", "i1", "i6", "i1", "i0", "i3"],
            &["i2", "i4", "i6", "i0", "i7"],
            &[],
        ];
        for order in orders {
            let ids: Vec<Identifier> = order.iter().map(|s| (*s).to_owned()).collect();
            let got: Vec<Identifier> = loadings(&ids, &instances)
                .into_iter()
                .map(|l| l.identifier)
                .collect();
            assert_eq!(got, naive(&ids), "{order:?}");
        }
        let l = loadings(&["i5".to_owned()], &instances);
        assert_eq!(
            (l[0].node_loading, l[0].instance_loading),
            (20 + 25 + 1, 26)
        );
    }

    #[test]
    fn pending_loads_and_stopped_instances() {
        let instances = [
            instance("a", "n", false, 0, 0),
            instance("b", "n", true, 10, 30),
            instance("c", "m", true, 20, 0),
        ];
        let ids: Vec<Identifier> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(
            choose(Config, &ids, 0, &instances, "a").as_deref(),
            Some("b"),
            "a not RUNNING"
        );
        assert_eq!(
            choose(LessLoaded, &ids, 0, &instances, "a").as_deref(),
            Some("c"),
            "b has 40 with pending"
        );
        assert_eq!(
            choose(Config, &ids, 70, &instances, "a").as_deref(),
            Some("c")
        );
    }
}
