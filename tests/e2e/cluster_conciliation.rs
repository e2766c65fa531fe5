//! Conflicts made on purpose and their conciliation (spec core §5.4.5, §8.4): a managed program
//! is started on two instances through `supervisor.startProcess`, behind Supvisors' back, then
//! the master resolves the conflict with its `conciliation_strategy`, or waits for
//! `supvisors.conciliate` when the strategy is USER. Three instances of our `supvisorsd` (or
//! `$CLUSTER_SUBJECT`) on 127.0.0.1, ticks every 0.5 s.

use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject, one_at_a_time};
use supvisors_tests::xmlrpc::{CallError, s};

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(60);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// `app` is managed and not started at deployment; a conflict on `p1` stops the whole
/// application when handled as a running failure, which tells RUNNING_FAILURE from RESTART.
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="app">
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program name="p1">
                <running_failure_strategy>STOP_APPLICATION</running_failure_strategy>
            </program>
        </programs>
    </application>
</root>
"#;

/// Programs end by themselves when their daemon is gone. `p1` is RUNNING as soon as spawned
/// (`startsecs=0`): both copies of a conflict are RUNNING, and their uptimes differ. `free`
/// has no rules: it is not managed.
const PROGRAMS: &str = "[program:free]\n\
command=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=0\nstopasgroup=true\n\n\
[group:app]\nprograms=p1,p2\n\n\
[program:p1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nautorestart=false\nstartsecs=0\nstopasgroup=true\n\n\
[program:p2]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nautorestart=false\nstartsecs=1\nstopasgroup=true\n";

/// A settled cluster whose master applies `strategy` to conflicts.
fn cluster(strategy: &str) -> Cluster {
    let spec = ClusterSpec::new(&IDS)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .option("core_identifiers", "n1,n2,n3")
        .option("tick_period", "0.5")
        .option("conciliation_strategy", strategy)
        .sections(PROGRAMS);
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec);
    cluster.wait_settled(PATIENCE);
    cluster
}

/// The pid of `namespec` in `on`'s own Supervisor when it is RUNNING there.
fn local_pid(cluster: &Cluster, on: &str, namespec: &str) -> Option<i64> {
    let info = cluster
        .call(on, "supervisor.getProcessInfo", &[s(namespec)])
        .ok()?;
    (info["statename"] == "RUNNING")
        .then(|| info["pid"].as_i64())
        .flatten()
}

/// The instances where `namespec` runs, as seen by instance `by`.
fn running_on(cluster: &Cluster, by: &str, namespec: &str) -> Option<Vec<String>> {
    let list = cluster
        .call(by, "supvisors.get_process_info", &[s(namespec)])
        .ok()?;
    let identifiers = list.get(0)?["identifiers"].as_array()?;
    let mut ids: Vec<String> = identifiers
        .iter()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect();
    ids.sort();
    Some(ids)
}

/// Waits until every instance sees `namespec` running exactly on `expected`.
fn wait_running_on(cluster: &Cluster, namespec: &str, expected: &[&str]) {
    for by in IDS {
        cluster.wait_until(
            PATIENCE,
            &format!("{namespec} running on {expected:?} as seen by {by}"),
            |c| running_on(c, by, namespec).is_some_and(|ids| ids == expected),
        );
    }
}

/// Starts `namespec` directly in `on`'s Supervisor and returns its pid there, once RUNNING.
fn start_directly(cluster: &Cluster, on: &str, namespec: &str) -> i64 {
    let started = cluster.must(
        on,
        "supervisor.startProcess",
        &[s(namespec), Value::Bool(true)],
    );
    assert_eq!(started, Json::Bool(true), "startProcess {namespec} on {on}");
    local_pid(cluster, on, namespec)
        .unwrap_or_else(|| panic!("{namespec} not RUNNING on {on}\n{}", cluster.all_logs()))
}

