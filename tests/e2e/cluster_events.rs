//! The event interface end to end: a three-instance cluster of our `supvisorsd` with
//! `event_link = ZMQ`, and the reference Python client (`supvisors.supvisorszmq.EventSubscriber`
//! over PyZMQ) subscribed to everything on one instance's event port. Each kind of message is
//! provoked (state changes, a forced state, removals after `update_numprocs`, a disability)
//! and checked for its keys, their order and their Python types (interface spec §1.5,
//! §3.3–3.4), and the order of §3.5 for a process start (event, process, application).
//! `$CLUSTER_SUBJECT=python` runs the same test on Python Supvisors 0.15 (it passes there).

use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject};
use supvisors_tests::events::{Message, Subscriber};
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(90);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// `app:p1` may run anywhere; `app:orphan` may run nowhere (its only identifier is unknown).
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="app">
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program name="orphan">
                <identifiers>nosuch</identifiers>
            </program>
            <program pattern="">
                <start_sequence>1</start_sequence>
            </program>
        </programs>
    </application>
</root>
"#;

/// Programs end by themselves when their daemon is gone.
const PROGRAMS: &str = "[group:app]\nprograms=p1,orphan\n\n\
[program:p1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n\n\
[program:orphan]\ncommand=/bin/sleep 3600\nautostart=false\n\n\
[program:multi]\ncommand=/bin/sleep 3600\nautostart=false\nnumprocs=2\n\
process_name=%(program_name)s_%(process_num)02d\n";

/// Keys and Python types of each payload (interface spec §1.5, §3.3, §3.4).
const SUPVISORS: &[(&str, &str)] = &[
    ("fsm_statecode", "int"),
    ("fsm_statename", "str"),
    ("starting_jobs", "list"),
    ("stopping_jobs", "list"),
];
const INSTANCE: &[(&str, &str)] = &[
    ("identifier", "str"),
    ("node_name", "str"),
    ("port", "int"),
    ("statecode", "int"),
    ("statename", "str"),
    ("sequence_counter", "int"),
    ("remote_time", "int"),
    ("local_time", "int"),
    ("loading", "int"),
    ("fsm_statecode", "int"),
    ("fsm_statename", "str"),
    ("starting_jobs", "bool"),
    ("stopping_jobs", "bool"),
];
const APPLICATION: &[(&str, &str)] = &[
    ("application_name", "str"),
    ("managed", "bool"),
    ("statecode", "int"),
    ("statename", "str"),
    ("major_failure", "bool"),
    ("minor_failure", "bool"),
];
const PROCESS: &[(&str, &str)] = &[
    ("application_name", "str"),
    ("process_name", "str"),
    ("statecode", "int"),
    ("statename", "str"),
    ("expected_exit", "bool"),
    ("last_event_time", "float"),
    ("identifiers", "list"),
    ("extra_args", "str"),
];
/// State changes of this test have no spawn error: Supervisor's `spawnerr` is then None, which
/// the reference forwards as is (null, not ''), as checked against Python Supvisors 0.15.
const CHANGE: &[(&str, &str)] = &[
    ("name", "str"),
    ("group", "str"),
    ("state", "int"),
    ("now", "float"),
    ("pid", "int"),
    ("expected", "bool"),
    ("spawnerr", "NoneType"),
    ("extra_args", "str"),
    ("disabled", "bool"),
    ("identifier", "str"),
];
const REMOVAL: &[(&str, &str)] = &[
    ("name", "str"),
    ("group", "str"),
    ("state", "int"),
    ("identifier", "str"),
];
const FORCED: &[(&str, &str)] = &[
    ("group", "str"),
    ("name", "str"),
    ("state", "int"),
    ("now", "float"),
    ("pid", "int"),
    ("expected", "bool"),
    ("spawnerr", "str"),
    ("extra_args", "str"),
    ("identifier", "str"),
];
const DISABILITY: &[(&str, &str)] = &[
    ("name", "str"),
    ("group", "str"),
    ("state", "int"),
    ("statename", "str"),
    ("start", "int"),
    ("stop", "int"),
    ("now", "float"),
    ("pid", "int"),
    ("description", "str"),
    ("spawnerr", "str"),
    ("expected", "bool"),
    ("startsecs", "int"),
    ("stopwaitsecs", "int"),
    ("extra_args", "str"),
    ("disabled", "bool"),
    ("identifier", "str"),
];

fn assert_layout(message: &Message, expected: &[(&str, &str)]) {
    assert_eq!(
        message.layout(),
        expected,
        "{} message {}",
        message.header,
        message.body
    );
    assert!(
        message.framing,
        "framing of {} {}",
        message.header, message.body
    );
}

fn event_of<'a>(m: &'a Message, name: &str) -> Option<&'a Json> {
    (m.header == "event" && m.body["name"] == name).then_some(&m.body)
}

fn spec() -> ClusterSpec {
    ClusterSpec::new(&IDS)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .option("core_identifiers", "n1,n2,n3")
        .option("event_link", "ZMQ")
        .option("tick_period", "0.5")
        .sections(PROGRAMS)
}

