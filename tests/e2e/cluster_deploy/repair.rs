//! Repair (deferred redeployment): an instance lost and started again gets its programs back,
//! the others keep theirs. A required program is repaired by both subjects; one that is not
//! required only by ours (quirk Q19).

use supvisors_tests::cluster::{Cluster, Subject};
use supvisors_tests::xmlrpc::s;

use super::{PATIENCE, events, process, program, rule, rules, spec, turn};

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
    // svc: p1, p2, p3 each pinned to its instance, p3 required; aux: p5 on n1 and p4 on n3,
    // neither required.
    let pinned = |name: &str, id: &str, required: bool| {
        rule(
            name,
            &format!(
                "<identifiers>{id}</identifiers><start_sequence>1</start_sequence>\
                 <required>{required}</required>"
            ),
        )
    };
    let rules = rules(&[
        (
            "svc",
            "<start_sequence>1</start_sequence>",
            vec![
                pinned("p1", "n1", false),
                pinned("p2", "n2", false),
                pinned("p3", "n3", true),
            ],
        ),
        (
            "aux",
            "<start_sequence>1</start_sequence>",
            vec![pinned("p4", "n3", false), pinned("p5", "n1", false)],
        ),
    ]);
    let sections = [
        "[group:svc]\nprograms=p1,p2,p3\n".to_owned(),
        "[group:aux]\nprograms=p4,p5\n".to_owned(),
        program("p5", "", "startsecs=1"),
        program("p1", "", "startsecs=1"),
        program("p2", "", "startsecs=1"),
        program("p3", "", "startsecs=1"),
        program("p4", "", "startsecs=1"),
    ]
    .concat();
    let subject = Subject::from_env("CLUSTER_SUBJECT");
    // Deliberate deviation of our engine (quirk Q19, `supvisors_core::intent`): what should
    // run is repaired. Python Supvisors 0.15 only re-plans an application in failure, and the
    // fresh STOPPED information of the returning n3 clears the failure of p4, and aux is
    // neither in failure (nothing required) nor never started (p5 runs).
    let p4_repaired = subject != Subject::Python;
    let mut cluster = Cluster::start(subject, spec(&log, &rules, &sections));
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
    let mut expected = vec![
        "p1 start", "p2 start", "p3 start", "p3 start", "p4 start", "p5 start",
    ];
    if p4_repaired {
        expected.push("p4 start");
    }
    expected.sort_unstable();
    assert_eq!(sorted, expected, "{starts:?}");
    let p4 = process(&cluster, "n1", "aux:p4");
    if p4_repaired {
        assert_eq!(p4, ("RUNNING".into(), vec!["n3".into()]));
    } else {
        assert_eq!(p4, ("STOPPED".into(), vec![]));
    }
}
