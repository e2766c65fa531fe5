//! The `supvisors` namespace driven by Python's `xmlrpc.client` through the HTTP server, over a
//! backend whose engine is still in INITIALIZATION.

mod common;

use std::sync::Arc;

use common::{Options, python, start_with};
use futures_util::future::BoxFuture;
use supvisors_core::commands::{Command, CommandError, CommandReply};
use supvisors_core::config::EngineConfig;
use supvisors_core::engine::Engine;
use supvisors_core::enums::ProcessStates;
use supvisors_core::messages::LocalProcessInfo;
use supvisors_core::rules_provider::NoRulesEngine;
use supvisors_rpc::Fault;
use supvisors_rpc::supvisors_ns::{SupvisorsBackend, SupvisorsNamespace};
use supvisors_rules::values::LogLevel;

/// An engine that never leaves INITIALIZATION and one local process.
struct Initializing {
    engine: Arc<Engine>,
}

impl Initializing {
    fn new() -> Self {
        let config = match EngineConfig::new("a", &["a", "b"]) {
            Ok(config) => config,
            Err(e) => panic!("config: {e}"),
        };
        let mut engine = Engine::new(config, NoRulesEngine);
        engine.start(0.0);
        Initializing {
            engine: Arc::new(engine),
        }
    }
}

fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, T> {
    Box::pin(std::future::ready(value))
}

impl SupvisorsBackend for Initializing {
    fn engine(&self) -> Arc<Engine> {
        self.engine.clone()
    }
    fn command(&self, _cmd: Command) -> BoxFuture<'static, Result<CommandReply, CommandError>> {
        ready(Ok(CommandReply::Bool(true)))
    }
    fn start_args(&self, _: String, _: String, _: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        ready(Ok(true))
    }
    fn local_process_info(
        &self,
        _namespec: Option<String>,
    ) -> BoxFuture<'static, Result<Vec<LocalProcessInfo>, Fault>> {
        ready(Ok(vec![LocalProcessInfo {
            group: "grp".into(),
            name: "proc".into(),
            state: ProcessStates::Stopped,
            start: 0.0,
            stop: 0.0,
            now: 1_700_000_000.0,
            pid: 0,
            spawnerr: String::new(),
            expected: true,
            startsecs: 1,
            stopwaitsecs: 10,
            extra_args: String::new(),
            disabled: false,
            description: "Not started".into(),
        }]))
    }
    fn has_program(&self, program: &str) -> bool {
        program == "proc"
    }
    fn update_numprocs(
        &self,
        _: String,
        _: u32,
        _: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>> {
        ready(Ok(true))
    }
    fn enable(&self, _: String, _: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        ready(Ok(true))
    }
    fn disable(&self, _: String, _: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        ready(Ok(true))
    }
    fn change_log_level(&self, _: LogLevel) -> Result<(), Fault> {
        Ok(())
    }
}

#[test]
fn supvisors_methods_seen_from_python() {
    let namespace = SupvisorsNamespace::new(Arc::new(Initializing::new()));
    let running = start_with(
        Options {
            auth: None,
            unix: false,
            max_connections: None,
        },
        vec![Arc::new(namespace)],
    );
    let out = python(
        r#"
import os, xmlrpc.client
p = xmlrpc.client.ServerProxy(os.environ['URL'])
names = [m for m in p.system.listMethods() if m.startswith('supvisors.')]
print(len(names), names == sorted(names))
print(p.system.methodSignature('supvisors.start_process'))
print(p.supvisors.get_api_version())
print(p.supvisors.get_supvisors_state())
print(p.supvisors.get_all_local_process_info())
for call in [lambda: p.supvisors.get_all_process_info(),
             lambda: p.supvisors.start_process('CONFIG', 'grp:proc'),
             lambda: p.supvisors.change_log_level(1.0),
             lambda: p.supvisors.start_args('grp:proc'),
             lambda: p.supvisors.get_instance_info('zz')]:
    try:
        print(call())
    except xmlrpc.client.Fault as f:
        print(f.faultCode, f.faultString)
"#,
        &running,
    );
    assert_eq!(
        out,
        "31 True\n\
         ['bool', 'StartingStrategies', 'str', 'str', 'bool']\n\
         0.15\n\
         {'fsm_statecode': 1, 'fsm_statename': 'INITIALIZATION', 'starting_jobs': [], 'stopping_jobs': []}\n\
         [{'name': 'proc', 'group': 'grp', 'state': 0, 'statename': 'STOPPED', 'start': 0, 'stop': 0, \
         'now': 1700000000.0, 'pid': 0, 'description': 'Not started', 'spawnerr': '', 'expected': True, \
         'startsecs': 1, 'stopwaitsecs': 10, 'extra_args': '', 'disabled': False}]\n\
         101 BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state ['DEPLOYMENT', \
         'OPERATION', 'CONCILIATION', 'RESTARTING', 'SHUTTING_DOWN'] to perform request\n\
         101 BAD_SUPVISORS_STATE: Supvisors (state=INITIALIZATION) not in state ['OPERATION'] to \
         perform request\n\
         2 INCORRECT_PARAMETERS: invalid logger level: 1.0 (string or integer expected)\n\
         2 INCORRECT_PARAMETERS\n\
         2 INCORRECT_PARAMETERS: zz unknown to Supvisors\n"
    );
}
