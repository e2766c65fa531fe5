//! Basic cluster behaviour on the subject (`$CLUSTER_SUBJECT`: `python` or a daemon path;
//! default our `supvisorsd`), three instances on 127.0.0.1: synchronisation with and without
//! `core_identifiers`, the master election compared with Python Supvisors 0.15, application
//! start/stop with wait, and a crashed instance seen SILENT by the others.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject, start_reference};
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(120);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// `app` is managed and not started at deployment; its two programs may run anywhere.
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="app">
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program pattern="">
                <start_sequence>1</start_sequence>
                <required>true</required>
            </program>
        </programs>
    </application>
</root>
"#;

/// Programs end by themselves when their daemon is gone (a `kill -9` leaves no orphan).
const PROGRAMS: &str = "[group:app]\nprograms=p1,p2\n\n\
[program:p1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n\n\
[program:p2]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n";

fn spec(core: bool) -> ClusterSpec {
    let spec = ClusterSpec::new(&IDS)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .sections(PROGRAMS);
    if core {
        spec.option("core_identifiers", "n1,n2,n3")
    } else {
        spec
    }
}

/// One cluster test at a time: the machine is shared.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
}

fn subject() -> Subject {
    Subject::from_env("CLUSTER_SUBJECT")
}

/// Every instance in OPERATION, every instance RUNNING for every other, one master for all.
fn assert_synchronised(cluster: &Cluster) -> String {
    cluster.wait_all_state("OPERATION", PATIENCE);
    let master = cluster.master("n1").unwrap_or_default();
    assert!(IDS.contains(&master.as_str()), "n1 sees master {master:?}");
    for id in IDS {
        assert_eq!(
            cluster.master(id).as_deref(),
            Some(master.as_str()),
            "master seen by {id}"
        );
        let infos = cluster.must(id, "supvisors.get_all_instances_info", &[]);
        let states: Vec<(&str, &str)> = infos
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                (
                    i["identifier"].as_str().unwrap_or(""),
                    i["statename"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            states,
            [("n1", "RUNNING"), ("n2", "RUNNING"), ("n3", "RUNNING")],
            "seen by {id}"
        );
    }
    master
}

#[test]
fn three_instances_synchronise_without_core_identifiers() {
    let _turn = turn();
    let cluster = Cluster::start(subject(), spec(false));
    assert_synchronised(&cluster);
}

#[test]
fn three_instances_synchronise_with_core_identifiers() {
    let _turn = turn();
    let cluster = Cluster::start(subject(), spec(true));
    assert_synchronised(&cluster);
}

#[test]
fn master_election_matches_python() {
    let _turn = turn();
    // Ours first: both clusters then start together.
    let candidate = Cluster::start(subject(), spec(true));
    let reference = start_reference(&spec(true), PATIENCE);
    let expected = assert_synchronised(&reference);
    assert_eq!(
        assert_synchronised(&candidate),
        expected,
        "elected master (right: python)"
    );
}

fn process_states(cluster: &Cluster, on: &str) -> Vec<String> {
    let list = cluster.must(on, "supvisors.get_process_info", &[s("app:*")]);
    list.as_array()
        .into_iter()
        .flatten()
        .map(|p| p["statename"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn start_and_stop_application_with_wait() {
    let _turn = turn();
    let cluster = Cluster::start(subject(), spec(true));
    cluster.wait_all_state("OPERATION", PATIENCE);
    let started = cluster.must(
        "n2",
        "supvisors.start_application",
        &[s("CONFIG"), s("app"), Value::Bool(true)],
    );
    assert_eq!(started, Json::Bool(true));
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("app RUNNING seen by {id}"), |c| {
            process_states(c, id) == ["RUNNING", "RUNNING"]
        });
    }
    let app = cluster.must("n3", "supvisors.get_application_info", &[s("app")]);
    assert_eq!(app["statename"], "RUNNING", "{app}");
    let stopped = cluster.must(
        "n3",
        "supvisors.stop_application",
        &[s("app"), Value::Bool(true)],
    );
    assert_eq!(stopped, Json::Bool(true));
    let app = cluster.must("n3", "supvisors.get_application_info", &[s("app")]);
    assert_eq!(app["statename"], "STOPPED", "{app}");
    assert!(
        process_states(&cluster, "n1")
            .iter()
            .all(|state| state == "STOPPED"),
        "{:?}",
        process_states(&cluster, "n1")
    );
}

#[test]
fn killed_instance_is_silent_for_the_others() {
    let _turn = turn();
    let mut cluster = Cluster::start(subject(), spec(true));
    let master = assert_synchronised(&cluster);
    let victim = IDS
        .iter()
        .find(|id| **id != master)
        .copied()
        .unwrap_or("n3");
    cluster.kill9(victim);
    for id in IDS.iter().filter(|id| **id != victim) {
        cluster.wait_until(PATIENCE, &format!("{victim} SILENT seen by {id}"), |c| {
            c.call(id, "supvisors.get_instance_info", &[s(victim)])
                .is_ok_and(|info| info["statename"] == "SILENT")
        });
    }
    assert_eq!(
        cluster.master(&master).as_deref(),
        Some(master.as_str()),
        "the master stays"
    );
}

fn instance_state(cluster: &Cluster, on: &str, of: &str) -> Option<String> {
    let info = cluster
        .call(on, "supvisors.get_instance_info", &[s(of)])
        .ok()?;
    info["statename"].as_str().map(str::to_owned)
}

#[test]
fn stopped_instance_rejoins_after_restart() {
    let _turn = turn();
    let mut cluster = Cluster::start(subject(), spec(true));
    let master = assert_synchronised(&cluster);
    let victim = IDS
        .iter()
        .rev()
        .find(|id| **id != master)
        .copied()
        .unwrap_or("n3");
    cluster.stop(victim);
    cluster.wait_until(
        PATIENCE,
        &format!("{victim} SILENT seen by {master}"),
        |c| instance_state(c, &master, victim).as_deref() == Some("SILENT"),
    );
    cluster.restart(victim);
    cluster.wait_state(victim, "OPERATION", PATIENCE);
    cluster.wait_until(
        PATIENCE,
        &format!("{victim} RUNNING seen by {master}"),
        |c| instance_state(c, &master, victim).as_deref() == Some("RUNNING"),
    );
    assert_eq!(
        cluster.master(victim).as_deref(),
        Some(master.as_str()),
        "master seen by {victim}"
    );
}
