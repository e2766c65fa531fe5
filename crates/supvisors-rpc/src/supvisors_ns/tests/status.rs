//! Status methods (§1.7.1), guards (§1.3), introspection (§1.2) and arity.

use super::*;
use crate::dispatch::Dispatcher;

const FROM_DEPLOYMENT: &str = "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state \
     ['DEPLOYMENT', 'OPERATION', 'CONCILIATION', 'RESTARTING', 'SHUTTING_DOWN'] to perform request";
const OPERATION: &str = "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state \
     ['OPERATION'] to perform request";
const OPERATION_CONCILIATION: &str = "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not \
     in state ['OPERATION', 'CONCILIATION'] to perform request";
const CONCILIATION: &str = "BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state \
     ['CONCILIATION'] to perform request";

#[test]
fn unguarded_status_methods_answer_during_initialization() {
    let fake = initializing();
    assert_eq!(call(&fake, "get_api_version", vec![]), Ok(s("0.15")));
    assert_eq!(call(&fake, "get_master_identifier", vec![]), Ok(s("")));
    let state = call(&fake, "get_supvisors_state", vec![]).unwrap();
    assert_eq!(
        keys(&state),
        [
            "fsm_statecode",
            "fsm_statename",
            "starting_jobs",
            "stopping_jobs"
        ]
    );
    assert_eq!(state.member("fsm_statecode"), Some(&Value::Int(1)));
    assert_eq!(state.member("fsm_statename"), Some(&s("INITIALIZATION")));
    assert_eq!(state.member("starting_jobs"), Some(&Value::Array(vec![])));
    let strategies = call(&fake, "get_strategies", vec![]).unwrap();
    assert_eq!(
        strategies,
        Value::structure([
            ("auto-fencing", Value::Bool(false)),
            ("starting", s("CONFIG")),
            ("conciliation", s("USER")),
        ])
    );
    let info = call(&fake, "get_instance_info", vec![s("b")]).unwrap();
    assert_eq!(
        keys(&info),
        [
            "identifier",
            "node_name",
            "port",
            "statecode",
            "statename",
            "sequence_counter",
            "remote_time",
            "local_time",
            "loading",
            "fsm_statecode",
            "fsm_statename",
            "starting_jobs",
            "stopping_jobs"
        ]
    );
    assert_eq!(info.member("starting_jobs"), Some(&Value::Bool(false)));
}

#[test]
fn every_guard_message_is_the_reference_text() {
    let fake = initializing();
    let cases: &[(&str, Vec<Value>, &str)] = &[
        ("get_application_info", vec![s("app")], FROM_DEPLOYMENT),
        ("get_all_applications_info", vec![], FROM_DEPLOYMENT),
        ("get_application_rules", vec![s("app")], FROM_DEPLOYMENT),
        ("get_process_info", vec![s("app:p1")], FROM_DEPLOYMENT),
        ("get_all_process_info", vec![], FROM_DEPLOYMENT),
        ("get_process_rules", vec![s("app:p1")], FROM_DEPLOYMENT),
        ("get_conflicts", vec![], FROM_DEPLOYMENT),
        ("restart", vec![], FROM_DEPLOYMENT),
        ("shutdown", vec![], FROM_DEPLOYMENT),
        ("start_application", vec![s("CONFIG"), s("app")], OPERATION),
        (
            "restart_application",
            vec![s("CONFIG"), s("app")],
            OPERATION,
        ),
        ("start_process", vec![s("CONFIG"), s("app:p1")], OPERATION),
        ("start_any_process", vec![s("CONFIG"), s("p")], OPERATION),
        ("restart_process", vec![s("CONFIG"), s("app:p1")], OPERATION),
        ("update_numprocs", vec![s("p1"), Value::Int(2)], OPERATION),
        ("enable", vec![s("p1")], OPERATION),
        ("disable", vec![s("p1")], OPERATION),
        ("restart_sequence", vec![], OPERATION),
        ("stop_application", vec![s("app")], OPERATION_CONCILIATION),
        ("stop_process", vec![s("app:p1")], OPERATION_CONCILIATION),
        ("conciliate", vec![s("USER")], CONCILIATION),
    ];
    for (method, params, text) in cases {
        assert_eq!(fault(&fake, method, params.clone(), 101), *text, "{method}");
    }
    assert!(fake.calls().is_empty(), "nothing reached the backend");
}

