//! Commands (§1.7.2–1.7.14): conversions, check order, the `Command` values reaching the
//! engine, immediate and deferred replies.

use supvisors_core::enums::ConciliationStrategies;

use super::*;

const STARTING_NAMES: &str =
    "['CONFIG', 'LESS_LOADED', 'MOST_LOADED', 'LOCAL', 'LESS_LOADED_NODE', 'MOST_LOADED_NODE']";

fn commands(fake: &Fake) -> Vec<Command> {
    fake.calls()
        .into_iter()
        .filter_map(|c| match c {
            Call::Command(cmd) => Some(cmd),
            _ => None,
        })
        .collect()
}

/// `operating()` with app:p1 running on both a and b: a conflict, hence CONCILIATION (USER).
fn conciliating() -> Arc<Fake> {
    let fake = operating();
    for id in ["a", "b"] {
        fake.event(id, "app:p1", ProcessStates::Starting);
        fake.event(id, "app:p1", ProcessStates::Running);
    }
    for id in ["b", "c", "a"] {
        let tick = TickPayload {
            when: 30.0,
            sequence_counter: 4,
            status: None,
        };
        fake.feed(Input::Peer {
            from: id.into(),
            msg: InternalMessage::Tick(tick),
        });
    }
    assert_eq!(fake.engine().state(), SupvisorsStates::Conciliation);
    fake
}

#[test]
fn starting_strategy_faults_are_the_reference_texts() {
    let fake = operating();
    let text = fault(&fake, "start_application", vec![s("FOO"), s("app")], 2);
    assert_eq!(
        text,
        format!(
            "INCORRECT_PARAMETERS: invalid <enum 'StartingStrategies'>: FOO (string expected in \
             {STARTING_NAMES})"
        )
    );
    let text = fault(&fake, "start_process", vec![Value::Int(9), s("app:p1")], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: incorrect strategy: 9 (integer expected in [0, 1, 2, 3, 4, 5]"
    );
    let text = fault(
        &fake,
        "restart_process",
        vec![Value::Double(1.5), s("app:p1")],
        2,
    );
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid <enum 'StartingStrategies'>: 1.5 (string or integer \
         expected)"
    );
    let text = fault(
        &fake,
        "start_any_process",
        vec![Value::Bool(true), s("p")],
        2,
    );
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid <enum 'StartingStrategies'>: True (string or integer \
         expected)"
    );
    // names are case-sensitive
    let text = fault(&fake, "restart_application", vec![s("config"), s("app")], 2);
    assert!(text.contains(": config (string expected in"), "{text}");
    // the strategy is checked before the name
    fault(&fake, "start_application", vec![s("FOO"), s("zz")], 2);
    assert!(commands(&fake).is_empty());
}

