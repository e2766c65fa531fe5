//! The cluster-wide sequences (spec core §5.4.6, §5.4.7, §5.7; interfaces §1.7.4–1.7.5):
//! `supvisors.restart()` and `supvisors.shutdown()` called on a non-master instance (forwarded
//! to the master), and `supvisors.restart_sequence(True)`. Three instances of our `supvisorsd`
//! (or `$CLUSTER_SUBJECT`) on 127.0.0.1, ticks every 0.5 s.

use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject, one_at_a_time};
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(90);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// `app` and `base` are started at each DEPLOYMENT (their start_sequence is set), both on n1;
/// a global stop takes `app` first (greatest stop_sequence), where supervisord alone would
/// stop `base` first (groups in reverse name order).
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="app">
        <start_sequence>1</start_sequence>
        <stop_sequence>2</stop_sequence>
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program pattern="">
                <identifiers>n1</identifiers>
                <start_sequence>1</start_sequence>
                <required>true</required>
            </program>
        </programs>
    </application>
    <application name="base">
        <start_sequence>1</start_sequence>
        <stop_sequence>1</stop_sequence>
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program pattern="">
                <identifiers>n1</identifiers>
                <start_sequence>1</start_sequence>
            </program>
        </programs>
    </application>
</root>
"#;

/// Programs end by themselves when their daemon is gone.
const PROGRAMS: &str = "[group:app]\nprograms=p1\n\n\
[program:p1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n\n\
[group:base]\nprograms=b1\n\n\
[program:b1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n";

/// A settled cluster with `app` running.
fn cluster() -> Cluster {
    let spec = ClusterSpec::new(&IDS)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .option("core_identifiers", "n1,n2,n3")
        .option("tick_period", "0.5")
        .sections(PROGRAMS);
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec);
    wait_app(&cluster, "app", "RUNNING");
    wait_app(&cluster, "base", "RUNNING");
    cluster.wait_settled(PATIENCE);
    cluster
}

/// Waits until every instance sees application `name` in `state`.
fn wait_app(cluster: &Cluster, name: &str, state: &str) {
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("{name} {state} seen by {id}"), |c| {
            c.call(id, "supvisors.get_application_info", &[s(name)])
                .is_ok_and(|info| info["statename"] == state)
        });
    }
}

/// Where `app:p1` runs and its pid there.
fn p1_placement(cluster: &Cluster) -> (String, i64) {
    let list = cluster.must("n1", "supvisors.get_process_info", &[s("app:p1")]);
    let on = list[0]["identifiers"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(IDS.contains(&on.as_str()), "app:p1 placement: {list}");
    let info = cluster.must(&on, "supervisor.getProcessInfo", &[s("app:p1")]);
    let pid = info["pid"].as_i64().unwrap_or_default();
    assert!(pid > 0, "app:p1 on {on}: {info}");
    (on, pid)
}

/// Asserts that instance `on` stopped `app` before `base` (decreasing stop_sequence: the
/// Supvisors global stop, not supervisord's own), both with SIGTERM.
fn assert_stopped_in_sequence(cluster: &Cluster, on: &str) {
    let log = cluster.instance(on).path().join("log/supervisord.log");
    let log = std::fs::read_to_string(log).unwrap_or_default();
    let app = log.find("stopped: p1 (terminated by SIGTERM)");
    let base = log.find("stopped: b1 (terminated by SIGTERM)");
    assert!(
        matches!((app, base), (Some(a), Some(b)) if a < b),
        "app stopped before base on {on}\n{log}"
    );
}

/// A non-master instance.
fn non_master(cluster: &Cluster) -> String {
    let master = cluster.master("n1").unwrap_or_default();
    let other = IDS.iter().find(|id| **id != master).copied();
    other.unwrap_or("n3").to_owned()
}

/// Whether `pid` is gone (or a zombie nobody waits for).
fn gone(pid: i64) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, r)| r.starts_with('Z')),
        Err(_) => true,
    }
}