/// Starts `app:p1` on n1, then, some seconds later (uptimes in whole seconds must differ),
/// on n2: the oldest copy is on n1, the youngest on n2. Returns both pids.
///
/// The second start does not wait: with 0.5 s ticks the master may stop that copy before the
/// call would return.
fn make_conflict(cluster: &Cluster) -> (i64, i64) {
    let old = start_directly(cluster, "n1", "app:p1");
    wait_running_on(cluster, "app:p1", &["n1"]);
    std::thread::sleep(Duration::from_secs(3));
    let started = cluster.must(
        "n2",
        "supervisor.startProcess",
        &[s("app:p1"), Value::Bool(false)],
    );
    assert_eq!(started, Json::Bool(true), "startProcess app:p1 on n2");
    let info = cluster.must("n2", "supervisor.getProcessInfo", &[s("app:p1")]);
    let young = info["pid"].as_i64().unwrap_or_default();
    assert!(young > 0, "app:p1 spawned on n2: {info}");
    (old, young)
}

fn master(cluster: &Cluster) -> String {
    cluster.master("n1").unwrap_or_default()
}

/// After the conciliation: OPERATION everywhere, no conflict left, the master went through
/// CONCILIATION.
fn assert_conciliated(cluster: &Cluster) {
    cluster.wait_settled(PATIENCE);
    let master = master(cluster);
    assert!(
        cluster.fsm_entries(&master, "CONCILIATION") > 0,
        "master {master} never in CONCILIATION\n{}",
        cluster.logs(&master)
    );
    for id in IDS {
        let conflicts = cluster.must(id, "supvisors.get_conflicts", &[]);
        assert_eq!(conflicts, Json::Array(Vec::new()), "conflicts seen by {id}");
    }
}

#[test]
fn senicide_keeps_the_youngest_process() {
    let _turn = one_at_a_time();
    let cluster = cluster("SENICIDE");
    let (_, young) = make_conflict(&cluster);
    wait_running_on(&cluster, "app:p1", &["n2"]);
    assert_conciliated(&cluster);
    assert_eq!(local_pid(&cluster, "n2", "app:p1"), Some(young), "n2 kept");
    assert_eq!(local_pid(&cluster, "n1", "app:p1"), None, "n1 stopped");
}

#[test]
fn infanticide_keeps_the_oldest_process() {
    let _turn = one_at_a_time();
    let cluster = cluster("INFANTICIDE");
    let (old, _) = make_conflict(&cluster);
    wait_running_on(&cluster, "app:p1", &["n1"]);
    assert_conciliated(&cluster);
    assert_eq!(local_pid(&cluster, "n1", "app:p1"), Some(old), "n1 kept");
    assert_eq!(local_pid(&cluster, "n2", "app:p1"), None, "n2 stopped");
}

#[test]
fn stop_stops_every_copy() {
    let _turn = one_at_a_time();
    let cluster = cluster("STOP");
    make_conflict(&cluster);
    wait_running_on(&cluster, "app:p1", &[]);
    assert_conciliated(&cluster);
    for id in IDS {
        assert_eq!(local_pid(&cluster, id, "app:p1"), None, "p1 on {id}");
    }
}

#[test]
fn restart_leaves_one_new_process() {
    let _turn = one_at_a_time();
    let cluster = cluster("RESTART");
    let (old, young) = make_conflict(&cluster);
    cluster.wait_until(PATIENCE, "p1 restarted on one instance", |c| {
        IDS.iter()
            .all(|by| running_on(c, by, "app:p1").is_some_and(|ids| ids.len() == 1))
    });
    assert_conciliated(&cluster);
    let pids: Vec<i64> = IDS
        .iter()
        .filter_map(|id| local_pid(&cluster, id, "app:p1"))
        .collect();
    assert_eq!(pids.len(), 1, "one copy left: {pids:?}");
    assert!(
        pids[0] != old && pids[0] != young,
        "the copy left is a new process: {} vs {old}, {young}",
        pids[0]
    );
}

