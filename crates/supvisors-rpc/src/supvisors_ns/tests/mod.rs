//! A fake daemon backend around a real engine, recording what the namespace asks of it.
#![allow(clippy::unwrap_used)]

mod commands;
mod local;
mod status;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use supvisors_core::boundary::{CommandId, Input, Output};
use supvisors_core::commands::{Command, CommandError, CommandReply};
use supvisors_core::config::EngineConfig;
use supvisors_core::engine::Engine;
use supvisors_core::enums::{ProcessStates, StartingStrategies, SupvisorsStates};
use supvisors_core::messages::{
    DeferredRequest, HandshakeResult, InternalMessage, LocalProcessInfo, TickPayload,
};
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_core::rules_provider::FixedRules;
use supvisors_rules::values::LogLevel;
use tokio::sync::oneshot;

use super::*;
use crate::codec::{decode_response, encode_fault, encode_response};

type Reply = Result<CommandReply, CommandError>;

/// What the namespace asked of the backend.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Command(Command),
    StartArgs(String, String, bool),
    LocalInfo(Option<String>),
    UpdateNumprocs(String, u32, bool),
    Enable(String, bool),
    Disable(String, bool),
    LogLevel(LogLevel),
}

/// The backend: a live engine (commands run on it), its snapshot, and the calls received.
struct Fake {
    engine: Mutex<Engine>,
    now: Mutex<f64>,
    next_id: AtomicU64,
    pending: Mutex<Vec<(CommandId, oneshot::Sender<Reply>)>>,
    calls: Mutex<Vec<Call>>,
    /// The start requests the engine issued, (target, namespec).
    starts: Mutex<Vec<(String, String)>>,
    local: Vec<LocalProcessInfo>,
    /// The answer of start_args / update_numprocs / enable / disable.
    answer: Mutex<Result<bool, Fault>>,
}

impl Fake {
    fn new(engine: Engine, now: f64) -> Arc<Self> {
        let mut running = local_info("app", "p1", ProcessStates::Running);
        running.pid = 1234;
        running.start = 1_700_000_000.0;
        running.now = 1_700_000_062.0;
        running.description = "pid 1234, uptime 0:01:02".into();
        running.extra_args = "-x".into();
        let mut fatal = local_info("tools", "t1", ProcessStates::Fatal);
        fatal.spawnerr = "can't find command".into();
        fatal.expected = false;
        fatal.disabled = true;
        Arc::new(Fake {
            engine: Mutex::new(engine),
            now: Mutex::new(now),
            next_id: AtomicU64::new(1),
            pending: Mutex::new(Vec::new()),
            calls: Mutex::new(Vec::new()),
            starts: Mutex::new(Vec::new()),
            local: vec![running, fatal],
            answer: Mutex::new(Ok(true)),
        })
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap().push(call);
    }

    /// Gives an input to the live engine and resolves the deferred replies it produces.
    fn feed(&self, input: Input) {
        let now = {
            let mut now = self.now.lock().unwrap();
            *now += 0.1;
            *now
        };
        let out = self.engine.lock().unwrap().handle(input, now);
        self.resolve(out, None);
    }

    /// Sends the replies of `out` to their waiting callers; returns the one of `id`.
    fn resolve(&self, out: Vec<Output>, id: Option<CommandId>) -> Option<Reply> {
        let mut mine = None;
        let mut pending = self.pending.lock().unwrap();
        for output in out {
            if let Output::Request(DeferredRequest::StartProcess {
                target, namespec, ..
            }) = &output
            {
                let start = (target.clone(), namespec.clone());
                self.starts.lock().unwrap().push(start);
            }
            let Output::Reply { id: rid, result } = output else {
                continue;
            };
            if Some(rid) == id {
                mine = Some(result);
            } else if let Some(i) = pending.iter().position(|(p, _)| *p == rid) {
                let (_, tx) = pending.remove(i);
                let _ = tx.send(result);
            }
        }
        mine
    }

    /// A process event from instance `from`.
    fn event(&self, from: &str, namespec: &str, state: ProcessStates) {
        let (group, name) = namespec.split_once(':').unwrap();
        let now = *self.now.lock().unwrap() + 0.1;
        let ev = supvisors_core::messages::ProcessEvent {
            group: group.into(),
            name: name.into(),
            state,
            now,
            pid: 7,
            expected: true,
            spawnerr: String::new(),
            extra_args: String::new(),
            disabled: false,
        };
        self.feed(Input::Peer {
            from: from.into(),
            msg: InternalMessage::Process(ev),
        });
    }
}

impl SupvisorsBackend for Fake {
    fn engine(&self) -> Arc<Engine> {
        Arc::new(self.engine.lock().unwrap().clone())
    }

    fn command(&self, cmd: Command) -> BoxFuture<'static, Reply> {
        self.record(Call::Command(cmd.clone()));
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let now = *self.now.lock().unwrap();
        let out = self
            .engine
            .lock()
            .unwrap()
            .handle(Input::Command { id, cmd }, now);
        if let Some(reply) = self.resolve(out, Some(id)) {
            return Box::pin(std::future::ready(reply));
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap().push((id, tx));
        Box::pin(
            rx.map(|r| r.unwrap_or_else(|_| Err(CommandError::AbnormalTermination("gone".into())))),
        )
    }

    fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>> {
        self.record(Call::StartArgs(namespec, extra_args, wait));
        Box::pin(std::future::ready(self.answer.lock().unwrap().clone()))
    }

