//! Instance failures on the subject (`$CLUSTER_SUBJECT`, default our `supvisorsd`), three
//! instances on 127.0.0.1 with `tick_period = 0.5`: `kill -9` of a non-master instance under
//! every running-failure strategy (core §8.5), loss of the master (§5.6), a late instance
//! joining an operating cluster with the deployment repaired (§4.10, §7.9), and the restart of
//! a non-master instance.

use std::sync::MutexGuard;
use std::time::Duration;

use serde_json::Value as Json;
use supvisors_tests::cluster::{Cluster, ClusterSpec, EventLog, Subject};
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(90);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// A program that ends by itself when its daemon is gone (a `kill -9` leaves no orphan).
fn program(name: &str) -> String {
    format!(
        "[program:{name}]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
         autostart=false\nstartsecs=1\nstopasgroup=true\n"
    )
}

/// A group of programs.
fn group(name: &str, programs: &[&str]) -> String {
    let mut text = format!("[group:{name}]\nprograms={}\n\n", programs.join(","));
    for p in programs {
        text.push_str(&program(p));
        text.push('\n');
    }
    text
}

/// Rules of one application started at deployment: `programs` are (name, identifiers,
/// required).
fn application(name: &str, strategy: &str, programs: &[(&str, &str, bool)]) -> String {
    let mut text = format!(
        "  <application name=\"{name}\">\n    <start_sequence>1</start_sequence>\n\
         <starting_strategy>CONFIG</starting_strategy>\n\
         <running_failure_strategy>{strategy}</running_failure_strategy>\n    <programs>\n"
    );
    for (program, identifiers, required) in programs {
        text.push_str(&format!(
            "      <program name=\"{program}\"><identifiers>{identifiers}</identifiers>\
             <start_sequence>1</start_sequence><required>{required}</required></program>\n"
        ));
    }
    text.push_str("    </programs>\n  </application>\n");
    text
}

fn rules(applications: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n{}</root>\n",
        applications.concat()
    )
}

/// One cluster test at a time (shared with the other cluster modules of this binary).
fn turn() -> MutexGuard<'static, ()> {
    supvisors_tests::cluster::one_at_a_time()
}

fn subject() -> Subject {
    Subject::from_env("CLUSTER_SUBJECT")
}

fn base(rules_text: &str, sections: &str) -> ClusterSpec {
    ClusterSpec::new(&IDS)
        .file("rules.xml", rules_text)
        .option("rules_files", "@DIR@/rules.xml")
        .option("tick_period", "0.5")
        .sections(sections)
}

/// (statename, identifiers) of `namespec` as seen by `on`; `None` when the call fails.
fn seen(cluster: &Cluster, on: &str, namespec: &str) -> Option<(String, Vec<String>)> {
    let list = cluster
        .call(on, "supvisors.get_process_info", &[s(namespec)])
        .ok()?;
    let info = list.get(0)?;
    let identifiers = info["identifiers"]
        .as_array()?
        .iter()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect();
    Some((info["statename"].as_str()?.to_owned(), identifiers))
}

/// Waits until `namespec` reads `state` on exactly `identifiers` for every instance of `on`.
fn wait_process(cluster: &Cluster, on: &[&str], namespec: &str, state: &str, identifiers: &[&str]) {
    for id in on {
        cluster.wait_until(
            PATIENCE,
            &format!("{namespec} {state} on {identifiers:?} seen by {id}"),
            |c| seen(c, id, namespec).is_some_and(|(st, ids)| st == state && ids == identifiers),
        );
    }
}

/// The pid of `namespec` in the Supervisor of `on`.
fn pid(cluster: &Cluster, on: &str, namespec: &str) -> i64 {
    let info = cluster.must(on, "supvisors.get_local_process_info", &[s(namespec)]);
    info["pid"].as_i64().unwrap_or_default()
}

fn application_state(cluster: &Cluster, on: &str, name: &str) -> Json {
    cluster.must(on, "supvisors.get_application_info", &[s(name)])["statename"].clone()
}

fn instance_state(cluster: &Cluster, on: &str, of: &str) -> Option<String> {
    let info = cluster
        .call(on, "supvisors.get_instance_info", &[s(of)])
        .ok()?;
    info["statename"].as_str().map(str::to_owned)
}

fn wait_instance(cluster: &Cluster, on: &[&str], of: &str, state: &str) {
    for id in on {
        cluster.wait_until(PATIENCE, &format!("{of} {state} seen by {id}"), |c| {
            instance_state(c, id, of).as_deref() == Some(state)
        });
    }
}

