//! Extra arguments on the child's command line, return values with and without wait, and the
//! faults of the start/stop requests (§1.7 of the interfaces spec), in OPERATION and in
//! INITIALIZATION. The three instances share node 127.0.0.1 here (the loads stay within its
//! 100 % cap), so `CLUSTER_SUBJECT=python` runs these tests on Python Supvisors 0.15 too.

use std::time::{Duration, Instant};

use serde_json::Value as Json;
use supvisors_rpc::Value;
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject};
use supvisors_tests::xmlrpc::{CallError, s};

use super::{IDS, PATIENCE, loaded_cluster, placed, start_process, stop, turn};

/// The command line of the local process `namespec` of instance `on`, from `/proc`.
fn cmdline(cluster: &Cluster, on: &str, namespec: &str) -> Vec<String> {
    let info = cluster.must(on, "supvisors.get_local_process_info", &[s(namespec)]);
    let pid = info["pid"].as_i64().unwrap_or(0);
    assert!(pid > 0, "{namespec} has no pid on {on}: {info}");
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    raw.split(|b| *b == 0)
        .filter(|arg| !arg.is_empty())
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .collect()
}

/// The arguments after the `--` that ends the program's own command.
fn extra(cluster: &Cluster, on: &str, namespec: &str) -> Vec<String> {
    let args = cmdline(cluster, on, namespec);
    match args.iter().position(|arg| arg == "--") {
        Some(at) => args[at + 1..].to_vec(),
        None => panic!("no -- in the command line of {namespec} on {on}: {args:?}"),
    }
}

fn extra_args_seen(cluster: &Cluster, on: &str, namespec: &str) -> Json {
    cluster.must(on, "supvisors.get_process_info", &[s(namespec)])[0]["extra_args"].clone()
}

fn fault(code: i32, string: &str) -> Result<Json, CallError> {
    Err(CallError::Fault {
        code,
        string: string.to_owned(),
    })
}

#[test]
fn extra_args_reach_the_command_line() {
    let _turn = turn();
    let cluster = loaded_cluster("127.0.0.1");
    // Split like the configured command: quotes group words.
    let params = start_process(s("CONFIG"), "probe:t", "-x 2 --name 'a b'", true);
    assert_eq!(
        cluster.must("n1", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    assert_eq!(placed(&cluster, "n1", "probe:t"), ["n2"]);
    assert_eq!(
        extra(&cluster, "n2", "probe:t"),
        ["-x", "2", "--name", "a b"]
    );
    let args = "-x 2 --name 'a b'";
    assert_eq!(extra_args_seen(&cluster, "n1", "probe:t"), args);
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("{args} seen by {id}"), |c| {
            extra_args_seen(c, id, "probe:t") == args
        });
        // Every instance applies the args to its own copy of the program, so that they follow
        // the process wherever it is started next.
        let local = cluster.must(id, "supvisors.get_local_process_info", &[s("probe:t")]);
        assert_eq!(local["extra_args"], args, "local command of {id}");
    }
    // Restarted elsewhere (n1 is the least loaded once the probe is stopped) with other args.
    let params = start_process(s("LESS_LOADED"), "probe:t", "-y 3", true);
    assert_eq!(
        cluster.must("n3", "supvisors.restart_process", &params),
        Json::Bool(true)
    );
    assert_eq!(placed(&cluster, "n3", "probe:t"), ["n1"]);
    assert_eq!(extra(&cluster, "n1", "probe:t"), ["-y", "3"]);
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("-y 3 seen by {id}"), |c| {
            extra_args_seen(c, id, "probe:t") == "-y 3"
        });
    }
    stop(&cluster, "n1", "probe:t");
    // start_args starts the local process, whatever the rules, with its arguments.
    let params = [s("probe:t"), s("-z 9"), Value::Bool(true)];
    assert_eq!(
        cluster.must("n3", "supvisors.start_args", &params),
        Json::Bool(true)
    );
    assert_eq!(extra(&cluster, "n3", "probe:t"), ["-z", "9"]);
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("probe:t on n3 seen by {id}"), |c| {
            placed(c, id, "probe:t") == ["n3"]
        });
    }
    assert_eq!(
        cluster.call("n3", "supvisors.start_args", &params),
        fault(60, "ALREADY_STARTED: probe:t")
    );
    stop(&cluster, "n2", "probe:t");
    // Without wait: the answer comes at once, the process gets RUNNING afterwards.
    let params = start_process(s("CONFIG"), "probe:t", "", false);
    assert_eq!(
        cluster.must("n2", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("probe:t RUNNING seen by {id}"), |c| {
            c.must(id, "supvisors.get_process_info", &[s("probe:t")])[0]["statename"] == "RUNNING"
        });
    }
    // The automatic-looking empty args cleared the previous ones.
    assert_eq!(extra(&cluster, "n2", "probe:t"), Vec::<String>::new());
    stop(&cluster, "n2", "probe:t");
    let params = [s("CONFIG"), s("probe:t"), s("-w 1"), Value::Bool(false)];
    assert_eq!(
        cluster.must("n1", "supvisors.start_any_process", &params),
        "probe:t"
    );
    cluster.wait_until(PATIENCE, "probe:t RUNNING with -w 1", |c| {
        c.must("n1", "supvisors.get_process_info", &[s("probe:t")])[0]["statename"] == "RUNNING"
    });
    assert_eq!(extra(&cluster, "n2", "probe:t"), ["-w", "1"]);
}

