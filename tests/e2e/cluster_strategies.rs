//! Starting strategies, distribution rules, extra arguments and the faults of the start/stop
//! requests on the subject (`$CLUSTER_SUBJECT`: `python` or a daemon path; default our
//! `supvisorsd`). Three instances with a 0.5 s tick and `core_identifiers`: n1 and n2 on node
//! 127.0.0.1, n3 alone on node 127.0.0.2 (another loopback address; the internal port listens
//! on every address, the tests reach each HTTP port on 127.0.0.1).
//!
//! The deployment starts one ballast program per instance so that the loads are n1 = 20,
//! n2 = 30, n3 = 40 (node 127.0.0.1 = 50, node 127.0.0.2 = 40); a probe of load 10 whose
//! candidates are `n2,n1,n3` then lands on a different instance for a strategy and its `_NODE`
//! variant: CONFIG n2, LESS_LOADED n1, MOST_LOADED n3, LESS_LOADED_NODE n3,
//! MOST_LOADED_NODE n2, LOCAL the instance asked.
//!
//! Python Supvisors 0.15 rejects `127.0.0.2` here (its reverse lookup fails without an
//! /etc/hosts line: `get_node_names: unknown host`), so the two-node tests run on our daemon
//! only; `requests` keeps one node and runs on both (`CLUSTER_SUBJECT=python`).

#[path = "cluster_strategies/distribution.rs"]
mod distribution;
#[path = "cluster_strategies/requests.rs"]
mod requests;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject};
use supvisors_tests::xmlrpc::{CallError, s};

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(120);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// The address of n3's node when it must not share n1 and n2's node.
const SECOND_NODE: &str = "127.0.0.2";

const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="ballast">
        <start_sequence>1</start_sequence>
        <programs>
            <program name="w1"><identifiers>n1</identifiers><start_sequence>1</start_sequence><expected_loading>20</expected_loading></program>
            <program name="w2"><identifiers>n2</identifiers><start_sequence>1</start_sequence><expected_loading>30</expected_loading></program>
            <program name="w3"><identifiers>n3</identifiers><start_sequence>1</start_sequence><expected_loading>40</expected_loading></program>
        </programs>
    </application>
    <application name="probe">
        <programs>
            <program name="big"><expected_loading>70</expected_loading></program>
            <program name="t"><identifiers>n2,n1,n3</identifiers><expected_loading>10</expected_loading></program>
            <program name="pin"><identifiers>n1</identifiers></program>
        </programs>
    </application>
    <application name="solo">
        <programs>
            <program name="u"><identifiers>n2,n1,n3</identifiers><start_sequence>1</start_sequence><expected_loading>10</expected_loading></program>
        </programs>
    </application>
    <application name="spread">
        <distribution>ALL_INSTANCES</distribution>
        <programs>
            <program pattern=""><start_sequence>1</start_sequence><expected_loading>15</expected_loading></program>
        </programs>
    </application>
    <application name="single">
        <distribution>SINGLE_INSTANCE</distribution>
        <programs>
            <program pattern=""><identifiers>n3</identifiers><start_sequence>1</start_sequence><expected_loading>15</expected_loading></program>
        </programs>
    </application>
    <application name="node">
        <distribution>SINGLE_NODE</distribution>
        <programs>
            <program pattern=""><start_sequence>1</start_sequence><expected_loading>15</expected_loading></program>
        </programs>
    </application>
    <application name="huge">
        <distribution>SINGLE_INSTANCE</distribution>
        <programs>
            <program pattern=""><start_sequence>1</start_sequence><expected_loading>60</expected_loading></program>
        </programs>
    </application>
</root>
"#;

/// A program living as long as its daemon (a `kill -9` of the daemon leaves no orphan); its
/// extra arguments land after `--` and are ignored. `crash` exits at once and is not retried;
/// `ghost` names a file that does not exist.
fn program(name: &str) -> String {
    let command = match name {
        "crash" => "/bin/sh -c 'exit 1' --",
        "ghost" => "/nonexistent/ghost",
        _ => "/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done' --",
    };
    format!(
        "[program:{name}]\ncommand={command}\n\
         autostart=false\nautorestart=false\nstartsecs=1\nstartretries=0\nstopasgroup=true\n"
    )
}

