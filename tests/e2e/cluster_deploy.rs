//! DEPLOYMENT on the subject (`$CLUSTER_SUBJECT`: `python` or a daemon path; default our
//! `supvisorsd`), three instances on 127.0.0.1 with `core_identifiers` and a 0.5 s tick:
//! applications started in their `start_sequence` order, programs inside an application in
//! theirs (the next sequence only once the previous one is RUNNING, or has exited for a
//! `wait_exit` program), start_sequence 0 left alone, and the starting-failure strategies
//! ABORT, STOP and CONTINUE of a required program that fails at once.
//!
//! Every program appends `<name> start <epoch>` to one journal shared by the three instances
//! (a file in a temp dir of the test), so the order of the lines is the order of the starts.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject};
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(120);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// One cluster test at a time: the machine is shared.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
}

/// `rec.sh NAME [exit DELAY CODE]`: journals the start, then either lives as long as its
/// daemon (a `kill -9` of the daemon leaves no orphan) or exits with CODE after DELAY s.
fn recorder(journal: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         echo \"$1 start $(date +%s.%N)\" >> {journal}\n\
         if [ \"$2\" = exit ]; then\n  sleep \"$3\"\n  echo \"$1 exit $(date +%s.%N)\" >> {journal}\n  exit \"$4\"\nfi\n\
         while kill -0 $PPID 2>/dev/null; do sleep 1; done\n",
        journal = journal.display()
    )
}

/// A `[program:x]` section of group `group` running `rec.sh` with `args`.
fn program(name: &str, args: &str, options: &str) -> String {
    format!(
        "[program:{name}]\ncommand=/bin/sh @DIR@/rec.sh {name} {args}\nautostart=false\n\
         autorestart=false\nstopasgroup=true\n{options}\n"
    )
}

/// A `<program>` rule.
fn rule(name: &str, body: &str) -> String {
    format!("<program name=\"{name}\">{body}</program>")
}

fn rules(applications: &[(&str, &str, Vec<String>)]) -> String {
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n");
    for (name, body, programs) in applications {
        text.push_str(&format!(
            "<application name=\"{name}\">{body}<programs>{}</programs></application>\n",
            programs.concat()
        ));
    }
    text.push_str("</root>\n");
    text
}

fn spec(journal: &Path, rules: &str, sections: &str) -> ClusterSpec {
    ClusterSpec::new(&IDS)
        .option("core_identifiers", "n1,n2,n3")
        .option("tick_period", "0.5")
        .option("rules_files", "@DIR@/rules.xml")
        .file("rules.xml", rules)
        .file("rec.sh", &recorder(journal))
        .sections(sections)
}

/// The journal's `(name, event, epoch seconds)` lines, in writing order.
fn journal(path: &Path) -> Vec<(String, String, f64)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?.to_owned();
            let event = words.next()?.to_owned();
            let date = words.next()?.parse().ok()?;
            Some((name, event, date))
        })
        .collect()
}

fn events(path: &Path) -> Vec<String> {
    journal(path)
        .into_iter()
        .map(|(name, event, _)| format!("{name} {event}"))
        .collect()
}

fn without(events: &[String], what: &[&str]) -> Vec<String> {
    events
        .iter()
        .filter(|e| !what.contains(&e.as_str()))
        .cloned()
        .collect()
}

fn date_of(path: &Path, what: &str) -> f64 {
    journal(path)
        .into_iter()
        .find(|(name, event, _)| format!("{name} {event}") == what)
        .map(|(_, _, date)| date)
        .unwrap_or_else(|| panic!("no {what:?} in {:?}", events(path)))
}

