//! Requests acting on one instance only, on the subject (`$CLUSTER_SUBJECT`, default our
//! `supvisorsd`), three instances on 127.0.0.1 with `tick_period = 0.5`: `disable` / `enable`
//! with the `disabilities_file` kept across a restart (core §9.2), and `update_numprocs` up
//! and down with its faults (core §9.3, interfaces §1.7.13).

use std::sync::MutexGuard;
use std::time::Duration;

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, EventLog, Subject};
use supvisors_tests::xmlrpc::{CallError, s};

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(90);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// One cluster test at a time (shared with the other cluster modules of this binary).
fn turn() -> MutexGuard<'static, ()> {
    supvisors_tests::cluster::one_at_a_time()
}

fn subject() -> Subject {
    Subject::from_env("CLUSTER_SUBJECT")
}

/// A command that ends by itself when its daemon is gone.
const LOOP: &str = "/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'";

/// No rules file: every application is unmanaged, Supervisor's `autostart` runs them.
fn spec(sections: &str) -> ClusterSpec {
    ClusterSpec::new(&IDS)
        .option("tick_period", "0.5")
        .option("core_identifiers", "n1,n2,n3")
        .option("disabilities_file", "@DIR@/disabilities.json")
        .option("event_link", "ZMQ")
        .sections(sections)
}

/// The fault of a call that must fail.
fn fault(cluster: &Cluster, on: &str, method: &str, params: &[Value]) -> (i32, String) {
    match cluster.call(on, method, params) {
        Err(CallError::Fault { code, string }) => (code, string),
        other => panic!("{method} on {on}: expected a fault, got {other:?}"),
    }
}

/// `get_local_process_info(namespec)` on `on`.
fn local(cluster: &Cluster, on: &str, namespec: &str) -> Json {
    cluster.must(on, "supvisors.get_local_process_info", &[s(namespec)])
}

fn wait_local(cluster: &Cluster, on: &str, namespec: &str, state: &str) {
    cluster.wait_until(PATIENCE, &format!("{namespec} {state} on {on}"), |c| {
        c.call(on, "supvisors.get_local_process_info", &[s(namespec)])
            .is_ok_and(|info| info["statename"] == state)
    });
}

fn disabilities(cluster: &Cluster, on: &str) -> Json {
    let path = cluster.instance(on).path().join("disabilities.json");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}: {text:?}", path.display()))
}

#[test]
fn disable_and_enable_persist_across_restart() {
    let _turn = turn();
    let sections = format!(
        "[program:dis]\ncommand={LOOP}\nautostart=true\nstartsecs=1\nstopasgroup=true\n\n\
         [program:other]\ncommand={LOOP}\nautostart=false\n"
    );
    let mut cluster = Cluster::start(subject(), spec(&sections));
    let events = EventLog::subscribe(cluster.instance("n1").ports.event);
    assert!(events.wait_connected(PATIENCE), "no event from n1");
    cluster.wait_all_state("OPERATION", PATIENCE);
    for id in IDS {
        wait_local(&cluster, id, "dis", "RUNNING");
    }

    // The reference reports the processes it stopped that still run anywhere (here on n1
    // and n3): the local stop is done all the same.
    assert_eq!(
        fault(
            &cluster,
            "n2",
            "supvisors.disable",
            &[s("dis"), Value::Bool(true)]
        ),
        (40, "ABNORMAL_TERMINATION: dis".to_owned())
    );
    let info = local(&cluster, "n2", "dis");
    assert_eq!(info["disabled"], true, "{info}");
    assert_eq!(info["statename"], "STOPPED", "{info}");
    assert_eq!(
        fault(&cluster, "n2", "supervisor.startProcess", &[s("dis")]),
        (103, "DISABLED: dis".to_owned())
    );
    assert_eq!(
        disabilities(&cluster, "n2"),
        serde_json::json!({"dis": true, "other": false})
    );
    // n1 publishes n2's disability (the full local info of n2's process).
    let disability = |h: &str, b: &Json| {
        h == "event" && b["name"] == "dis" && b["identifier"] == "n2" && b["disabled"] == true
    };
    assert!(events.wait(PATIENCE, disability), "{:?}", events.events());
    // Local only: the other instances keep theirs running and enabled.
    let info = local(&cluster, "n1", "dis");
    assert_eq!(
        (&info["disabled"], &info["statename"]),
        (&Json::Bool(false), &Json::from("RUNNING"))
    );
    // Without wait, the answer comes at once and the stop follows.
    let disabled = cluster.must("n3", "supvisors.disable", &[s("dis"), Value::Bool(false)]);
    assert_eq!(disabled, Json::Bool(true));
    wait_local(&cluster, "n3", "dis", "STOPPED");
    assert_eq!(local(&cluster, "n3", "dis")["disabled"], true);
    // The last copy: once stopped, it runs nowhere and the wait ends well.
    let disabled = cluster.must("n1", "supvisors.disable", &[s("dis"), Value::Bool(true)]);
    assert_eq!(disabled, Json::Bool(true));
    assert_eq!(local(&cluster, "n1", "dis")["statename"], "STOPPED");

    // The disabilities file is read again at start: autostart does not apply.
    cluster.restart("n2");
    cluster.wait_state("n2", "OPERATION", PATIENCE);
    let info = local(&cluster, "n2", "dis");
    assert_eq!(info["disabled"], true, "{info}");
    assert_eq!(info["statename"], "STOPPED", "{info}");
    assert_eq!(
        fault(&cluster, "n2", "supervisor.startProcess", &[s("dis")]).0,
        103
    );

    // Enabling makes it startable again, and autostart applies.
    let enabled = cluster.must("n2", "supvisors.enable", &[s("dis"), Value::Bool(true)]);
    assert_eq!(enabled, Json::Bool(true));
    assert_eq!(local(&cluster, "n2", "dis")["disabled"], false);
    wait_local(&cluster, "n2", "dis", "RUNNING");
    assert_eq!(
        disabilities(&cluster, "n2"),
        serde_json::json!({"dis": false, "other": false})
    );
    let enabled = cluster.must("n3", "supvisors.enable", &[s("dis"), Value::Bool(false)]);
    assert_eq!(enabled, Json::Bool(true));
    wait_local(&cluster, "n3", "dis", "RUNNING");
    assert_eq!(local(&cluster, "n3", "dis")["disabled"], false);

    for method in ["supvisors.enable", "supvisors.disable"] {
        assert_eq!(
            fault(&cluster, "n1", method, &[s("nope")]),
            (10, "BAD_NAME: program nope unknown to Supvisors".to_owned())
        );
    }
}

