//! Starting-failure strategies at DEPLOYMENT: ABORT, STOP, CONTINUE, a program's own strategy,
//! a failure that is not required, a `wait_exit` program that exits badly.

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, Subject};
use supvisors_tests::xmlrpc::s;

use super::{
    IDS, PATIENCE, application, events, journal, process, program, rule, rules, spec, turn,
};

/// Application `name` (start sequence 1, `strategy` for its failures): `ok` and `bad` (exits
/// at once, no retry: FATAL) in sequence 1, `after` in sequence 2. In `waiting`, `bad` is a
/// `wait_exit` program that gets RUNNING and then exits with an unexpected code; in
/// `overridden`, `bad` has its own strategy, CONTINUE.
/// Returns (application body, program rules, configuration sections).
fn failing_application(
    name: &str,
    strategy: &str,
    required: bool,
) -> (String, Vec<String>, String) {
    let body = format!(
        "<start_sequence>1</start_sequence>\
         <starting_failure_strategy>{strategy}</starting_failure_strategy>"
    );
    let programs = vec![
        rule(&format!("{name}_ok"), "<start_sequence>1</start_sequence>"),
        rule(
            &format!("{name}_bad"),
            &format!(
                "<start_sequence>1</start_sequence><required>{required}</required>\
                 <wait_exit>{}</wait_exit>{}",
                name == "waiting",
                // The program's own strategy wins over its application's.
                if name == "overridden" {
                    "<starting_failure_strategy>CONTINUE</starting_failure_strategy>"
                } else {
                    ""
                }
            ),
        ),
        rule(
            &format!("{name}_after"),
            "<start_sequence>2</start_sequence>",
        ),
    ];
    let sections = [
        format!("[group:{name}]\nprograms={name}_ok,{name}_bad,{name}_after\n"),
        program(&format!("{name}_ok"), "", "startsecs=1"),
        if name == "waiting" {
            program(&format!("{name}_bad"), "exit 1 1", "startsecs=0")
        } else {
            program(
                &format!("{name}_bad"),
                "exit 0 1",
                "startsecs=1\nstartretries=0",
            )
        },
        program(&format!("{name}_after"), "", "startsecs=1"),
    ]
    .concat();
    (body, programs, sections)
}

#[test]
fn starting_failure_strategies_abort_stop_continue() {
    let _turn = turn();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("journal");
    let cases = [
        ("aborted", "ABORT", true),
        ("stopped", "STOP", true),
        ("continued", "CONTINUE", true),
        ("optional", "ABORT", false),
        ("waiting", "ABORT", true),
        ("overridden", "ABORT", true),
    ];
    let mut applications = Vec::new();
    let mut sections = String::new();
    for (name, strategy, required) in cases {
        let (body, programs, text) = failing_application(name, strategy, required);
        sections.push_str(&text);
        applications.push((name, body, programs));
    }
    let applications: Vec<(&str, &str, Vec<String>)> = applications
        .iter()
        .map(|(name, body, programs)| (*name, body.as_str(), programs.clone()))
        .collect();
    let cluster = Cluster::start(
        Subject::from_env("CLUSTER_SUBJECT"),
        spec(&log, &rules(&applications), &sections),
    );
    cluster.wait_all_state("OPERATION", PATIENCE);
    cluster.wait_settled(PATIENCE);
    let started: Vec<String> = journal(&log)
        .into_iter()
        .filter(|(_, event, _)| event == "start")
        .map(|(name, _, _)| name)
        .collect();
    let failed = |name: &str| format!("{name}:{name}_bad");
    for id in IDS {
        for (name, _, _) in cases.iter().filter(|(name, _, _)| *name != "waiting") {
            assert_eq!(
                process(&cluster, id, &failed(name)).0,
                "FATAL",
                "seen by {id}"
            );
        }
        // ABORT: the sequence under way ends, the next one is dropped.
        assert_eq!(process(&cluster, id, "aborted:aborted_ok").0, "RUNNING");
        assert_eq!(process(&cluster, id, "aborted:aborted_after").0, "STOPPED");
        let app = application(&cluster, id, "aborted");
        assert_eq!(
            (&app["statename"], &app["major_failure"]),
            (&"RUNNING".into(), &true.into()),
            "{app}"
        );
        // A wait_exit program that exits badly is a failure too.
        assert_eq!(process(&cluster, id, "waiting:waiting_bad").0, "EXITED");
        assert_eq!(process(&cluster, id, "waiting:waiting_ok").0, "RUNNING");
        assert_eq!(process(&cluster, id, "waiting:waiting_after").0, "STOPPED");
        // STOP: the next sequence is dropped and what was started is stopped.
        assert_eq!(process(&cluster, id, "stopped:stopped_ok").0, "STOPPED");
        assert_eq!(process(&cluster, id, "stopped:stopped_after").0, "STOPPED");
        assert_eq!(application(&cluster, id, "stopped")["statename"], "STOPPED");
        // CONTINUE, and any failure of a program that is not required: the next sequence runs.
        for name in ["continued", "optional", "overridden"] {
            assert_eq!(
                process(&cluster, id, &format!("{name}:{name}_ok")).0,
                "RUNNING"
            );
            assert_eq!(
                process(&cluster, id, &format!("{name}:{name}_after")).0,
                "RUNNING"
            );
        }
        let app = application(&cluster, id, "continued");
        assert_eq!(
            (&app["statename"], &app["major_failure"]),
            (&"RUNNING".into(), &true.into()),
            "{app}"
        );
        let app = application(&cluster, id, "optional");
        assert_eq!(
            (
                &app["statename"],
                &app["minor_failure"],
                &app["major_failure"]
            ),
            (&"RUNNING".into(), &true.into(), &false.into()),
            "{app}"
        );
    }
    for name in [
        "stopped_ok",
        "aborted_ok",
        "continued_after",
        "optional_after",
    ] {
        assert!(
            started.contains(&name.to_owned()),
            "{name} never started: {started:?}"
        );
    }
    for name in ["aborted_after", "stopped_after", "waiting_after"] {
        assert!(
            !started.contains(&name.to_owned()),
            "{name} started: {started:?}"
        );
    }
    // Started again on request, an application whose required program fails under ABORT
    // ends RUNNING (with its failure), which is a success for start_application.
    let params = [s("aborted"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n2", "supvisors.stop_application", &params),
        Json::Bool(true)
    );
    let params = [s("CONFIG"), s("aborted"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n2", "supvisors.start_application", &params),
        Json::Bool(true)
    );
    let count = |name: &str| {
        journal(&log)
            .into_iter()
            .filter(|(n, event, _)| n == name && event == "start")
            .count()
    };
    assert_eq!(
        (
            count("aborted_ok"),
            count("aborted_bad"),
            count("aborted_after")
        ),
        (2, 2, 0),
        "{:?}",
        events(&log)
    );
}
