//! Model tests with [`FakeHost`] and a scripted clock. Tests named `item_NN_*` cover checklist
//! item NN of spec §8.

mod events_tests;
mod lifecycle;
mod numprocs_tests;
mod rpc;
mod rpc_info;
mod shutdown;
mod stopping;
mod supvisors_tests;

use std::collections::BTreeMap;
use std::path::Path;

use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
use supvisors_rules::supervisor::{SupervisorConfig, load_supervisor_config_from_str};

use super::testing::FakeHost;
use super::{Clock, Event, Level, Output, ProcessInfo, ProcessState, Supervisor};

/// Wall time of the harness start: 2026-11-24 03:33:38 UTC.
pub(super) const T0: f64 = 1_795_491_218.0;

/// Parses `[supervisord]` (identifier `test`) followed by `body`.
pub(super) fn config(body: &str) -> SupervisorConfig {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let text = format!(
        "[supervisord]\nidentifier=test\nchildlogdir={}\n{body}",
        dir.path().display()
    );
    let accounts = StaticAccounts::root_only();
    let resolver = HostTable::new();
    let ctx = LoadContext {
        env: BTreeMap::new(),
        host_node_name: "node1".into(),
        cwd: dir.path().to_path_buf(),
        local_addresses: Vec::new(),
        accounts: &accounts,
        resolver: &resolver,
    };
    load_supervisor_config_from_str(&text, Path::new("s.conf"), &ctx)
        .unwrap_or_else(|e| panic!("config errors: {e:#?}"))
}

#[test]
fn the_model_can_move_to_a_driver_task() {
    fn send<T: Send + 'static>() {}
    send::<Supervisor>();
    send::<super::Waiter>();
}

/// exit status `n` as waitpid reports it.
pub(super) const fn exit(n: i32) -> i32 {
    n << 8
}

/// A model, a fake host, a clock and every output so far.
pub(super) struct Harness {
    pub sup: Supervisor,
    pub host: FakeHost,
    pub now: Clock,
    pub outputs: Vec<Output>,
}

impl Harness {
    /// A model built from `body` at T0 (monotonic 1000), nothing ticked yet.
    pub fn new(body: &str) -> Self {
        let mut host = FakeHost::new();
        let cfg = config(body);
        let sup = Supervisor::new(&cfg, "test", &mut host);
        let mut h = Self {
            sup,
            host,
            now: Clock {
                wall: T0,
                mono: 1000.0,
            },
            outputs: Vec::new(),
        };
        h.drain();
        h
    }

    /// Collects the model's outputs.
    pub fn drain(&mut self) {
        self.outputs.extend(self.sup.take_outputs());
    }

    /// One main-loop iteration.
    pub fn tick(&mut self) {
        self.sup.tick(self.now, &mut self.host);
        self.drain();
    }

    /// Moves both clocks.
    pub fn advance(&mut self, secs: f64) {
        self.now = self.now.plus(secs);
    }

    /// Advances then ticks.
    pub fn tick_after(&mut self, secs: f64) {
        self.advance(secs);
        self.tick();
    }

    /// Info of a process (read directly, so that it works while shutting down too).
    pub fn info(&self, namespec: &str) -> ProcessInfo {
        let (gi, pi) = self
            .sup
            .resolve_process(namespec)
            .unwrap_or_else(|f| panic!("getProcessInfo({namespec}): {f}"));
        let g = &self.sup.groups[gi];
        super::info::process_info(&g.config.name, &g.processes[pi], self.now, &self.host)
    }

    /// State of a process.
    pub fn state(&self, namespec: &str) -> ProcessState {
        self.info(namespec).state
    }

    /// Pid of a process (0 when none).
    pub fn pid(&self, namespec: &str) -> i32 {
        self.info(namespec).pid
    }

    /// Reports the exit of a process's child.
    pub fn exit(&mut self, namespec: &str, status: i32) {
        let pid = self.pid(namespec);
        assert_ne!(pid, 0, "{namespec} has no pid");
        self.sup.child_exited(pid, status, self.now, &mut self.host);
        self.drain();
    }

    /// Main-log lines so far as `LEVL text`.
    pub fn logs(&self) -> Vec<String> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Log { level, text } => Some(format!("{} {text}", level.code())),
                _ => None,
            })
            .collect()
    }

    /// Log lines at INFO and above.
    pub fn info_logs(&self) -> Vec<String> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Log { level, text } if *level >= Level::Info => {
                    Some(format!("{} {text}", level.code()))
                }
                _ => None,
            })
            .collect()
    }

    /// Events so far.
    pub fn events(&self) -> Vec<Event> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// (from, to) of every PROCESS_STATE event of `name`.
    pub fn transitions(&self, name: &str) -> Vec<(ProcessState, ProcessState)> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::ProcessState {
                    name: n, from, to, ..
                } if n == name => Some((from, to)),
                _ => None,
            })
            .collect()
    }

    /// Forgets outputs (pending ones included) and host calls so far.
    pub fn forget(&mut self) {
        self.drain();
        self.outputs.clear();
        self.host.clear_calls();
    }
}
