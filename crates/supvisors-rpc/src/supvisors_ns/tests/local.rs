//! Methods acting on the local Supervisor: `start_args` and the local process information.

use super::*;

#[test]
fn start_args_resolves_in_the_context_then_asks_the_backend() {
    let fake = operating();
    let r = call(
        &fake,
        "start_args",
        vec![s("app:p1"), s("-x 2"), Value::Bool(false)],
    );
    assert_eq!(r, Ok(Value::Bool(true)));
    let r = call(&fake, "start_args", vec![s("t1:t1"), s("")]);
    assert_eq!(
        r.map_err(|f| f.string),
        Err("BAD_NAME: application t1 unknown to Supvisors".to_owned())
    );
    let text = fault(&fake, "start_args", vec![s("app:zz"), s("")], 10);
    assert_eq!(text, "BAD_NAME: process=zz unknown in application=app");
    // one process only: the reference fails with an internal error on `group:*`
    fault(&fake, "start_args", vec![s("app:*"), s("")], 30);
    assert_eq!(
        fake.calls(),
        [Call::StartArgs("app:p1".into(), "-x 2".into(), false)]
    );
    // the backend's faults (local Supervisor) pass through unchanged
    *fake.answer.lock().unwrap() = Err(Fault::new(FaultCode::Disabled, Some("app:p2")));
    let text = fault(&fake, "start_args", vec![s("app:p2"), s("")], 103);
    assert_eq!(text, "DISABLED: app:p2");
    assert_eq!(
        fake.calls().last(),
        Some(&Call::StartArgs("app:p2".into(), String::new(), true))
    );
}

#[test]
fn start_args_has_no_state_guard() {
    let fake = initializing();
    // INITIALIZATION: the names are checked (and unknown), the state is not
    let text = fault(&fake, "start_args", vec![s("app:p1"), s("")], 10);
    assert_eq!(text, "BAD_NAME: application app unknown to Supvisors");
}

#[test]
fn local_process_info_in_reference_order() {
    let fake = initializing();
    let info = call(&fake, "get_local_process_info", vec![s("app:p1")]).unwrap();
    assert_eq!(
        info,
        Value::structure([
            ("name", s("p1")),
            ("group", s("app")),
            ("state", Value::Int(20)),
            ("statename", s("RUNNING")),
            ("start", Value::Int(1_700_000_000)),
            ("stop", Value::Int(0)),
            ("now", Value::Double(1_700_000_062.0)),
            ("pid", Value::Int(1234)),
            ("description", s("pid 1234, uptime 0:01:02")),
            ("spawnerr", s("")),
            ("expected", Value::Bool(true)),
            ("startsecs", Value::Int(1)),
            ("stopwaitsecs", Value::Int(10)),
            ("extra_args", s("-x")),
            ("disabled", Value::Bool(false)),
        ])
    );
    let all = call(&fake, "get_all_local_process_info", vec![]).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].member("statename"), Some(&s("FATAL")));
    assert_eq!(all[1].member("expected"), Some(&Value::Bool(false)));
    assert_eq!(all[1].member("disabled"), Some(&Value::Bool(true)));
    let text = fault(&fake, "get_local_process_info", vec![s("zz")], 10);
    assert_eq!(text, "BAD_NAME: zz");
    assert_eq!(
        fake.calls(),
        [
            Call::LocalInfo(Some("app:p1".into())),
            Call::LocalInfo(None),
            Call::LocalInfo(Some("zz".into())),
        ]
    );
}