#[test]
fn lost_instance_triggers_each_running_failure_strategy() {
    let _turn = turn();
    // Every application has one program first placed on n3 (the victim, never the master:
    // n1 is the smallest core identifier) and, but for `cont` and `shut`, one on n2 only.
    let text = rules(&[
        application("cont", "CONTINUE", &[("c1", "n3,n1", false)]),
        application(
            "rproc",
            "RESTART_PROCESS",
            &[("r1", "n3,n1", false), ("r2", "n2", false)],
        ),
        application(
            "stopapp",
            "STOP_APPLICATION",
            &[("s1", "n3,n1", false), ("s2", "n2", false)],
        ),
        application(
            "rapp",
            "RESTART_APPLICATION",
            &[("a1", "n3,n1", false), ("a2", "n2", false)],
        ),
        application("shut", "SHUTDOWN", &[("h1", "n3", false)]),
        application("rest", "RESTART", &[("t1", "n3", false)]),
    ]);
    let sections = [
        group("cont", &["c1"]),
        group("rproc", &["r1", "r2"]),
        group("stopapp", &["s1", "s2"]),
        group("rapp", &["a1", "a2"]),
        group("shut", &["h1"]),
        group("rest", &["t1"]),
    ]
    .concat();
    let spec = base(&text, &sections)
        .option("core_identifiers", "n1,n2,n3")
        .option("event_link", "ZMQ");
    let mut cluster = Cluster::start(subject(), spec);
    let events = EventLog::subscribe(cluster.instance("n1").ports.event);
    cluster.wait_settled(PATIENCE);
    assert!(events.wait_connected(PATIENCE), "no event from n1");
    assert_eq!(cluster.master("n2").as_deref(), Some("n1"));
    for ns in [
        "cont:c1",
        "rproc:r1",
        "stopapp:s1",
        "rapp:a1",
        "shut:h1",
        "rest:t1",
    ] {
        wait_process(&cluster, &IDS, ns, "RUNNING", &["n3"]);
    }
    for ns in ["rproc:r2", "stopapp:s2", "rapp:a2"] {
        wait_process(&cluster, &IDS, ns, "RUNNING", &["n2"]);
    }
    let r2 = pid(&cluster, "n2", "rproc:r2");
    let a2 = pid(&cluster, "n2", "rapp:a2");

    cluster.kill9("n3");
    let alive = ["n1", "n2"];
    wait_instance(&cluster, &alive, "n3", "SILENT");
    // CONTINUE: the process lost with its instance stays FATAL.
    wait_process(&cluster, &alive, "cont:c1", "FATAL", &[]);
    // RESTART_PROCESS: restarted on the next candidate, its sibling untouched.
    wait_process(&cluster, &alive, "rproc:r1", "RUNNING", &["n1"]);
    assert_eq!(pid(&cluster, "n2", "rproc:r2"), r2, "rproc:r2 kept running");
    // STOP_APPLICATION: the rest of the application is stopped, nothing restarted.
    wait_process(&cluster, &alive, "stopapp:s2", "STOPPED", &[]);
    wait_process(&cluster, &alive, "stopapp:s1", "FATAL", &[]);
    // RESTART_APPLICATION: the whole application is stopped then started again.
    wait_process(&cluster, &alive, "rapp:a1", "RUNNING", &["n1"]);
    wait_process(&cluster, &alive, "rapp:a2", "RUNNING", &["n2"]);
    assert_ne!(pid(&cluster, "n2", "rapp:a2"), a2, "rapp:a2 restarted");
    cluster.wait_settled(PATIENCE);
    for id in alive {
        assert_eq!(application_state(&cluster, id, "stopapp"), "STOPPED");
        assert_eq!(application_state(&cluster, id, "rapp"), "RUNNING");
        assert_eq!(application_state(&cluster, id, "rproc"), "RUNNING");
        // SHUTDOWN and RESTART are not applied on an instance loss (0.15 code, core §8.5).
        for ns in ["shut:h1", "rest:t1"] {
            assert_eq!(
                seen(&cluster, id, ns).map(|p| p.0).as_deref(),
                Some("FATAL")
            );
        }
        assert_eq!(cluster.state(id).as_deref(), Some("OPERATION"));
        assert_eq!(cluster.master(id).as_deref(), Some("n1"));
    }
    assert_eq!(
        seen(&cluster, "n1", "stopapp:s1").map(|p| p.0).as_deref(),
        Some("FATAL")
    );
    // The loss is published: the process FATAL, the instance SILENT.
    let published = events.events();
    assert!(
        published.iter().any(|(h, b)| h == "process"
            && b["application_name"] == "cont"
            && b["process_name"] == "c1"
            && b["statename"] == "FATAL"),
        "{published:?}"
    );
    assert!(
        published
            .iter()
            .any(|(h, b)| h == "instance" && b["identifier"] == "n3" && b["statename"] == "SILENT"),
        "{published:?}"
    );
}