#[test]
fn conciliation_strategy_faults_and_results() {
    let fake = conciliating();
    let text = fault(&fake, "conciliate", vec![s("FOO")], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid <enum 'ConciliationStrategies'>: FOO (string expected in \
         ['SENICIDE', 'INFANTICIDE', 'USER', 'STOP', 'RESTART', 'RUNNING_FAILURE'])"
    );
    let text = fault(&fake, "conciliate", vec![Value::Int(12)], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: incorrect strategy: 12 (integer expected in [0, 1, 2, 3, 4, 5]"
    );
    assert_eq!(
        call(&fake, "conciliate", vec![s("USER")]),
        Ok(Value::Bool(false))
    );
    assert_eq!(
        call(&fake, "conciliate", vec![Value::Int(3)]),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        commands(&fake),
        [
            Command::Conciliate(ConciliationStrategies::User),
            Command::Conciliate(ConciliationStrategies::Stop),
        ]
    );
    // stop_process is allowed in CONCILIATION, start_process is not
    fault(&fake, "start_process", vec![s("CONFIG"), s("app:p2")], 101);
}

#[test]
fn log_level_conversion() {
    let fake = initializing();
    assert_eq!(
        call(&fake, "change_log_level", vec![s("debug")]),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        call(&fake, "change_log_level", vec![Value::Int(3)]),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        fake.calls(),
        [
            Call::LogLevel(LogLevel::Debug),
            Call::LogLevel(LogLevel::Blather)
        ]
    );
    let text = fault(&fake, "change_log_level", vec![s("serious")], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid logger level: serious (string expected in ['critical', \
         'error', 'warn', 'info', 'debug', 'trace', 'blather'])"
    );
    let text = fault(&fake, "change_log_level", vec![s("DEBUG")], 2);
    assert!(text.starts_with("INCORRECT_PARAMETERS: invalid logger level: DEBUG (string"));
    let text = fault(&fake, "change_log_level", vec![Value::Int(0)], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid logger level: 0 (integer expected in [50, 40, 30, 20, 10, \
         5, 3])"
    );
    let text = fault(&fake, "change_log_level", vec![Value::Double(1.0)], 2);
    assert_eq!(
        text,
        "INCORRECT_PARAMETERS: invalid logger level: 1.0 (string or integer expected)"
    );
    assert_eq!(
        fake.calls().len(),
        2,
        "refused levels never reach the backend"
    );
}

#[test]
fn application_commands_reach_the_engine_with_their_values() {
    let fake = operating();
    let text = fault(&fake, "start_application", vec![s("CONFIG"), s("zz")], 10);
    assert_eq!(text, "BAD_NAME: zz");
    let text = fault(
        &fake,
        "start_application",
        vec![s("CONFIG"), s("tools")],
        102,
    );
    assert_eq!(text, "NOT_MANAGED: tools");
    let text = fault(&fake, "stop_application", vec![s("app")], 70);
    assert_eq!(text, "NOT_RUNNING: app");
    let text = fault(&fake, "restart_application", vec![s("LOCAL"), s("zz")], 10);
    assert_eq!(text, "BAD_NAME: application zz unknown to Supvisors");
    let started = call(
        &fake,
        "start_application",
        vec![Value::Int(1), s("app"), Value::Bool(false)],
    );
    assert_eq!(started, Ok(Value::Bool(true)));
    let (target, namespec) = fake.starts.lock().unwrap()[0].clone();
    assert_eq!(namespec, "app:p1", "the only process of the start sequence");
    fake.event(&target, "app:p1", ProcessStates::Starting);
    let text = fault(&fake, "start_application", vec![s("CONFIG"), s("app")], 60);
    assert_eq!(text, "ALREADY_STARTED: app");
    let cmds = commands(&fake);
    assert!(cmds.contains(&Command::StartApplication {
        strategy: StartingStrategies::LessLoaded,
        application: "app".into(),
        wait: false,
    }));
    assert_eq!(
        cmds.last(),
        Some(&Command::StartApplication {
            strategy: StartingStrategies::Config,
            application: "app".into(),
            wait: true,
        })
    );
    assert!(cmds.contains(&Command::RestartApplication {
        strategy: StartingStrategies::Local,
        application: "zz".into(),
        wait: true,
    }));
    assert!(cmds.contains(&Command::StopApplication {
        application: "app".into(),
        wait: true,
    }));
}

#[test]
fn wait_follows_python_truthiness() {
    let fake = operating();
    let falsy = [
        Value::Bool(false),
        Value::Int(0),
        s(""),
        Value::Array(vec![]),
        Value::Struct(vec![]),
    ];
    for wait in falsy {
        let r = call(&fake, "restart_sequence", vec![wait.clone()]);
        assert_eq!(r, Ok(Value::Bool(true)), "{wait:?}");
    }
    let truthy = [s("0"), Value::Int(2), Value::Array(vec![Value::Int(0)])];
    for wait in &truthy {
        // a stop on an unknown name fails before waiting; its Command shows the flag
        fault(&fake, "stop_process", vec![s("zz:zz"), wait.clone()], 10);
    }
    let cmds = commands(&fake);
    let waits: Vec<bool> = cmds
        .iter()
        .map(|c| match c {
            Command::RestartSequence { wait } | Command::StopProcess { wait, .. } => *wait,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(waits, [false, false, false, false, false, true, true, true]);
}

#[test]
fn start_process_waits_for_the_engine_reply() {
    let fake = operating();
    let ns = namespace(&fake);
    let mut pending = ns.call("start_process", vec![s("CONFIG"), s("app:p2")]);
    assert!(
        (&mut pending).now_or_never().is_none(),
        "deferred until started"
    );
    assert_eq!(
        commands(&fake),
        [Command::StartProcess {
            strategy: StartingStrategies::Config,
            namespec: "app:p2".into(),
            extra_args: String::new(),
            wait: true,
        }]
    );
    let starts = fake.starts.lock().unwrap().clone();
    let (target, namespec) = starts.first().cloned().unwrap();
    assert_eq!(namespec, "app:p2");
    fake.event(&target, "app:p2", ProcessStates::Starting);
    fake.event(&target, "app:p2", ProcessStates::Running);
    assert_eq!(pending.now_or_never(), Some(Ok(Value::Bool(true))));
    let text = fault(&fake, "start_process", vec![s("CONFIG"), s("app:*")], 60);
    assert_eq!(text, "ALREADY_STARTED: app:p2");
}

#[test]
fn process_commands_without_wait() {
    let fake = operating();
    let r = call(
        &fake,
        "start_process",
        vec![s("CONFIG"), s("app:p1"), s("-v"), Value::Bool(false)],
    );
    assert_eq!(r, Ok(Value::Bool(true)));
    let r = call(
        &fake,
        "start_any_process",
        vec![s("CONFIG"), s("t[0-9]"), s(""), Value::Int(0)],
    );
    assert_eq!(r, Ok(s("tools:t1")), "a search in the namespecs");
    let text = fault(&fake, "start_any_process", vec![s("CONFIG"), s("zz")], 10);
    assert_eq!(text, "BAD_NAME: no candidate process matching \"zz\"");
    let text = fault(&fake, "stop_process", vec![s("tools:t1")], 70);
    assert_eq!(text, "NOT_RUNNING: tools:t1");
    let text = fault(&fake, "restart_process", vec![s("CONFIG"), s("app:zz")], 10);
    assert_eq!(text, "BAD_NAME: process=zz unknown in application=app");
    let cmds = commands(&fake);
    assert_eq!(
        cmds[..2],
        [
            Command::StartProcess {
                strategy: StartingStrategies::Config,
                namespec: "app:p1".into(),
                extra_args: "-v".into(),
                wait: false,
            },
            Command::StartAnyProcess {
                strategy: StartingStrategies::Config,
                regex: "t[0-9]".into(),
                extra_args: String::new(),
                wait: false,
            },
        ]
    );
}

#[test]
fn restart_and_shutdown_are_commands() {
    let fake = operating();
    assert_eq!(call(&fake, "restart", vec![]), Ok(Value::Bool(true)));
    assert_eq!(commands(&fake), [Command::Restart]);
    let fake = operating();
    assert_eq!(call(&fake, "shutdown", vec![]), Ok(Value::Bool(true)));
    assert_eq!(commands(&fake), [Command::Shutdown]);
}

#[test]
fn program_methods_check_the_program_then_the_value() {
    let fake = operating();
    let text = fault(&fake, "update_numprocs", vec![s("zz"), s("x")], 10);
    assert_eq!(text, "BAD_NAME: program zz unknown to Supvisors");
    for (value, shown) in [
        (s("x"), "x"),
        (Value::Int(0), "0"),
        (s("-2"), "-2"),
        (s("2.5"), "2.5"),
    ] {
        let text = fault(&fake, "update_numprocs", vec![s("p1"), value], 2);
        assert_eq!(
            text,
            format!(
                "INCORRECT_PARAMETERS: incorrect value for numprocs: {shown} (integer > 0 \
                 expected)"
            )
        );
    }
    fault(&fake, "update_numprocs", vec![s("p1"), Value::Nil], 2);
    assert!(fake.calls().is_empty());
    let r = call(&fake, "update_numprocs", vec![s("p1"), s(" 3 ")]);
    assert_eq!(r, Ok(Value::Bool(true)));
    let r = call(
        &fake,
        "update_numprocs",
        vec![s("t1"), Value::Double(2.9), Value::Int(0)],
    );
    assert_eq!(r, Ok(Value::Bool(true)));
    for method in ["enable", "disable"] {
        let text = fault(&fake, method, vec![s("zz")], 10);
        assert_eq!(text, "BAD_NAME: program zz unknown to Supvisors");
        assert_eq!(call(&fake, method, vec![s("p2")]), Ok(Value::Bool(true)));
        assert_eq!(
            call(&fake, method, vec![s("p2"), Value::Bool(false)]),
            Ok(Value::Bool(true))
        );
    }
    assert_eq!(
        fake.calls(),
        [
            Call::UpdateNumprocs("p1".into(), 3, true),
            Call::UpdateNumprocs("t1".into(), 2, false),
            Call::Enable("p2".into(), true),
            Call::Enable("p2".into(), false),
            Call::Disable("p2".into(), true),
            Call::Disable("p2".into(), false),
        ]
    );
    *fake.answer.lock().unwrap() = Err(Fault::new(
        FaultCode::SupvisorsConfError,
        Some("numprocs not applicable: no %(process_num) in process_name"),
    ));
    let text = fault(&fake, "update_numprocs", vec![s("p1"), Value::Int(4)], 100);
    assert_eq!(
        text,
        "SUPVISORS_CONF_ERROR: numprocs not applicable: no %(process_num) in process_name"
    );
}
