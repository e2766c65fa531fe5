//! Distribution rules: ALL_INSTANCES (each process at its turn, seeing the load of the
//! previous ones), SINGLE_INSTANCE (one instance for the application, process identifiers
//! ignored), SINGLE_NODE (one node, then each process on one of its instances).

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::Cluster;
use supvisors_tests::xmlrpc::s;

use super::{IDS, PATIENCE, SECOND_NODE, loaded_cluster, start_process, turn, wait_loads};

/// Where each process of `application` runs, as seen by `on`.
fn placement(cluster: &Cluster, on: &str, application: &str) -> Vec<Vec<String>> {
    let infos = cluster.must(
        on,
        "supvisors.get_process_info",
        &[s(&format!("{application}:*"))],
    );
    infos
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            p["identifiers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn start_application(cluster: &Cluster, on: &str, strategy: &str, name: &str) {
    let params = [s(strategy), s(name), Value::Bool(true)];
    assert_eq!(
        cluster.must(on, "supvisors.start_application", &params),
        Json::Bool(true),
        "start_application({strategy}, {name}) on {on}"
    );
}

fn stop_application(cluster: &Cluster, on: &str, name: &str) {
    let params = [s(name), Value::Bool(true)];
    assert_eq!(
        cluster.must(on, "supvisors.stop_application", &params),
        Json::Bool(true)
    );
    wait_loads(cluster, [20, 30, 40]);
}

#[test]
fn distribution_rules_place_applications() {
    let _turn = turn();
    let cluster = loaded_cluster(SECOND_NODE);
    // ALL_INSTANCES: each process chosen at its turn, the second one seeing the load of the
    // first (n1 20 + 15 > n2 30).
    start_application(&cluster, "n1", "LESS_LOADED", "spread");
    let mut spread = placement(&cluster, "n1", "spread");
    spread.sort();
    assert_eq!(spread, [["n1"], ["n2"]], "spread");
    stop_application(&cluster, "n1", "spread");
    // SINGLE_INSTANCE: one instance for the application (load 30) whatever the process
    // identifiers say (n3).
    start_application(&cluster, "n2", "LESS_LOADED", "single");
    assert_eq!(
        placement(&cluster, "n2", "single"),
        [["n1"], ["n1"]],
        "single"
    );
    stop_application(&cluster, "n2", "single");
    start_application(&cluster, "n3", "MOST_LOADED", "single");
    assert_eq!(
        placement(&cluster, "n3", "single"),
        [["n3"], ["n3"]],
        "single"
    );
    stop_application(&cluster, "n3", "single");
    // SINGLE_NODE: the node of the chosen instance, then each process on an instance of it.
    start_application(&cluster, "n3", "LESS_LOADED", "node");
    let mut node = placement(&cluster, "n3", "node");
    node.sort();
    assert_eq!(node, [["n1"], ["n2"]], "node");
    stop_application(&cluster, "n3", "node");
    start_application(&cluster, "n1", "LESS_LOADED_NODE", "node");
    assert_eq!(placement(&cluster, "n1", "node"), [["n3"], ["n3"]], "node");
    stop_application(&cluster, "n1", "node");
    // start_process on `app:*` places each process with the strategy given.
    let params = start_process(s("LESS_LOADED"), "spread:*", "", true);
    assert_eq!(
        cluster.must("n2", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    let mut spread = placement(&cluster, "n2", "spread");
    spread.sort();
    assert_eq!(spread, [["n1"], ["n2"]], "spread:*");
    stop_application(&cluster, "n2", "spread");
    // wait=False answers at once; the application gets RUNNING afterwards.
    let params = [s("CONFIG"), s("spread"), Value::Bool(false)];
    assert_eq!(
        cluster.must("n2", "supvisors.start_application", &params),
        Json::Bool(true)
    );
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("spread RUNNING seen by {id}"), |c| {
            c.must(id, "supvisors.get_application_info", &[s("spread")])["statename"] == "RUNNING"
        });
    }
    // CONFIG: the first candidate with room for each process.
    assert_eq!(placement(&cluster, "n2", "spread"), [["n1"], ["n1"]]);
    // restart_application stops it, then places it again with the strategy given.
    let params = [s("MOST_LOADED"), s("spread"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n2", "supvisors.restart_application", &params),
        Json::Bool(true)
    );
    assert_eq!(placement(&cluster, "n2", "spread"), [["n3"], ["n3"]]);
    wait_loads(&cluster, [20, 30, 70]);
}