#[test]
fn running_failure_applies_the_program_strategy() {
    let _turn = one_at_a_time();
    let cluster = cluster("RUNNING_FAILURE");
    // p2 runs alone on n3: STOP_APPLICATION, p1's running failure strategy, stops it too.
    start_directly(&cluster, "n3", "app:p2");
    wait_running_on(&cluster, "app:p2", &["n3"]);
    make_conflict(&cluster);
    wait_running_on(&cluster, "app:p1", &[]);
    wait_running_on(&cluster, "app:p2", &[]);
    assert_conciliated(&cluster);
    let app = cluster.must("n1", "supvisors.get_application_info", &[s("app")]);
    assert_eq!(app["statename"], "STOPPED", "{app}");
}

#[test]
fn user_waits_for_conciliate() {
    let _turn = one_at_a_time();
    let cluster = cluster("USER");
    let (_, young) = make_conflict(&cluster);
    cluster.wait_all_state("CONCILIATION", PATIENCE);
    for id in IDS {
        let conflicts = cluster.must(id, "supvisors.get_conflicts", &[]);
        let names: Vec<(&str, &str)> = conflicts
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["application_name"].as_str().unwrap_or(""),
                    p["process_name"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(names, [("app", "p1")], "conflicts seen by {id}");
        let item = &conflicts[0];
        assert_eq!(item["statename"], "RUNNING", "{item}");
        let mut holders: Vec<&str> = item["identifiers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        holders.sort_unstable();
        assert_eq!(holders, ["n1", "n2"], "{item}");
        assert_eq!(
            running_on(&cluster, id, "app:p1"),
            Some(vec!["n1".to_owned(), "n2".to_owned()]),
            "seen by {id}"
        );
    }
    // Requests reserved to OPERATION are refused (BAD_SUPVISORS_STATE).
    let refused = cluster.call("n2", "supvisors.restart_sequence", &[Value::Bool(false)]);
    assert!(
        matches!(&refused, Err(CallError::Fault { code: 101, .. })),
        "{refused:?}"
    );
    // USER does nothing: the conflict stays, and so does the state.
    let user = cluster.must("n3", "supvisors.conciliate", &[s("USER")]);
    assert_eq!(user, Json::Bool(false));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(cluster.state("n3").as_deref(), Some("CONCILIATION"));
    assert_eq!(local_pid(&cluster, "n2", "app:p1"), Some(young));
    assert!(local_pid(&cluster, "n1", "app:p1").is_some());
    // A non-master may conciliate; SENICIDE given as its wire code (0).
    let applied = cluster.must("n3", "supvisors.conciliate", &[Value::Int(0)]);
    assert_eq!(applied, Json::Bool(true));
    wait_running_on(&cluster, "app:p1", &["n2"]);
    cluster.wait_settled(PATIENCE);
    assert_eq!(local_pid(&cluster, "n2", "app:p1"), Some(young), "n2 kept");
    assert_eq!(local_pid(&cluster, "n1", "app:p1"), None, "n1 stopped");
    // Out of CONCILIATION the request is refused (BAD_SUPVISORS_STATE).
    let refused = cluster.call("n1", "supvisors.conciliate", &[s("STOP")]);
    assert!(
        matches!(&refused, Err(CallError::Fault { code: 101, .. })),
        "{refused:?}"
    );
}

#[test]
fn unmanaged_programs_may_run_twice() {
    let _turn = one_at_a_time();
    let cluster = cluster("STOP");
    let first = start_directly(&cluster, "n1", "free");
    let second = start_directly(&cluster, "n2", "free");
    wait_running_on(&cluster, "free", &["n1", "n2"]);
    // Several ticks go by: nothing conciliates an application without rules.
    std::thread::sleep(Duration::from_secs(3));
    let master = master(&cluster);
    assert_eq!(cluster.state(&master).as_deref(), Some("OPERATION"));
    assert!(cluster.fsm_entries(&master, "CONCILIATION") == 0);
    let conflicts = cluster.must("n3", "supvisors.get_conflicts", &[]);
    assert_eq!(conflicts, Json::Array(Vec::new()));
    assert_eq!(local_pid(&cluster, "n1", "free"), Some(first));
    assert_eq!(local_pid(&cluster, "n2", "free"), Some(second));
}
