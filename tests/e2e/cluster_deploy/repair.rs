//! Repair (deferred redeployment): an instance lost and started again gets its programs back,
//! the others keep theirs.

use supvisors_tests::cluster::{Cluster, Subject};
use supvisors_tests::xmlrpc::s;

use super::{IDS, PATIENCE, events, process, program, rule, rules, spec, turn};

/// The pid of `namespec` in instance `on`'s own Supervisor.
fn pid(cluster: &Cluster, on: &str, namespec: &str) -> i64 {
    let info = cluster.must(on, "supvisors.get_local_process_info", &[s(namespec)]);
    info["pid"].as_i64().unwrap_or(0)
}

#[test]
fn repair_restarts_only_what_a_lost_instance_ran() {
    let _turn = turn();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("journal");
    let rules = rules(&[(
        "svc",
        "<start_sequence>1</start_sequence>",
        IDS.iter()
            .enumerate()
            .map(|(i, id)| {
                rule(
                    &format!("p{}", i + 1),
                    &format!("<identifiers>{id}</identifiers><start_sequence>1</start_sequence>"),
                )
            })
            .collect(),
    )]);
    let sections = [
        "[group:svc]\nprograms=p1,p2,p3\n".to_owned(),
        program("p1", "", "startsecs=1"),
        program("p2", "", "startsecs=1"),
        program("p3", "", "startsecs=1"),
    ]
    .concat();
    let mut cluster = Cluster::start(
        Subject::from_env("CLUSTER_SUBJECT"),
        spec(&log, &rules, &sections),
    );
    cluster.wait_all_state("OPERATION", PATIENCE);
    cluster.wait_settled(PATIENCE);
    // The lowest identifier is the master: n3 is not.
    assert_eq!(cluster.master("n1").as_deref(), Some("n1"));
    let before = (pid(&cluster, "n1", "svc:p1"), pid(&cluster, "n2", "svc:p2"));
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");
    cluster.kill9("n3");
    cluster.wait_until(PATIENCE, "n3 SILENT seen by n1", |c| {
        c.call("n1", "supvisors.get_instance_info", &[s("n3")])
            .is_ok_and(|info| info["statename"] == "SILENT")
    });
    cluster.wait_until(PATIENCE, "svc:p3 no longer running", |c| {
        process(c, "n1", "svc:p3").1.is_empty()
    });
    cluster.restart("n3");
    cluster.wait_until(PATIENCE, "svc:p3 RUNNING on n3 again, seen by n1", |c| {
        process(c, "n1", "svc:p3") == ("RUNNING".into(), vec!["n3".into()])
    });
    cluster.wait_settled(PATIENCE);
    // Repaired, not restarted: p1 and p2 kept their processes.
    assert_eq!(
        (pid(&cluster, "n1", "svc:p1"), pid(&cluster, "n2", "svc:p2")),
        before
    );
    let starts = events(&log);
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["p1 start", "p2 start", "p3 start", "p3 start"],
        "{starts:?}"
    );
}