fn sections() -> String {
    let groups = [
        ("ballast", &["w1", "w2", "w3"][..]),
        ("probe", &["big", "t", "pin", "crash", "ghost"]),
        ("solo", &["u"]),
        ("spread", &["s1", "s2"]),
        ("single", &["i1", "i2"]),
        ("node", &["o1", "o2"]),
        ("loose", &["l1"]),
        ("huge", &["h1", "h2"]),
    ];
    let mut text = String::new();
    for (group, programs) in groups {
        text.push_str(&format!(
            "[group:{group}]\nprograms={}\n\n",
            programs.join(",")
        ));
        for name in programs {
            text.push_str(&program(name));
            text.push('\n');
        }
    }
    text
}

/// The cluster, n3 on `n3_host` (127.0.0.2 for a node of its own).
fn spec(n3_host: &str) -> ClusterSpec {
    let mut spec = ClusterSpec::new(&IDS)
        .option("core_identifiers", "n1,n2,n3")
        .option("tick_period", "0.5")
        .option("rules_files", "@DIR@/rules.xml")
        .file("rules.xml", RULES)
        .sections(&sections());
    spec.instances[2].host = n3_host.to_owned();
    spec
}

/// One cluster test at a time: the machine is shared.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
}

/// A cluster in OPERATION with the ballast RUNNING and the loads seen by every instance; n3
/// on `n3_host`. Python Supvisors 0.15 refuses 127.0.0.2 here (its reverse lookup fails
/// without an /etc/hosts line), so the tests that need no second node keep one node and can
/// be checked against it.
fn loaded_cluster(n3_host: &str) -> Cluster {
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec(n3_host));
    cluster.wait_all_state("OPERATION", PATIENCE);
    cluster.wait_settled(PATIENCE);
    wait_loads(&cluster, [20, 30, 40]);
    cluster
}

/// The `loading` of n1, n2, n3 as seen by `on`.
fn loads(cluster: &Cluster, on: &str) -> Vec<i64> {
    let infos = cluster.must(on, "supvisors.get_all_instances_info", &[]);
    infos
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["loading"].as_i64().unwrap_or(-1))
        .collect()
}

fn wait_loads(cluster: &Cluster, expected: [i64; 3]) {
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("loads {expected:?} seen by {id}"), |c| {
            loads(c, id) == expected
        });
    }
}