    fn local_process_info(
        &self,
        namespec: Option<String>,
    ) -> BoxFuture<'static, Result<Vec<LocalProcessInfo>, Fault>> {
        self.record(Call::LocalInfo(namespec.clone()));
        let result = match namespec {
            None => Ok(self.local.clone()),
            Some(ns) => self
                .local
                .iter()
                .find(|i| i.namespec() == ns)
                .map(|i| vec![i.clone()])
                .ok_or_else(|| Fault::new(FaultCode::BadName, Some(ns))),
        };
        Box::pin(std::future::ready(result))
    }

    fn has_program(&self, program: &str) -> bool {
        ["p1", "p2", "t1"].contains(&program)
    }

    fn update_numprocs(
        &self,
        program: String,
        numprocs: u32,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>> {
        self.record(Call::UpdateNumprocs(program, numprocs, wait));
        Box::pin(std::future::ready(self.answer.lock().unwrap().clone()))
    }

    fn enable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        self.record(Call::Enable(program, wait));
        Box::pin(std::future::ready(self.answer.lock().unwrap().clone()))
    }

    fn disable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        self.record(Call::Disable(program, wait));
        Box::pin(std::future::ready(self.answer.lock().unwrap().clone()))
    }

    fn change_log_level(&self, level: LogLevel) -> Result<(), Fault> {
        self.record(Call::LogLevel(level));
        Ok(())
    }
}

fn local_info(group: &str, name: &str, state: ProcessStates) -> LocalProcessInfo {
    LocalProcessInfo {
        group: group.to_owned(),
        name: name.to_owned(),
        state,
        start: 0.0,
        stop: 0.0,
        now: 100.0,
        pid: 0,
        spawnerr: String::new(),
        expected: true,
        startsecs: 1,
        stopwaitsecs: 10,
        extra_args: String::new(),
        disabled: false,
        description: "Not started".into(),
    }
}

/// `app` managed (p1 required, p2), `tools` unmanaged (t1).
fn rules() -> FixedRules {
    let mut rules = FixedRules::default();
    let mut app = ApplicationRules::unmanaged(StartingStrategies::Config);
    app.managed = true;
    app.start_sequence = 0;
    app.stop_sequence = 2;
    let mut p1 = ProcessRules::inherited(&app);
    p1.required = true;
    p1.start_sequence = 1;
    p1.stop_sequence = 1;
    p1.expected_load = 5;
    rules.processes.insert("app:p1".into(), p1);
    rules.applications.insert("app".into(), app);
    rules
}

/// Master `a` of a, b, c in INITIALIZATION, nothing heard yet.
fn initializing() -> Arc<Fake> {
    let mut config = EngineConfig::new("a", &["a", "b", "c"]).unwrap();
    config.tick_status = false;
    let mut engine = Engine::new(config, Box::new(rules()));
    engine.start(0.0);
    Fake::new(engine, 1.0)
}

/// The same engine driven to OPERATION: every instance ticked and authorized, app:p1, app:p2
/// and tools:t1 loaded (stopped) on a and b.
fn operating() -> Arc<Fake> {
    let fake = initializing();
    for id in ["a", "b", "c"] {
        let tick = TickPayload {
            when: 1.0,
            sequence_counter: 1,
            status: None,
        };
        fake.feed(Input::Peer {
            from: id.into(),
            msg: InternalMessage::Tick(tick),
        });
        let mut result = HandshakeResult::failed();
        result.authorized = Some(true);
        fake.feed(Input::Handshake {
            from: id.into(),
            result,
        });
    }
    for id in ["a", "b"] {
        let infos = [("app", "p1"), ("app", "p2"), ("tools", "t1")]
            .iter()
            .map(|(g, n)| local_info(g, n, ProcessStates::Stopped))
            .collect();
        fake.feed(Input::Peer {
            from: id.into(),
            msg: InternalMessage::ProcessAdded(infos),
        });
    }
    for counter in 2..4 {
        for id in ["b", "c", "a"] {
            let tick = TickPayload {
                when: 1.0 + 5.0 * counter as f64,
                sequence_counter: counter,
                status: None,
            };
            fake.feed(Input::Peer {
                from: id.into(),
                msg: InternalMessage::Tick(tick),
            });
        }
    }
    assert_eq!(fake.engine().state(), SupvisorsStates::Operation);
    fake
}

fn namespace(fake: &Arc<Fake>) -> SupvisorsNamespace {
    SupvisorsNamespace::new(fake.clone())
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// Calls a method that answers at once (a deferred one fails the test instead of hanging it)
/// and passes its answer through the XML encoder and decoder, as a client sees it.
fn call(fake: &Arc<Fake>, method: &str, params: Vec<Value>) -> Result<Value, Fault> {
    let Some(result) = namespace(fake).call(method, params).now_or_never() else {
        panic!("{method} did not answer at once");
    };
    let body = match &result {
        Ok(value) => encode_response(value),
        Err(fault) => encode_fault(fault),
    };
    let decoded = decode_response(&body).unwrap();
    assert_eq!(decoded, result, "the XML round trip keeps the answer");
    decoded
}

/// The faultString of a call that must fail with `code`.
fn fault(fake: &Arc<Fake>, method: &str, params: Vec<Value>, code: i32) -> String {
    match call(fake, method, params) {
        Err(f) if f.code == code => f.string,
        other => panic!("{method}: expected fault {code}, got {other:?}"),
    }
}

fn s(text: &str) -> Value {
    Value::string(text)
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_struct()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect()
}