#[test]
fn request_faults_in_operation() {
    let _turn = turn();
    let cluster = loaded_cluster("127.0.0.1");
    let yes = Value::Bool(true);
    let strategies = "['CONFIG', 'LESS_LOADED', 'MOST_LOADED', 'LOCAL', 'LESS_LOADED_NODE', \
                      'MOST_LOADED_NODE']";
    let cases: Vec<(&str, Vec<Value>, i32, String)> = vec![
        (
            "supvisors.start_process",
            start_process(s("FOO"), "probe:t", "", true).to_vec(),
            2,
            format!(
                "INCORRECT_PARAMETERS: invalid <enum 'StartingStrategies'>: FOO (string expected in {strategies})"
            ),
        ),
        (
            "supvisors.start_application",
            vec![Value::Int(9), s("probe"), yes.clone()],
            2,
            "INCORRECT_PARAMETERS: incorrect strategy: 9 (integer expected in [0, 1, 2, 3, 4, 5]"
                .into(),
        ),
        (
            "supvisors.start_process",
            start_process(s("CONFIG"), "nope:x", "", true).to_vec(),
            10,
            "BAD_NAME: application nope unknown to Supvisors".into(),
        ),
        (
            "supvisors.start_process",
            start_process(s("CONFIG"), "probe:nope", "", true).to_vec(),
            10,
            "BAD_NAME: process=nope unknown in application=probe".into(),
        ),
        (
            "supvisors.restart_process",
            start_process(s("CONFIG"), "nope:x", "", true).to_vec(),
            10,
            "BAD_NAME: application nope unknown to Supvisors".into(),
        ),
        (
            "supvisors.start_application",
            vec![s("CONFIG"), s("nope"), yes.clone()],
            10,
            "BAD_NAME: nope".into(),
        ),
        (
            "supvisors.start_any_process",
            vec![s("CONFIG"), s("^nothing"), s(""), yes.clone()],
            10,
            "BAD_NAME: no candidate process matching \"^nothing\"".into(),
        ),
        (
            "supvisors.start_args",
            vec![s("probe:nope"), s(""), yes.clone()],
            10,
            "BAD_NAME: process=nope unknown in application=probe".into(),
        ),
        (
            "supvisors.start_application",
            vec![s("CONFIG"), s("loose"), yes.clone()],
            102,
            "NOT_MANAGED: loose".into(),
        ),
        (
            "supvisors.stop_application",
            vec![s("loose"), yes.clone()],
            102,
            "NOT_MANAGED: loose".into(),
        ),
        (
            "supvisors.start_application",
            vec![s("CONFIG"), s("ballast"), yes.clone()],
            60,
            "ALREADY_STARTED: ballast".into(),
        ),
        (
            "supvisors.start_process",
            start_process(s("CONFIG"), "ballast:w2", "", true).to_vec(),
            60,
            "ALREADY_STARTED: ballast:w2".into(),
        ),
        (
            "supvisors.start_process",
            start_process(s("CONFIG"), "ballast:*", "", true).to_vec(),
            60,
            "ALREADY_STARTED: ballast:w1".into(),
        ),
        (
            "supvisors.start_args",
            vec![s("ballast:w1"), s(""), yes.clone()],
            60,
            "ALREADY_STARTED: ballast:w1".into(),
        ),
        (
            "supvisors.stop_process",
            vec![s("probe:t"), yes.clone()],
            70,
            "NOT_RUNNING: probe:t".into(),
        ),
        (
            "supvisors.stop_application",
            vec![s("probe"), yes.clone()],
            70,
            "NOT_RUNNING: probe".into(),
        ),
    ];
    for (method, params, code, string) in cases {
        assert_eq!(
            cluster.call("n1", method, &params),
            fault(code, &string),
            "{method}({params:?})"
        );
    }
    // pin may only run on n1: LOCAL asked to n2 queues nothing.
    let params = start_process(s("LOCAL"), "probe:pin", "", true);
    assert_eq!(
        cluster.call("n2", "supvisors.restart_process", &params),
        fault(40, "ABNORMAL_TERMINATION: failed restarting probe:pin")
    );
    assert_eq!(
        cluster.call("n2", "supvisors.stop_process", &[s("probe:*"), yes.clone()]),
        fault(70, "NOT_RUNNING: probe:*")
    );
    // A start that fails is reported after the wait, not before.
    let params = start_process(s("CONFIG"), "probe:crash", "", true);
    assert_eq!(
        cluster.call("n3", "supvisors.start_process", &params),
        fault(40, "ABNORMAL_TERMINATION: probe:crash")
    );
    assert_eq!(super::statename(&cluster, "n3", "probe:crash"), "FATAL");
    let params = start_process(s("CONFIG"), "probe:crash", "", false);
    assert_eq!(
        cluster.must("n3", "supvisors.start_process", &params),
        Json::Bool(true)
    );
    // start_args propagates Supervisor's NO_FILE, after forcing the process FATAL.
    assert_eq!(
        cluster.call(
            "n3",
            "supvisors.start_args",
            &[s("probe:ghost"), s(""), yes.clone()]
        ),
        fault(20, "NO_FILE: can't find command '/nonexistent/ghost'")
    );
    for id in IDS {
        cluster.wait_until(PATIENCE, &format!("probe:ghost FATAL seen by {id}"), |c| {
            super::statename(c, id, "probe:ghost") == "FATAL"
        });
    }
    // No instance can take the 120 of `huge`: no job, False even with wait, and its
    // processes are marked FATAL. The forced state travels as an event, the asking instance
    // included (as in the reference, where it loops back through its own PUB socket): the
    // answer may come first.
    let params = [s("CONFIG"), s("huge"), yes.clone()];
    assert_eq!(
        cluster.must("n2", "supvisors.start_application", &params),
        Json::Bool(false)
    );
    for id in IDS {
        for namespec in ["huge:h1", "huge:h2"] {
            cluster.wait_until(PATIENCE, &format!("{namespec} FATAL seen by {id}"), |c| {
                super::statename(c, id, namespec) == "FATAL"
            });
        }
    }
    // Nothing was started or stopped by the refused requests.
    super::wait_loads(&cluster, [20, 30, 40]);
    assert_eq!(
        super::statename(&cluster, "n1", "probe:t"),
        "STOPPED",
        "refused requests left probe:t alone"
    );
}