/// The namespecs of application `np` known to the Supvisors of `on`.
fn known(cluster: &Cluster, on: &str) -> Vec<String> {
    known_in(cluster, on, "np")
}

/// The namespecs of application `app` known to the Supvisors of `on`.
fn known_in(cluster: &Cluster, on: &str, app: &str) -> Vec<String> {
    let all = cluster.must(on, "supvisors.get_all_process_info", &[]);
    all.as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["application_name"] == app)
        .filter_map(|p| p["process_name"].as_str().map(|n| format!("{app}:{n}")))
        .collect()
}

fn identifiers(cluster: &Cluster, on: &str, namespec: &str) -> Vec<String> {
    let list = cluster.must(on, "supvisors.get_process_info", &[s(namespec)]);
    let mut ids: Vec<String> = list[0]["identifiers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn update_numprocs_up_and_down() {
    let _turn = turn();
    let sections = format!(
        "[program:np]\ncommand={LOOP}\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)d\n\
         autostart=true\nstartsecs=1\nstopasgroup=true\n\n\
         [program:nq]\ncommand={LOOP}\nnumprocs=3\nprocess_name=%(program_name)s_%(process_num)d\n\
         autostart=false\nstartsecs=1\nstopasgroup=true\n\n\
         [program:single]\ncommand={LOOP}\nautostart=false\n"
    );
    let cluster = Cluster::start(subject(), spec(&sections));
    let events = EventLog::subscribe(cluster.instance("n1").ports.event);
    assert!(events.wait_connected(PATIENCE), "no event from n1");
    cluster.wait_all_state("OPERATION", PATIENCE);
    for id in IDS {
        wait_local(&cluster, id, "np:np_1", "RUNNING");
    }
    assert_eq!(known(&cluster, "n1"), ["np:np_0", "np:np_1"]);

    let up = cluster.must(
        "n2",
        "supvisors.update_numprocs",
        &[s("np"), Value::Int(4), Value::Bool(true)],
    );
    assert_eq!(up, Json::Bool(true));
    assert_eq!(
        known(&cluster, "n2"),
        ["np:np_0", "np:np_1", "np:np_2", "np:np_3"]
    );
    assert_eq!(local(&cluster, "n2", "np:np_3")["name"], "np_3");
    for id in ["n1", "n3"] {
        cluster.wait_until(PATIENCE, &format!("np:np_3 known to {id}"), |c| {
            known(c, id).len() == 4
        });
        // Only n2's configuration changed.
        let (code, _) = fault(
            &cluster,
            id,
            "supvisors.get_local_process_info",
            &[s("np:np_3")],
        );
        assert_eq!(code, 10);
    }
    let same = cluster.must("n2", "supvisors.update_numprocs", &[s("np"), Value::Int(4)]);
    assert_eq!(same, Json::Bool(true));

    // Added processes are spawned by Supervisor's autostart.
    wait_local(&cluster, "n2", "np:np_3", "RUNNING");

    // np_1 is stopped here but still runs on n1 and n3: the reference keeps it and says so.
    assert_eq!(
        fault(
            &cluster,
            "n2",
            "supvisors.update_numprocs",
            &[s("np"), Value::Int(1), Value::Bool(true)]
        ),
        (40, "ABNORMAL_TERMINATION: np:np_1".to_owned())
    );
    for ns in ["np:np_2", "np:np_3"] {
        let (code, _) = fault(&cluster, "n2", "supvisors.get_local_process_info", &[s(ns)]);
        assert_eq!(code, 10, "{ns} removed from n2's Supervisor");
    }
    assert_eq!(local(&cluster, "n2", "np:np_0")["statename"], "RUNNING");
    assert_eq!(local(&cluster, "n2", "np:np_1")["statename"], "STOPPED");
    for id in IDS {
        // Processes configured nowhere else are DELETED; np_1 stays, without n2.
        cluster.wait_until(
            PATIENCE,
            &format!("np:np_2 and np:np_3 deleted on {id}"),
            |c| known(c, id) == ["np:np_0", "np:np_1"],
        );
        cluster.wait_until(
            PATIENCE,
            &format!("np:np_1 running without n2 for {id}"),
            |c| identifiers(c, id, "np:np_1") == ["n1", "n3"],
        );
    }

    // n1 publishes the removal on n2, then the deletion of what no instance defines.
    let removed = |h: &str, b: &Json| {
        h == "event" && b["name"] == "np_3" && b["state"] == -1 && b["identifier"] == "n2"
    };
    assert!(events.wait(PATIENCE, removed), "{:?}", events.events());
    let deleted = |h: &str, b: &Json| {
        h == "process"
            && b["process_name"] == "np_3"
            && b["statecode"] == -1
            && b["statename"] == "DELETED"
    };
    assert!(events.wait(PATIENCE, deleted), "{:?}", events.events());
    let kept = |h: &str, b: &Json| {
        h == "process" && b["process_name"] == "np_1" && b["statename"] == "DELETED"
    };
    assert!(
        !events.events().iter().any(|(h, b)| kept(h, b)),
        "np_1 is not deleted"
    );

    // A decrease whose stopped processes run nowhere else ends well.
    cluster.must("n2", "supervisor.startProcess", &[s("nq:nq_2")]);
    let down = cluster.must(
        "n2",
        "supvisors.update_numprocs",
        &[s("nq"), Value::Int(1), Value::Bool(true)],
    );
    assert_eq!(down, Json::Bool(true));
    for ns in ["nq:nq_1", "nq:nq_2"] {
        let (code, _) = fault(&cluster, "n2", "supvisors.get_local_process_info", &[s(ns)]);
        assert_eq!(code, 10, "{ns} removed from n2's Supervisor");
        // Still configured on n1: known there, running nowhere.
        assert_eq!(identifiers(&cluster, "n1", ns), Vec::<String>::new());
    }
    // An increase without wait answers at once; the others learn the new process later.
    let up = cluster.must(
        "n3",
        "supvisors.update_numprocs",
        &[s("nq"), Value::Int(4), Value::Bool(false)],
    );
    assert_eq!(up, Json::Bool(true));
    cluster.wait_until(PATIENCE, "nq:nq_3 known to n1", |c| {
        known_in(c, "n1", "nq").contains(&"nq:nq_3".to_owned())
    });

    let (code, string) = fault(
        &cluster,
        "n1",
        "supvisors.update_numprocs",
        &[s("single"), Value::Int(2)],
    );
    assert_eq!(code, 100, "{string}");
    assert!(
        string.starts_with("SUPVISORS_CONF_ERROR: numprocs not applicable: "),
        "{string}"
    );
    for bad in [Value::Int(0), s("x")] {
        let (code, string) = fault(&cluster, "n1", "supvisors.update_numprocs", &[s("np"), bad]);
        assert_eq!(code, 2, "{string}");
        assert!(
            string.starts_with("INCORRECT_PARAMETERS: incorrect value for numprocs: "),
            "{string}"
        );
    }
    assert_eq!(
        fault(
            &cluster,
            "n1",
            "supvisors.update_numprocs",
            &[s("nope"), Value::Int(2)]
        ),
        (10, "BAD_NAME: program nope unknown to Supvisors".to_owned())
    );
}