#[test]
fn lost_master_is_replaced_and_its_applications_repaired() {
    let _turn = turn();
    let text = rules(&[application("rep", "CONTINUE", &[("m1", "n1,n2", true)])]);
    let spec = base(&text, &group("rep", &["m1"])).option("core_identifiers", "n1,n2,n3");
    let mut cluster = Cluster::start(subject(), spec);
    cluster.wait_settled(PATIENCE);
    assert_eq!(cluster.master("n3").as_deref(), Some("n1"));
    wait_process(&cluster, &IDS, "rep:m1", "RUNNING", &["n1"]);

    cluster.kill9("n1");
    let alive = ["n2", "n3"];
    wait_instance(&cluster, &alive, "n1", "SILENT");
    for id in alive {
        cluster.wait_until(PATIENCE, &format!("master n2 seen by {id}"), |c| {
            c.master(id).as_deref() == Some("n2")
        });
    }
    cluster.wait_all_state("OPERATION", PATIENCE);
    // The required process lost with the master is started again by the new deployment.
    wait_process(&cluster, &alive, "rep:m1", "RUNNING", &["n2"]);
    assert_eq!(application_state(&cluster, "n3", "rep"), "RUNNING");
}

/// Not comparable with Python Supvisors 0.15: there, isolating an instance killed with
/// `kill -9` ends its main loop thread (`KeyError` in `disconnect_subscriber`, the subscriber
/// being already closed), and the cluster stops evolving.
#[test]
fn auto_fence_isolates_a_lost_instance() {
    let _turn = turn();
    let text = rules(&[application("cont", "CONTINUE", &[("c1", "n3", false)])]);
    let spec = base(&text, &group("cont", &["c1"]))
        .option("core_identifiers", "n1,n2,n3")
        .option("auto_fence", "true");
    let mut cluster = Cluster::start(subject(), spec);
    cluster.wait_settled(PATIENCE);
    wait_process(&cluster, &IDS, "cont:c1", "RUNNING", &["n3"]);
    cluster.kill9("n3");
    let alive = ["n1", "n2"];
    wait_instance(&cluster, &alive, "n3", "ISOLATED");
    wait_process(&cluster, &alive, "cont:c1", "FATAL", &[]);
    for id in alive {
        assert_eq!(cluster.state(id).as_deref(), Some("OPERATION"));
        assert_eq!(cluster.master(id).as_deref(), Some("n1"));
    }
}

#[test]
fn late_instance_adopts_the_master_and_gets_its_share() {
    let _turn = turn();
    // `late:l1` may only run on n3, which is not there at deployment.
    let text = rules(&[application("late", "CONTINUE", &[("l1", "n3", false)])]);
    let spec = base(&text, &group("late", &["l1"])).option("core_identifiers", "n1,n2");
    let mut cluster = Cluster::start_except(subject(), spec, &["n3"]);
    cluster.wait_all_state("OPERATION", PATIENCE);
    assert_eq!(cluster.master("n2").as_deref(), Some("n1"));
    let l1 = seen(&cluster, "n1", "late:l1").map(|p| p.0);
    assert_ne!(l1.as_deref(), Some("RUNNING"), "late:l1 has no place yet");

    cluster.restart("n3");
    cluster.wait_state("n3", "OPERATION", PATIENCE);
    assert_eq!(cluster.master("n3").as_deref(), Some("n1"), "n3 adopts n1");
    wait_instance(&cluster, &IDS, "n3", "RUNNING");
    // The master repairs the deployment: the application gets its process on the newcomer.
    wait_process(&cluster, &IDS, "late:l1", "RUNNING", &["n3"]);

    // A non-master instance restarted comes back RUNNING for all, with the same master.
    cluster.restart("n2");
    cluster.wait_state("n2", "OPERATION", PATIENCE);
    wait_instance(&cluster, &IDS, "n2", "RUNNING");
    cluster.wait_all_state("OPERATION", PATIENCE);
    for id in IDS {
        assert_eq!(
            cluster.master(id).as_deref(),
            Some("n1"),
            "master seen by {id}"
        );
    }
    wait_process(&cluster, &IDS, "late:l1", "RUNNING", &["n3"]);
}
