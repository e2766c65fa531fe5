//! DEPLOYMENT on the subject (`$CLUSTER_SUBJECT`: `python` or a daemon path; default our
//! `supvisorsd`), three instances on 127.0.0.1 with `core_identifiers` and a 0.5 s tick:
//! applications started in their `start_sequence` order, programs inside an application in
//! theirs (the next sequence only once the previous one is RUNNING, or has exited for a
//! `wait_exit` program), applications of one sequence together, start_sequence 0 left alone,
//! LOCAL meaning the master; the starting-failure strategies (`failures`); the repair of what
//! a lost instance ran once it is back (`repair`).
//!
//! Every program appends `<name> start <epoch>` to one journal shared by the three instances
//! (a file in a temp dir of the test), so the order of the lines is the order of the starts.

#[path = "cluster_deploy/failures.rs"]
mod failures;
#[path = "cluster_deploy/repair.rs"]
mod repair;

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

/// A `[program:x]` section running `rec.sh` with `args`, then `options` lines.
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

/// A rules file of `(name, body, program rules)` applications.
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

/// The cluster: three instances sharing the journal, with `rules` and `sections`.
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

/// The journal's `name event` lines.
fn events(path: &Path) -> Vec<String> {
    journal(path)
        .into_iter()
        .map(|(name, event, _)| format!("{name} {event}"))
        .collect()
}

/// `events` without the ones in `what`.
fn without(events: &[String], what: &[&str]) -> Vec<String> {
    events
        .iter()
        .filter(|e| !what.contains(&e.as_str()))
        .cloned()
        .collect()
}

/// The date of the first `what` line of the journal.
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

/// `get_application_info(name)` as seen by `on`.
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
    // start_application honours the sequences and wait_exit like the deployment does.
    let params = [s("first"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n2", "supvisors.stop_application", &params),
        Json::Bool(true)
    );
    let params = [s("CONFIG"), s("first"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n2", "supvisors.start_application", &params),
        Json::Bool(true)
    );
    let all = events(&log);
    assert_eq!(
        without(&all, &["f1 start", "l1 start", "l2 start"])[8..],
        ["a1 start", "a2 start", "a2 exit", "a3 start"],
        "{all:?}"
    );
    assert_eq!(process(&cluster, "n2", "first:a3").0, "RUNNING");
}