/// Where process `namespec` runs, as seen by `on`.
fn placed(cluster: &Cluster, on: &str, namespec: &str) -> Vec<String> {
    let info = cluster.must(on, "supvisors.get_process_info", &[s(namespec)]);
    info[0]["identifiers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect()
}

fn statename(cluster: &Cluster, on: &str, namespec: &str) -> String {
    let info = cluster.must(on, "supvisors.get_process_info", &[s(namespec)]);
    info[0]["statename"].as_str().unwrap_or("").to_owned()
}

/// Stops `namespec` with wait and waits until every instance sees it stopped and the
/// ballast loads back.
fn stop(cluster: &Cluster, on: &str, namespec: &str) {
    let stopped = cluster.must(
        on,
        "supvisors.stop_process",
        &[s(namespec), Value::Bool(true)],
    );
    assert_eq!(stopped, Json::Bool(true), "stop_process {namespec}");
    wait_loads(cluster, [20, 30, 40]);
}

fn start_process(strategy: Value, namespec: &str, args: &str, wait: bool) -> [Value; 4] {
    [strategy, s(namespec), s(args), Value::Bool(wait)]
}

#[test]
fn starting_strategies_choose_by_load_and_node() {
    let _turn = turn();
    let cluster = loaded_cluster(SECOND_NODE);
    let cases = [
        (s("CONFIG"), "n3", "n2"),
        (s("LESS_LOADED"), "n2", "n1"),
        (Value::Int(2), "n1", "n3"), // MOST_LOADED by its wire code
        (s("LESS_LOADED_NODE"), "n1", "n3"),
        (s("MOST_LOADED_NODE"), "n3", "n2"),
        (s("LOCAL"), "n2", "n2"),
        (s("LOCAL"), "n3", "n3"),
    ];
    // Every entry point with every strategy: probe:t and solo:u have the same rules.
    let entries = [
        ("start_process", "probe:t"),
        ("start_any_process", "probe:t"),
        ("restart_process", "probe:t"), // not running: started at once
        ("start_application", "solo:u"),
    ];
    for (strategy, on, expected) in cases {
        for (method, namespec) in entries {
            let what = format!("{method}({strategy:?}) asked to {on}");
            let (params, answer) = match method {
                "start_any_process" => (
                    start_process(strategy.clone(), "^probe:t$", "", true).to_vec(),
                    Json::from(namespec),
                ),
                "start_application" => (
                    vec![strategy.clone(), s("solo"), Value::Bool(true)],
                    Json::Bool(true),
                ),
                _ => (
                    start_process(strategy.clone(), namespec, "", true).to_vec(),
                    Json::Bool(true),
                ),
            };
            let method = format!("supvisors.{method}");
            assert_eq!(cluster.must(on, &method, &params), answer, "{what}");
            // The instance asked knows at once; the others when the process events reach them.
            assert_eq!(placed(&cluster, on, namespec), [expected], "{what}");
            for id in IDS {
                cluster.wait_until(
                    PATIENCE,
                    &format!("{what}: on {expected}, seen by {id}"),
                    |c| placed(c, id, namespec) == [expected],
                );
            }
            stop(&cluster, on, namespec);
        }
    }
    // No node can take 70 more (127.0.0.1: 50 + 70, 127.0.0.2: 40 + 70): nothing is queued.
    let params = start_process(s("LESS_LOADED"), "probe:big", "", true);
    assert_eq!(
        cluster.call("n1", "supvisors.start_process", &params),
        Err(CallError::Fault {
            code: 40,
            string: "ABNORMAL_TERMINATION: probe:big".into()
        })
    );
    // LOCAL never picks another instance: pin may run on n1 only.
    let params = start_process(s("LOCAL"), "probe:pin", "", true);
    assert_eq!(
        cluster.call("n2", "supvisors.start_process", &params),
        Err(CallError::Fault {
            code: 40,
            string: "ABNORMAL_TERMINATION: probe:pin".into()
        })
    );
    assert_eq!(
        cluster.must("n1", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    assert_eq!(placed(&cluster, "n1", "probe:pin"), ["n1"]);
    stop(&cluster, "n1", "probe:pin");
    // start_any_process skips the candidate no instance can host.
    let chosen = cluster.must(
        "n2",
        "supvisors.start_any_process",
        &[
            s("MOST_LOADED"),
            s("^probe:(big|t)$"),
            s(""),
            Value::Bool(true),
        ],
    );
    assert_eq!(chosen, "probe:t");
    assert_eq!(placed(&cluster, "n2", "probe:t"), ["n3"]);
    // restart_process re-evaluates the strategy once the process is stopped: the probe leaves
    // n3 (40 + 10) for n1.
    let params = start_process(s("LESS_LOADED"), "probe:t", "", true);
    assert_eq!(
        cluster.must("n1", "supvisors.restart_process", &params),
        Json::Bool(true)
    );
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("probe:t on n1 seen by {id}"), |c| {
            placed(c, id, "probe:t") == ["n1"]
        });
    }
    wait_loads(&cluster, [30, 30, 40]);
}

/// A lost instance is no candidate, and its node no longer counts for the `_NODE` strategies.
#[test]
fn lost_instance_is_no_candidate() {
    let _turn = turn();
    let mut cluster = loaded_cluster(SECOND_NODE);
    // n1, the lowest identifier, is the master: losing n3 leaves the cluster in OPERATION.
    assert_eq!(cluster.master("n1").as_deref(), Some("n1"));
    cluster.kill9("n3");
    for id in ["n1", "n2"] {
        cluster.wait_until(PATIENCE, &format!("n3 SILENT seen by {id}"), |c| {
            c.call(id, "supvisors.get_instance_info", &[s("n3")])
                .is_ok_and(|info| info["statename"] == "SILENT")
        });
    }
    cluster.wait_state("n1", "OPERATION", PATIENCE);
    let cases = [
        // n3 (40) was the most loaded instance and alone on the less loaded node.
        ("MOST_LOADED", "n2"),
        ("LESS_LOADED_NODE", "n1"),
        ("CONFIG", "n2"),
    ];
    for (strategy, expected) in cases {
        let params = start_process(s(strategy), "probe:t", "", true);
        assert_eq!(
            cluster.must("n1", "supvisors.start_process", &params),
            Json::Bool(true),
            "{strategy}"
        );
        assert_eq!(placed(&cluster, "n1", "probe:t"), [expected], "{strategy}");
        let stopped = cluster.must(
            "n1",
            "supvisors.stop_process",
            &[s("probe:t"), Value::Bool(true)],
        );
        assert_eq!(stopped, Json::Bool(true));
    }
    // w3 (lost with n3) may run on n3 only: it cannot start anywhere else.
    let params = start_process(s("CONFIG"), "ballast:w3", "", true);
    assert_eq!(
        cluster.call("n2", "supvisors.start_process", &params),
        Err(CallError::Fault {
            code: 40,
            string: "ABNORMAL_TERMINATION: ballast:w3".into()
        })
    );
}