/// `(statename, identifiers)` of process `namespec` as seen by instance `on`.
fn process(cluster: &Cluster, on: &str, namespec: &str) -> (String, Vec<String>) {
    let info = cluster.must(on, "supvisors.get_process_info", &[s(namespec)]);
    let info = &info[0];
    let identifiers = info["identifiers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect();
    (
        info["statename"].as_str().unwrap_or("").to_owned(),
        identifiers,
    )
}

fn application(cluster: &Cluster, on: &str, name: &str) -> Json {
    cluster.must(on, "supvisors.get_application_info", &[s(name)])
}

#[test]
fn deployment_follows_application_and_process_sequences() {
    let _turn = turn();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("journal");
    // `first` and `slow` (RUNNING after 8 s) together, both before `second`; inside `first`: a1 (RUNNING after 2 s), then a2 which must
    // exit, then a3, each on its own instance; a0 (sequence 0) and `manual` (application
    // sequence 0) are never started by the deployment.
    let rules = rules(&[
        (
            "first",
            "<start_sequence>1</start_sequence>",
            vec![
                rule("a0", "<start_sequence>0</start_sequence>"),
                rule(
                    "a1",
                    "<identifiers>n1</identifiers><start_sequence>1</start_sequence>\
                     <required>true</required>",
                ),
                rule(
                    "a2",
                    "<identifiers>n2</identifiers><start_sequence>2</start_sequence>\
                     <wait_exit>true</wait_exit>",
                ),
                rule(
                    "a3",
                    "<identifiers>n3</identifiers><start_sequence>3</start_sequence>",
                ),
            ],
        ),
        (
            "slow",
            "<start_sequence>1</start_sequence>",
            vec![rule("f1", "<start_sequence>1</start_sequence>")],
        ),
        (
            "second",
            "<start_sequence>2</start_sequence>",
            vec![rule("b1", "<start_sequence>1</start_sequence>")],
        ),
        (
            "local",
            "<start_sequence>3</start_sequence><starting_strategy>LOCAL</starting_strategy>",
            vec![
                rule("l1", "<start_sequence>1</start_sequence>"),
                rule("l2", "<start_sequence>1</start_sequence>"),
            ],
        ),
        (
            "manual",
            "<start_sequence>0</start_sequence>",
            vec![rule("m1", "<start_sequence>1</start_sequence>")],
        ),
    ]);
    let sections = [
        "[group:first]\nprograms=a0,a1,a2,a3\n".to_owned(),
        "[group:slow]\nprograms=f1\n".to_owned(),
        "[group:second]\nprograms=b1\n".to_owned(),
        "[group:manual]\nprograms=m1\n".to_owned(),
        "[group:local]\nprograms=l1,l2\n".to_owned(),
        program("l1", "", "startsecs=1"),
        program("l2", "", "startsecs=1"),
        program("a0", "", "startsecs=1"),
        program("a1", "", "startsecs=2"),
        program("a2", "exit 3 0", "startsecs=0\nexitcodes=0"),
        program("a3", "", "startsecs=1"),
        program("f1", "", "startsecs=8"),
        program("b1", "", "startsecs=1"),
        program("m1", "", "startsecs=1"),
    ]
    .concat();
    let cluster = Cluster::start(
        Subject::from_env("CLUSTER_SUBJECT"),
        spec(&log, &rules, &sections),
    );
    cluster.wait_all_state("OPERATION", PATIENCE);
    cluster.wait_settled(PATIENCE);
    let all = events(&log);
    // `slow` started with `first`, not after it.
    let at = |what: &str| all.iter().position(|e| e == what);
    assert!(at("f1 start") < at("a2 start"), "{all:?}");
    assert_eq!(
        without(&all, &["f1 start", "l1 start", "l2 start"]),
        ["a1 start", "a2 start", "a2 exit", "a3 start", "b1 start"],
        "starts in sequence order, a0 and manual:m1 left alone\n{}",
        cluster.all_logs()
    );
    // `local` last, and LOCAL at deployment means on the master, which runs the deployment.
    let last: Vec<&str> = all[all.len() - 2..].iter().map(String::as_str).collect();
    assert!(
        last.contains(&"l1 start") && last.contains(&"l2 start"),
        "{all:?}"
    );
    let master = cluster.master("n1").unwrap_or_default();
    for id in IDS {
        for namespec in ["local:l1", "local:l2"] {
            assert_eq!(
                process(&cluster, id, namespec),
                ("RUNNING".into(), vec![master.clone()])
            );
        }
    }
    // a2 waited for a1 to be RUNNING (startsecs=2 after its spawn): a lower bound that holds
    // however slow the machine is.
    let gap = date_of(&log, "a2 start") - date_of(&log, "a1 start");
    assert!(
        gap >= 1.0,
        "a2 started {gap} s after a1, before a1 was RUNNING"
    );
    let gap = date_of(&log, "b1 start") - date_of(&log, "f1 start");
    assert!(
        gap >= 7.0,
        "b1 started {gap} s after f1, before f1 was RUNNING"
    );
    let gap = date_of(&log, "b1 start") - date_of(&log, "a3 start");
    assert!(
        gap >= 0.5,
        "b1 started {gap} s after a3, before a3 was RUNNING"
    );
    for id in IDS {
        assert_eq!(
            process(&cluster, id, "first:a1"),
            ("RUNNING".into(), vec!["n1".into()])
        );
        assert_eq!(
            process(&cluster, id, "first:a2").0,
            "EXITED",
            "seen by {id}"
        );
        assert_eq!(
            process(&cluster, id, "first:a3"),
            ("RUNNING".into(), vec!["n3".into()])
        );
        assert_eq!(
            process(&cluster, id, "first:a0").0,
            "STOPPED",
            "seen by {id}"
        );
        assert_eq!(
            process(&cluster, id, "second:b1").0,
            "RUNNING",
            "seen by {id}"
        );
        assert_eq!(
            process(&cluster, id, "manual:m1").0,
            "STOPPED",
            "seen by {id}"
        );
        assert_eq!(application(&cluster, id, "manual")["statename"], "STOPPED");
        let first = application(&cluster, id, "first");
        assert_eq!(first["statename"], "RUNNING", "{first}");
        assert_eq!(first["major_failure"], false, "{first}");
    }
    // Started on request, an application of sequence 0 is started like the others, and a
    // wait_exit program counts as started once RUNNING (it is still running when the answer
    // comes: it lives 3 s).
    let params = [s("CONFIG"), s("manual"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n3", "supvisors.start_application", &params),
        Json::Bool(true)
    );
    assert_eq!(process(&cluster, "n3", "manual:m1").0, "RUNNING");
    let params = [s("CONFIG"), s("first:a2"), s(""), Value::Bool(true)];
    assert_eq!(
        cluster.must("n1", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    cluster.wait_until(PATIENCE, "a2 EXITED again", |c| {
        process(c, "n1", "first:a2").0 == "EXITED"
    });
    let all = events(&log);
    assert_eq!(
        without(&all, &["f1 start", "l1 start", "l2 start"])[5..],
        ["m1 start", "a2 start", "a2 exit"],
        "{all:?}"
    );
}

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
