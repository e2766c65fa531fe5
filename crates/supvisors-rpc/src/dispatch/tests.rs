use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// A namespace recording how many calls it ran.
struct Probe {
    calls: AtomicUsize,
}

const PROBE_METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "echo",
        signature: &["string", "string"],
        help: "@param string s\n@return string s",
    },
    MethodInfo {
        name: "fault",
        signature: &["int"],
        help: "@return int x",
    },
    MethodInfo {
        name: "nosig",
        signature: &[],
        help: "no tags",
    },
];

impl Namespace for Probe {
    fn name(&self) -> &str {
        "probe"
    }
    fn methods(&self) -> &[MethodInfo] {
        PROBE_METHODS
    }
    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let method = method.to_owned();
        Box::pin(async move {
            tokio::task::yield_now().await;
            match method.as_str() {
                "echo" => {
                    expect_arity(&params, 1, 0)?;
                    Ok(params.into_iter().next().unwrap_or(Value::Nil))
                }
                "fault" => Err(Fault::new(FaultCode::BadName, Some("x"))),
                _ => Err(Fault::bare(FaultCode::UnknownMethod)),
            }
        })
    }
}

fn dispatcher() -> (Dispatcher, Arc<Probe>) {
    let probe = Arc::new(Probe {
        calls: AtomicUsize::new(0),
    });
    (Dispatcher::new().with(probe.clone()), probe)
}

fn run<T>(f: impl Future<Output = T>) -> T {
    match tokio::runtime::Builder::new_current_thread().build() {
        Ok(rt) => rt.block_on(f),
        Err(e) => panic!("runtime: {e}"),
    }
}

fn fault_code(r: Result<Result<Value, Fault>, DispatchError>) -> Option<i32> {
    match r {
        Ok(Err(f)) => Some(f.code),
        _ => None,
    }
}

#[test]
fn names_must_have_exactly_two_public_parts() {
    let (d, probe) = dispatcher();
    for name in [
        "probe",
        "probe.echo.x",
        "probe._echo",
        "nosuch.echo",
        "probe.nosuch",
        "system.nosuch",
        "",
    ] {
        assert_eq!(fault_code(run(d.call(name, vec![]))), Some(1), "{name}");
    }
    assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
    assert_eq!(
        run(d.call("probe.echo", vec![Value::Int(3)])),
        Ok(Ok(Value::Int(3)))
    );
    assert_eq!(fault_code(run(d.call("probe.echo", vec![]))), Some(2));
}

#[test]
fn introspection_lists_sorted_names_and_signatures() {
    let (d, _) = dispatcher();
    let names: Vec<String> = d.list_methods();
    assert_eq!(
        names,
        [
            "probe.echo",
            "probe.fault",
            "probe.nosig",
            "system.listMethods",
            "system.methodHelp",
            "system.methodSignature",
            "system.multicall"
        ]
    );
    let sig = run(d.call("system.methodSignature", vec![Value::string("probe.echo")]));
    assert_eq!(
        sig,
        Ok(Ok(Value::Array(vec![
            Value::string("string"),
            Value::string("string")
        ])))
    );
    let sig = run(d.call(
        "system.methodSignature",
        vec![Value::string("system.multicall")],
    ));
    assert_eq!(
        sig,
        Ok(Ok(Value::Array(vec![
            Value::string("array"),
            Value::string("array")
        ])))
    );
    for method in ["system.methodSignature", "system.methodHelp"] {
        assert_eq!(
            fault_code(run(d.call(method, vec![Value::string("probe.nosuch")]))),
            Some(4)
        );
    }
    assert_eq!(
        fault_code(run(d.call(
            "system.methodSignature",
            vec![Value::string("probe.nosig")]
        ))),
        Some(4)
    );
    let help = run(d.call("system.methodHelp", vec![Value::string("probe.echo")]));
    assert_eq!(
        help,
        Ok(Ok(Value::string("@param string s\n@return string s")))
    );
}

#[test]
fn multicall_returns_bare_values_and_fault_structs() {
    let (d, _) = dispatcher();
    let entry = |name: Option<&str>, params: Option<Vec<Value>>| {
        let mut members = Vec::new();
        if let Some(name) = name {
            members.push(("methodName", Value::string(name)));
        }
        if let Some(params) = params {
            members.push(("params", Value::Array(params)));
        }
        Value::structure(members)
    };
    let calls = Value::Array(vec![
        entry(Some("probe.echo"), Some(vec![Value::string("hi")])),
        entry(Some("probe.fault"), None),
        entry(Some("system.multicall"), Some(vec![Value::Array(vec![])])),
        entry(None, Some(vec![])),
        entry(Some("probe.nosuch"), None),
        entry(Some("probe.echo"), Some(vec![Value::Int(1), Value::Int(2)])),
    ]);
    let result = run(d.call("system.multicall", vec![calls]));
    let fault = |code: i32, text: &str| Fault::raw(code, text).to_value();
    assert_eq!(
        result,
        Ok(Ok(Value::Array(vec![
            Value::string("hi"),
            fault(10, "BAD_NAME: x"),
            fault(
                2,
                "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"
            ),
            fault(2, "INCORRECT_PARAMETERS: No methodName"),
            fault(1, "UNKNOWN_METHOD"),
            fault(2, "INCORRECT_PARAMETERS"),
        ])))
    );
}

#[test]
fn multicall_argument_errors() {
    let (d, _) = dispatcher();
    assert_eq!(
        fault_code(run(d.call("system.multicall", vec![Value::Int(1)]))),
        Some(2)
    );
    assert_eq!(fault_code(run(d.call("system.multicall", vec![]))), Some(2));
    assert!(run(d.call("system.multicall", vec![Value::Array(vec![Value::Int(1)])])).is_err());
    assert_eq!(
        run(d.call("system.multicall", vec![Value::Array(vec![])])),
        Ok(Ok(Value::Array(vec![])))
    );
}