#[test]
fn guard_comes_before_the_argument_checks() {
    let fake = initializing();
    // bad strategy, unknown names, unknown program: the state is reported first
    let text = fault(&fake, "start_process", vec![s("FOO"), s("zz:zz")], 101);
    assert_eq!(text, OPERATION);
    let text = fault(&fake, "update_numprocs", vec![s("zz"), s("x")], 101);
    assert_eq!(text, OPERATION);
    let text = fault(&fake, "conciliate", vec![Value::Int(9)], 101);
    assert_eq!(text, CONCILIATION);
}

#[test]
fn unknown_instance_is_incorrect_parameters() {
    let fake = initializing();
    let text = fault(&fake, "get_instance_info", vec![s("zz")], 2);
    assert_eq!(text, "INCORRECT_PARAMETERS: zz unknown to Supvisors");
    let text = fault(&fake, "get_instance_info", vec![Value::Int(5)], 2);
    assert_eq!(text, "INCORRECT_PARAMETERS: 5 unknown to Supvisors");
}

#[test]
fn instances_are_sorted_and_times_are_capped_ints() {
    let fake = operating();
    let all = call(&fake, "get_all_instances_info", vec![]).unwrap();
    let all = all.as_array().unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|i| i.member("identifier").cloned())
        .collect();
    assert_eq!(ids, [Some(s("a")), Some(s("b")), Some(s("c"))]);
    let b = &all[1];
    assert_eq!(b.member("statename"), Some(&s("RUNNING")));
    assert_eq!(b.member("sequence_counter"), Some(&Value::Int(3)));
    assert_eq!(b.member("remote_time"), Some(&Value::Int(16)));
    assert!(matches!(b.member("local_time"), Some(Value::Int(_))));
    assert_eq!(call(&fake, "get_master_identifier", vec![]), Ok(s("a")));
}

#[test]
fn application_info_and_rules_in_reference_order() {
    let fake = operating();
    let info = call(&fake, "get_application_info", vec![s("app")]).unwrap();
    assert_eq!(
        info,
        Value::structure([
            ("application_name", s("app")),
            ("managed", Value::Bool(true)),
            ("statecode", Value::Int(0)),
            ("statename", s("STOPPED")),
            ("major_failure", Value::Bool(false)),
            ("minor_failure", Value::Bool(false)),
        ])
    );
    let all = call(&fake, "get_all_applications_info", vec![]).unwrap();
    let names: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.member("application_name").cloned())
        .collect();
    assert_eq!(names, [Some(s("app")), Some(s("tools"))]);
    let rules = call(&fake, "get_application_rules", vec![s("app")]).unwrap();
    assert_eq!(
        rules,
        Value::structure([
            ("managed", Value::Bool(true)),
            ("distribution", s("ALL_INSTANCES")),
            ("identifiers", Value::Array(vec![s("*")])),
            ("start_sequence", Value::Int(0)),
            ("stop_sequence", Value::Int(2)),
            ("starting_strategy", s("CONFIG")),
            ("starting_failure_strategy", s("ABORT")),
            ("running_failure_strategy", s("CONTINUE")),
            ("application_name", s("app")),
        ])
    );
    let unmanaged = call(&fake, "get_application_rules", vec![s("tools")]).unwrap();
    assert_eq!(
        unmanaged,
        Value::structure([
            ("managed", Value::Bool(false)),
            ("application_name", s("tools"))
        ])
    );
    for method in ["get_application_info", "get_application_rules"] {
        let text = fault(&fake, method, vec![s("zz")], 10);
        assert_eq!(text, "BAD_NAME: application zz unknown to Supvisors");
    }
}