#[test]
fn restart_stops_applications_and_restarts_every_daemon_in_place() {
    let _turn = one_at_a_time();
    let cluster = cluster();
    let daemons: Vec<Option<i32>> = IDS.iter().map(|id| cluster.daemon_pid(id)).collect();
    let (on, old_p1) = p1_placement(&cluster);
    let caller = non_master(&cluster);
    let accepted = cluster.must(&caller, "supvisors.restart", &[]);
    assert_eq!(accepted, Json::Bool(true));
    // Each daemon went through RESTART, then a second synchronisation up to OPERATION.
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("{id} restarted"), |c| {
            c.fsm_entries(id, "RESTART") >= 1 && c.fsm_entries(id, "OPERATION") >= 2
        });
    }
    wait_app(&cluster, "app", "RUNNING");
    cluster.wait_settled(PATIENCE);
    let master = cluster.master("n1").unwrap_or_default();
    assert!(
        cluster.fsm_entries(&master, "RESTARTING") >= 1,
        "{}",
        cluster.logs(&master)
    );
    for (id, pid) in IDS.iter().zip(&daemons) {
        assert_eq!(cluster.daemon_pid(id), *pid, "{id} daemon pid");
        let file = std::fs::read_to_string(cluster.instance(id).path().join("supervisord.pid"));
        let file = file.unwrap_or_default();
        assert_eq!(
            file.trim().parse::<i32>().ok(),
            *pid,
            "{id} pid file after the restart"
        );
    }
    assert!(cluster.ended().is_empty(), "{:?}", cluster.ended());
    // The application was stopped before the restart and started again by the deployment.
    assert!(gone(old_p1), "the old app:p1 ({old_p1}) was stopped");
    assert_stopped_in_sequence(&cluster, &on);
    let (_, new_p1) = p1_placement(&cluster);
    assert_ne!(new_p1, old_p1);
}

#[test]
fn shutdown_stops_applications_and_every_daemon() {
    let _turn = one_at_a_time();
    let cluster = cluster();
    let (on, p1) = p1_placement(&cluster);
    let caller = non_master(&cluster);
    let master = cluster.master("n1").unwrap_or_default();
    let accepted = cluster.must(&caller, "supvisors.shutdown", &[]);
    assert_eq!(accepted, Json::Bool(true));
    cluster.wait_all_ended(PATIENCE);
    assert!(gone(p1), "app:p1 ({p1}) stopped with the daemons");
    assert!(
        cluster.fsm_entries(&master, "SHUTTING_DOWN") >= 1,
        "{}",
        cluster.logs(&master)
    );
    for id in IDS {
        assert!(
            cluster.fsm_entries(id, "SHUTDOWN") >= 1,
            "{id}\n{}",
            cluster.logs(id)
        );
    }
    assert_stopped_in_sequence(&cluster, &on);
}

#[test]
fn restart_sequence_waits_for_deployment_then_operation() {
    let _turn = one_at_a_time();
    let cluster = cluster();
    let stopped = cluster.must(
        "n1",
        "supvisors.stop_application",
        &[s("app"), Value::Bool(true)],
    );
    assert_eq!(stopped, Json::Bool(true));
    wait_app(&cluster, "app", "STOPPED");
    cluster.wait_settled(PATIENCE);
    let caller = non_master(&cluster);
    let before = cluster.fsm_entries(&caller, "DEPLOYMENT");
    // With the Python reference as subject this call may never return: its non-master polls
    // for DEPLOYMENT and can miss a DEPLOYMENT that lasts less than a poll (interfaces
    // §1.7.4 allows it); our engine answers on its own state changes, none missed.
    let done = cluster.must(&caller, "supvisors.restart_sequence", &[Value::Bool(true)]);
    assert_eq!(done, Json::Bool(true));
    // Returned once the caller saw DEPLOYMENT then OPERATION.
    assert!(
        cluster.fsm_entries(&caller, "DEPLOYMENT") > before,
        "{}",
        cluster.logs(&caller)
    );
    assert_eq!(cluster.state(&caller).as_deref(), Some("OPERATION"));
    // The deployment started the stopped application again.
    wait_app(&cluster, "app", "RUNNING");
    // Accepted again, without waiting this time.
    let again = cluster.must("n2", "supvisors.restart_sequence", &[Value::Bool(false)]);
    assert_eq!(again, Json::Bool(true));
    cluster.wait_settled(PATIENCE);
}
