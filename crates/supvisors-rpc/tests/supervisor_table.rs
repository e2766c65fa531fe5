//! The `supervisor` method table seen through `system.*` by Python, with a stub namespace
//! standing in for the handlers the daemon provides.

mod common;

use std::sync::Arc;

use common::{Options, python, start_with};
use supvisors_rpc::dispatch::{CallFuture, MethodInfo, Namespace, expect_arity};
use supvisors_rpc::supervisor_api::SUPERVISOR_METHODS;
use supvisors_rpc::{Fault, FaultCode, Value};

/// Answers getPID and getProcessInfo like a daemon without processes.
struct StubSupervisor;

impl Namespace for StubSupervisor {
    fn name(&self) -> &str {
        "supervisor"
    }
    fn methods(&self) -> &[MethodInfo] {
        SUPERVISOR_METHODS
    }
    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture {
        let method = method.to_owned();
        Box::pin(async move {
            match method.as_str() {
                "getPID" => {
                    expect_arity(&params, 0, 0)?;
                    Ok(Value::Int(7585))
                }
                "getProcessInfo" => {
                    expect_arity(&params, 1, 0)?;
                    let name = params[0].as_str().unwrap_or_default().to_owned();
                    Err(Fault::new(FaultCode::BadName, Some(name)))
                }
                _ => Err(Fault::bare(FaultCode::Failed)),
            }
        })
    }
}

fn running() -> common::Running {
    start_with(
        Options {
            auth: None,
            unix: false,
            max_connections: None,
        },
        vec![Arc::new(StubSupervisor)],
    )
}

/// §8 items 32-33: the 41 names of §3.4 (plus our `test.*`) and the exact signatures.
#[test]
fn item_32_33_list_methods_and_signatures() {
    let running = running();
    let out = python(
        r#"
import os, xmlrpc.client
p = xmlrpc.client.ServerProxy(os.environ['URL'])
names = [n for n in p.system.listMethods() if not n.startswith('test.')]
print(len(names), names == sorted(names))
print(' '.join(names))
print(p.system.methodSignature('supervisor.startProcess'), p.system.methodSignature('supervisor.getAPIVersion'))
print(p.system.methodSignature('supervisor.tailProcessLog'), p.system.methodSignature('supervisor.signalProcessGroup'))
"#,
        &running,
    );
    let expected_names = "supervisor.addProcessGroup supervisor.clearAllProcessLogs supervisor.clearLog \
        supervisor.clearProcessLog supervisor.clearProcessLogs supervisor.getAPIVersion supervisor.getAllConfigInfo \
        supervisor.getAllProcessInfo supervisor.getIdentification supervisor.getPID supervisor.getProcessInfo \
        supervisor.getState supervisor.getSupervisorVersion supervisor.getVersion supervisor.readLog \
        supervisor.readMainLog supervisor.readProcessLog supervisor.readProcessStderrLog \
        supervisor.readProcessStdoutLog supervisor.reloadConfig supervisor.removeProcessGroup supervisor.restart \
        supervisor.sendProcessStdin supervisor.sendRemoteCommEvent supervisor.shutdown \
        supervisor.signalAllProcesses supervisor.signalProcess supervisor.signalProcessGroup \
        supervisor.startAllProcesses supervisor.startProcess supervisor.startProcessGroup \
        supervisor.stopAllProcesses supervisor.stopProcess supervisor.stopProcessGroup supervisor.tailProcessLog \
        supervisor.tailProcessStderrLog supervisor.tailProcessStdoutLog system.listMethods system.methodHelp \
        system.methodSignature system.multicall";
    assert_eq!(
        out,
        format!(
            "41 True\n{expected_names}\n['boolean', 'string', 'boolean'] ['string']\n\
             ['array', 'string', 'int', 'int'] ['array', 'string', 'string']\n"
        )
    );
}

/// §8 items 34-36 and 39: unknown names, arity, multicall with bare values.
#[test]
fn item_34_35_36_39_dispatch_rules_through_http() {
    let running = running();
    let out = python(
        r#"
import os, xmlrpc.client
p = xmlrpc.client.ServerProxy(os.environ['URL'])
def fault(f, *a):
    try:
        f(*a); return 'no fault'
    except xmlrpc.client.Fault as e:
        return '%d %s' % (e.faultCode, e.faultString)
print(fault(p.system.methodHelp, 'nosuch'))
for n in ['supervisor.nosuch', 'nosuch.foo', 'foo', 'a.b.c', 'supervisor._update']:
    print(n, fault(getattr(p, n)))
print(fault(p.supervisor.getPID, 1))
print(p.system.multicall([{'methodName': 'supervisor.getPID'},
                          {'methodName': 'supervisor.getProcessInfo', 'params': ['nosuch']}]))
"#,
        &running,
    );
    assert_eq!(
        out,
        "4 SIGNATURE_UNSUPPORTED\nsupervisor.nosuch 1 UNKNOWN_METHOD\nnosuch.foo 1 UNKNOWN_METHOD\n\
         foo 1 UNKNOWN_METHOD\na.b.c 1 UNKNOWN_METHOD\nsupervisor._update 1 UNKNOWN_METHOD\n\
         2 INCORRECT_PARAMETERS\n[7585, {'faultCode': 10, 'faultString': 'BAD_NAME: nosuch'}]\n"
    );
}