#[test]
fn python_subscriber_receives_every_kind_of_message() {
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec());
    // Subscribe first: whatever comes before the subscription reaches the socket is lost.
    let mut sub = Subscriber::start(cluster.instance("n1").ports.event, PATIENCE * 4);
    sub.wait_for(&cluster, PATIENCE, "first message", |_| true);
    cluster.wait_all_state("OPERATION", PATIENCE);
    let tick = sub.wait_for(&cluster, PATIENCE, "instance n3", |m| {
        m.header == "instance" && m.body["identifier"] == "n3"
    });
    assert_layout(&sub.received[tick].clone(), INSTANCE);

    // A process start: event, process, application (§3.5), then RUNNING.
    let started = cluster.must(
        "n2",
        "supvisors.start_process",
        &[s("CONFIG"), s("app:p1"), s(""), Value::Bool(true)],
    );
    assert_eq!(started, Json::Bool(true));
    sub.wait_for(&cluster, PATIENCE, "p1 RUNNING event", |m| {
        event_of(m, "p1").is_some_and(|b| b["state"] == 20)
    });
    let starting = sub.wait_for(&cluster, PATIENCE, "p1 STARTING event", |m| {
        event_of(m, "p1").is_some_and(|b| b["state"] == 10)
    });
    let after: Vec<Message> = sub.received[starting..]
        .iter()
        .filter(|m| !m.is_tick())
        .take(3)
        .cloned()
        .collect();
    let headers: Vec<&str> = after.iter().map(|m| m.header.as_str()).collect();
    assert_eq!(headers, ["event", "process", "application"], "{after:?}");
    assert_layout(&after[0], CHANGE);
    assert_layout(&after[1], PROCESS);
    assert_layout(&after[2], APPLICATION);
    assert_eq!(
        (&after[1].body["process_name"], &after[1].body["statename"]),
        (&Json::from("p1"), &Json::from("STARTING"))
    );
    assert_eq!(after[2].body["application_name"], "app");
    let jobs = sub.wait_for(&cluster, PATIENCE, "supvisors message", |m| {
        m.header == "supvisors"
    });
    assert_layout(&sub.received[jobs].clone(), SUPVISORS);

    // A start that cannot be placed: forced FATAL, `no resource available`.
    let _ = cluster.call(
        "n1",
        "supvisors.start_process",
        &[s("CONFIG"), s("app:orphan"), s(""), Value::Bool(false)],
    );
    let forced = sub.wait_for(&cluster, PATIENCE, "orphan forced event", |m| {
        event_of(m, "orphan").is_some_and(|b| b["spawnerr"] == "no resource available")
    });
    let forced = sub.received[forced].clone();
    assert_layout(&forced, FORCED);
    assert_eq!(forced.body["state"], 200, "{}", forced.body);
    let fatal = sub.wait_for(&cluster, PATIENCE, "orphan FATAL process", |m| {
        m.header == "process" && m.body["process_name"] == "orphan"
    });
    assert_eq!(sub.received[fatal].body["statename"], "FATAL");

    // Removal after update_numprocs decrease on every instance: one event per instance, then
    // the process DELETED once no instance defines it, then its application.
    for id in IDS {
        let done = cluster.must(
            id,
            "supvisors.update_numprocs",
            &[s("multi"), Value::Int(1), Value::Bool(true)],
        );
        assert_eq!(done, Json::Bool(true), "update_numprocs on {id}");
    }
    let deleted = sub.wait_for(&cluster, PATIENCE, "multi_01 DELETED", |m| {
        m.header == "process" && m.body["process_name"] == "multi_01"
    });
    let deleted_msg = sub.received[deleted].clone();
    assert_layout(&deleted_msg, PROCESS);
    assert_eq!(
        (
            &deleted_msg.body["statecode"],
            &deleted_msg.body["statename"]
        ),
        (&Json::from(-1), &Json::from("DELETED"))
    );
    let removals: Vec<(usize, Message)> = sub
        .received
        .iter()
        .enumerate()
        .filter(|(_, m)| event_of(m, "multi_01").is_some())
        .map(|(i, m)| (i, m.clone()))
        .collect();
    let mut from: Vec<&str> = removals
        .iter()
        .map(|(_, m)| m.body["identifier"].as_str().unwrap_or(""))
        .collect();
    from.sort_unstable();
    assert_eq!(from, IDS, "removal events {removals:?}");
    for (index, removal) in &removals {
        assert_layout(removal, REMOVAL);
        assert_eq!(removal.body["state"], -1);
        assert!(*index < deleted, "removal after DELETED: {removals:?}");
    }
    sub.wait_for(&cluster, PATIENCE, "multi application", |m| {
        m.header == "application" && m.body["application_name"] == "multi"
    });
    let next = sub.received[deleted + 1..]
        .iter()
        .find(|m| !m.is_tick())
        .cloned();
    let next = next.expect("a message after DELETED");
    assert_eq!(
        (next.header.as_str(), &next.body["application_name"]),
        ("application", &Json::from("multi")),
        "{next:?}"
    );
    assert_layout(&next, APPLICATION);

    // Disability: one event, the full local process info.
    let done = cluster.must("n1", "supvisors.disable", &[s("multi"), Value::Bool(true)]);
    assert_eq!(done, Json::Bool(true));
    let disabled = sub.wait_for(&cluster, PATIENCE, "multi_00 disability", |m| {
        event_of(m, "multi_00").is_some_and(|b| b["disabled"] == true)
    });
    let disabled = sub.received[disabled].clone();
    assert_layout(&disabled, DISABILITY);
    assert_eq!(disabled.body["identifier"], "n1");

    // Every message received, of every kind, has one of the documented layouts.
    for message in &sub.received {
        let layout = message.layout();
        let known: &[&[(&str, &str)]] = match message.header.as_str() {
            "supvisors" => &[SUPVISORS],
            "instance" => &[INSTANCE],
            "application" => &[APPLICATION],
            "process" => &[PROCESS],
            "event" => &[CHANGE, REMOVAL, FORCED, DISABILITY],
            other => panic!("unknown header {other}"),
        };
        assert!(
            known.contains(&layout.as_slice()),
            "{} {}: {layout:?}",
            message.header,
            message.body
        );
        assert!(message.framing, "{} {}", message.header, message.body);
    }
}
