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
pub fn loadings(candidates: &[Identifier], instances: &[InstanceLoad]) -> Vec<Loading> {
    let mut nodes: BTreeMap<&str, u32> = BTreeMap::new();
    for i in instances {
        *nodes.entry(i.node.as_str()).or_default() += i.load + i.pending;
    }
    candidates
        .iter()
        .filter_map(|c| instances.iter().find(|i| &i.identifier == c && i.running))
        .map(|i| Loading {
            identifier: i.identifier.clone(),
            node_loading: nodes.get(i.node.as_str()).copied().unwrap_or(0),
            instance_loading: i.load + i.pending,
        })
        .collect()
}

/// Step 5 of spec §8.1: apply the strategy to loadings (validity: node loading + load ≤ 100).
pub fn pick(
    strategy: StartingStrategies,
    loadings: &[Loading],
    load: u32,
    local: &str,
) -> Option<Identifier> {
    let valid: Vec<&Loading> = loadings
        .iter()
        .filter(|l| l.node_loading + load <= 100)
        .collect();
    let mut by_instance = valid.clone();
    by_instance.sort_by_key(|l| (l.instance_loading, l.node_loading));
    let mut by_node = valid.clone();
    by_node.sort_by_key(|l| (l.node_loading, l.instance_loading));
    let chosen = match strategy {
        StartingStrategies::Config => valid.first().copied(),
        StartingStrategies::LessLoaded => by_instance.first().copied(),
        StartingStrategies::MostLoaded => by_instance.last().copied(),
        StartingStrategies::LessLoadedNode => by_node.first().copied(),
        StartingStrategies::MostLoadedNode => by_node.last().copied(),
        StartingStrategies::Local => valid.into_iter().find(|l| l.identifier == local),
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