#[test]
fn process_info_and_rules_are_lists() {
    let fake = operating();
    let one = call(&fake, "get_process_info", vec![s("app:p1")]).unwrap();
    let one = one.as_array().unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(
        keys(&one[0]),
        [
            "application_name",
            "process_name",
            "statecode",
            "statename",
            "expected_exit",
            "last_event_time",
            "identifiers",
            "extra_args"
        ]
    );
    assert_eq!(one[0].member("statename"), Some(&s("STOPPED")));
    assert!(matches!(
        one[0].member("last_event_time"),
        Some(Value::Double(_))
    ));
    for namespec in ["app:*", "app:"] {
        let all = call(&fake, "get_process_info", vec![s(namespec)]).unwrap();
        assert_eq!(all.as_array().map(<[Value]>::len), Some(2), "{namespec}");
    }
    let text = fault(&fake, "get_process_info", vec![s("t1")], 10);
    assert_eq!(text, "BAD_NAME: application t1 unknown to Supvisors");
    let all = call(&fake, "get_all_process_info", vec![]).unwrap();
    assert_eq!(all.as_array().map(<[Value]>::len), Some(3));
    let rules = call(&fake, "get_process_rules", vec![s("app:p1")]).unwrap();
    assert_eq!(
        rules,
        Value::Array(vec![Value::structure([
            ("identifiers", Value::Array(vec![s("*")])),
            ("start_sequence", Value::Int(1)),
            ("stop_sequence", Value::Int(1)),
            ("required", Value::Bool(true)),
            ("wait_exit", Value::Bool(false)),
            ("expected_loading", Value::Int(5)),
            ("starting_failure_strategy", s("ABORT")),
            ("running_failure_strategy", s("CONTINUE")),
            ("application_name", s("app")),
            ("process_name", s("p1")),
        ])])
    );
    let text = fault(&fake, "get_process_rules", vec![s("app:zz")], 10);
    assert_eq!(text, "BAD_NAME: process=zz unknown in application=app");
    assert_eq!(
        call(&fake, "get_conflicts", vec![]),
        Ok(Value::Array(vec![]))
    );
}

#[test]
fn wrong_arity_is_a_bare_incorrect_parameters() {
    let fake = operating();
    let cases: &[(&str, usize)] = &[
        ("get_api_version", 1),
        ("get_instance_info", 0),
        ("get_instance_info", 2),
        ("start_args", 1),
        ("start_process", 1),
        ("start_process", 5),
        ("update_numprocs", 4),
        ("restart_sequence", 2),
        ("conciliate", 0),
    ];
    for (method, n) in cases {
        let params = vec![s("x"); *n];
        assert_eq!(
            fault(&fake, method, params, 2),
            "INCORRECT_PARAMETERS",
            "{method}/{n}"
        );
    }
    assert!(fake.calls().is_empty());
}

#[test]
fn introspection_lists_the_31_methods_with_their_signatures() {
    let fake = operating();
    let dispatcher = Dispatcher::new().with(Arc::new(namespace(&fake)));
    let names: Vec<String> = dispatcher
        .list_methods()
        .into_iter()
        .filter_map(|n| n.strip_prefix("supvisors.").map(str::to_owned))
        .collect();
    assert_eq!(names.len(), 31);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for name in &names {
        assert!(Guard::of_method(name).is_some(), "{name} has a guard");
    }
    let signature = |name: &str| {
        let call = dispatcher.call(
            "system.methodSignature",
            vec![s(&format!("supvisors.{name}"))],
        );
        match run(call) {
            Ok(Ok(Value::Array(types))) => types
                .iter()
                .map(|t| t.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>(),
            other => panic!("{name}: {other:?}"),
        }
    };
    assert_eq!(signature("change_log_level"), ["bool", "Union[str, int]"]);
    assert_eq!(signature("conciliate"), ["bool", "ConciliationStrategies"]);
    assert_eq!(
        signature("start_any_process"),
        ["str", "StartingStrategies", "str", "str", "bool"]
    );
    assert_eq!(signature("update_numprocs"), ["bool", "str", "int", "bool"]);
    assert_eq!(
        signature("get_process_rules"),
        ["list[dict[str, Any]]", "str"]
    );
    assert_eq!(signature("get_supvisors_state"), ["dict[str, Any]"]);
    assert_eq!(signature("restart_sequence"), ["bool", "bool"]);
    let help = run(dispatcher.call("system.methodHelp", vec![s("supvisors.start_args")]));
    match help {
        Ok(Ok(Value::String(text))) => assert!(text.contains(":param str extra_args:")),
        other => panic!("{other:?}"),
    }
    // 0.15 lists typing aliases too; they were never callable and are not listed here
    let hidden = run(dispatcher.call("supvisors.get_logger_levels", vec![]));
    assert_eq!(hidden.map(|r| r.map_err(|f| f.code)), Ok(Err(1)));
}