/// n2's configuration is broken, so n1 waits for it (a core instance) in INITIALIZATION
/// until `synchro_timeout`.
#[test]
fn requests_refused_during_initialization() {
    let _turn = turn();
    let mut spec = ClusterSpec::new(&["n1", "n2"])
        .option("core_identifiers", "n1,n2")
        .option("synchro_timeout", "120")
        .option("tick_period", "0.5")
        .option("rules_files", "@DIR@/rules.xml")
        .file("rules.xml", super::RULES)
        .sections(&super::sections());
    spec.instances[1] = spec.instances[1].clone().sections("[program:broken]\n");
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec);
    let deadline = Instant::now() + PATIENCE;
    while cluster.state("n1").is_none() {
        assert!(
            Instant::now() < deadline,
            "n1 never answered\n{}",
            cluster.all_logs()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(cluster.state("n1").as_deref(), Some("INITIALIZATION"));
    let refused = |states: &str| {
        format!(
            "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state {states} to perform request"
        )
    };
    let operation = refused("['OPERATION']");
    let yes = Value::Bool(true);
    let cases: Vec<(&str, Vec<Value>, String)> = vec![
        // The state is checked before the strategy.
        (
            "supvisors.start_process",
            start_process(s("FOO"), "probe:t", "", true).to_vec(),
            operation.clone(),
        ),
        (
            "supvisors.start_application",
            vec![s("CONFIG"), s("probe"), yes.clone()],
            operation.clone(),
        ),
        (
            "supvisors.start_any_process",
            vec![s("CONFIG"), s("probe"), s(""), yes.clone()],
            operation.clone(),
        ),
        (
            "supvisors.restart_process",
            start_process(s("CONFIG"), "probe:t", "", true).to_vec(),
            operation.clone(),
        ),
        (
            "supvisors.stop_process",
            vec![s("probe:t"), yes.clone()],
            refused("['OPERATION', 'CONCILIATION']"),
        ),
        (
            "supvisors.get_process_info",
            vec![s("probe:t")],
            refused("['DEPLOYMENT', 'OPERATION', 'CONCILIATION', 'RESTARTING', 'SHUTTING_DOWN']"),
        ),
    ];
    for (method, params, string) in cases {
        assert_eq!(
            cluster.call("n1", method, &params),
            fault(101, &string),
            "{method}({params:?})"
        );
    }
    assert_eq!(
        cluster.state("n1").as_deref(),
        Some("INITIALIZATION"),
        "n1 left INITIALIZATION during the test: the faults above were not about it"
    );
}
