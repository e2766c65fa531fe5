//! Engine speed on a large cluster (issue #4): one process event, one tick period and the
//! starting-strategy choice, with the local instance master and in OPERATION.
//!
//! Cluster: 32 instances `node01`..`node32`, two per physical node (node key `10.0.0.k`), the
//! local instance `node01` elected master. Each instance reports 1,000 processes, so the
//! context holds 32,000 (instance, process) pairs. Two layouts, because the wording
//! fits both and they stress different paths:
//!
//! * `distinct`: every instance runs its own 1,000 programs (50 applications of 20 programs,
//!   group names suffixed by the host, e.g. `billing_eu_n17:worker_1`): 32,000 processes in
//!   1,600 applications, each configured on one instance. Worst case for name look-ups.
//! * `shared`: the same 1,000 programs (50 applications of 20) are configured on every
//!   instance, the usual Supvisors installation where any instance may run any program; each
//!   runs on one instance (round robin) and is STOPPED on the 31 others: 1,000 processes, each
//!   with 32 per-instance records. Worst case for per-process synthesis and loads.
//!
//! Rules: managed applications with start sequences and expected loads (shared layout: 0–2 %
//! per program, about 25 % per instance), as a rules file would give.
//!
//! Goal of the issue: ≤ 20 µs per process event.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use supvisors_core::boundary::Input;
use supvisors_core::commands::Command;
use supvisors_core::config::{EngineConfig, InstanceConfig};
use supvisors_core::engine::Engine;
use supvisors_core::enums::{ProcessStates, StartingStrategies, SupvisorsStates};
use supvisors_core::messages::{
    HandshakeResult, Identifier, InternalMessage, LocalProcessInfo, ProcessEvent, StateModes,
    TickPayload,
};
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_core::rules_provider::FixedRules;
use supvisors_core::strategy::{self, InstanceLoad};

const INSTANCES: usize = 32;
const APPLICATIONS: usize = 50;
const PROGRAMS: usize = 20;

const DOMAINS: [&str; 10] = [
    "billing",
    "catalog",
    "checkout",
    "inventory",
    "payments",
    "search",
    "shipping",
    "notifications",
    "analytics",
    "identity",
];
const FLAVOURS: [&str; 5] = ["eu", "us", "apac", "backoffice", "batch"];
const ROLES: [&str; 10] = [
    "api",
    "worker",
    "scheduler",
    "cache",
    "gateway",
    "indexer",
    "exporter",
    "consumer",
    "producer",
    "watchdog",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Distinct,
    Shared,
}

fn identifier(i: usize) -> Identifier {
    format!("node{:02}", i + 1)
}

fn application(a: usize) -> String {
    format!(
        "{}_{}",
        DOMAINS[a % DOMAINS.len()],
        FLAVOURS[a / DOMAINS.len()]
    )
}

fn program(p: usize) -> String {
    format!("{}_{}", ROLES[p % ROLES.len()], p / ROLES.len())
}

/// Group name of application `a` on instance `i`.
fn group_of(layout: Layout, a: usize, i: usize) -> String {
    match layout {
        Layout::Distinct => format!("{}_n{:02}", application(a), i + 1),
        Layout::Shared => application(a),
    }
}

/// Index of the instance running program `p` of application `a` (shared layout).
fn runner(a: usize, p: usize) -> usize {
    (a * PROGRAMS + p) % INSTANCES
}

fn rules(layout: Layout) -> FixedRules {
    let mut rules = FixedRules::default();
    let groups = match layout {
        Layout::Distinct => INSTANCES,
        Layout::Shared => 1,
    };
    for i in 0..groups {
        for a in 0..APPLICATIONS {
            let name = group_of(layout, a, i);
            let mut app = ApplicationRules::unmanaged(StartingStrategies::LessLoaded);
            app.managed = true;
            app.start_sequence = i32::try_from(a % 5 + 1).unwrap_or(1);
            app.stop_sequence = app.start_sequence;
            for p in 0..PROGRAMS {
                let mut rules_p = ProcessRules::inherited(&app);
                rules_p.start_sequence = i32::try_from(p % 3 + 1).unwrap_or(1);
                rules_p.stop_sequence = rules_p.start_sequence;
                rules_p.required = p == 0;
                rules_p.expected_load = match layout {
                    Layout::Distinct => 0,
                    // 0, 1, 2, 0, 1 %: about 25 % per instance, 50 % per node
                    Layout::Shared => u8::try_from(p % 5 % 3).unwrap_or(0),
                };
                rules
                    .processes
                    .insert(format!("{name}:{}", program(p)), rules_p);
            }
            rules.applications.insert(name, app);
        }
    }
    rules
}

/// The 1,000 processes instance `i` reports, all RUNNING where they run.
fn processes(layout: Layout, i: usize, now: f64) -> Vec<LocalProcessInfo> {
    let mut list = Vec::with_capacity(APPLICATIONS * PROGRAMS);
    for a in 0..APPLICATIONS {
        for p in 0..PROGRAMS {
            let running = layout == Layout::Distinct || runner(a, p) == i;
            list.push(LocalProcessInfo {
                group: group_of(layout, a, i),
                name: program(p),
                state: if running {
                    ProcessStates::Running
                } else {
                    ProcessStates::Stopped
                },
                start: if running { now - 100.0 } else { 0.0 },
                stop: 0.0,
                now,
                pid: if running {
                    u32::try_from(1000 + a * PROGRAMS + p).unwrap_or(0)
                } else {
                    0
                },
                spawnerr: String::new(),
                expected: true,
                startsecs: 1,
                stopwaitsecs: 10,
                extra_args: String::new(),
                disabled: false,
                description: String::new(),
            });
        }
    }
    list
}

/// A master engine in OPERATION with every instance RUNNING and its processes loaded.
struct Bench {
    engine: Engine,
    now: f64,
    counter: u64,
}

impl Bench {
    fn new(layout: Layout) -> Self {
        let instances = (0..INSTANCES)
            .map(|i| InstanceConfig {
                identifier: identifier(i),
                host_name: format!("host{:02}", i / 2 + 1),
                node: format!("10.0.0.{}", i / 2 + 1),
                http_port: 60000 + u16::try_from(i % 2).unwrap_or(0),
            })
            .collect();
        let config = EngineConfig::with_instances(&identifier(0), instances).expect("config");
        let mut engine = Engine::new(config, rules(layout));
        engine.start(0.0);
        let mut bench = Bench {
            engine,
            now: 1.0,
            counter: 0,
        };
        for i in 0..INSTANCES {
            bench.peer_tick(i);
            let result = HandshakeResult {
                authorized: Some(true),
                master: String::new(),
                state_modes: StateModes {
                    fsm_state: SupvisorsStates::Initialization,
                    starting_jobs: false,
                    stopping_jobs: false,
                },
                processes: processes(layout, i, bench.now),
                intents: Vec::new(),
            };
            let from = identifier(i);
            bench
                .engine
                .handle(Input::Handshake { from, result }, bench.now);
        }
        bench.tick_round();
        assert_eq!(bench.engine.state(), SupvisorsStates::Operation);
        assert!(bench.engine.is_master());
        bench
    }

    fn peer_tick(&mut self, i: usize) {
        let tick = TickPayload {
            when: self.now,
            sequence_counter: self.counter,
            status: None,
        };
        let input = Input::Peer {
            from: identifier(i),
            msg: InternalMessage::Tick(tick),
        };
        black_box(self.engine.handle(input, self.now));
    }

    /// One tick period: every remote instance ticks, then the local one (periodic check).
    fn tick_round(&mut self) {
        self.counter += 1;
        self.now += 5.0;
        for i in (1..INSTANCES).chain([0]) {
            self.peer_tick(i);
        }
    }
}

fn bench_process_event(c: &mut Criterion) {
    let mut group = c.benchmark_group("process_event_32x1000");
    for (name, layout) in [("distinct", Layout::Distinct), ("shared", Layout::Shared)] {
        let mut bench = Bench::new(layout);
        // the last instance, its last application: the farthest in every list
        let (a, p) = match layout {
            Layout::Distinct => (APPLICATIONS - 1, PROGRAMS - 1),
            Layout::Shared => (APPLICATIONS - 1, PROGRAMS - 2),
        };
        let i = match layout {
            Layout::Distinct => INSTANCES - 1,
            Layout::Shared => runner(a, p),
        };
        let from = identifier(i);
        let mut event = ProcessEvent {
            group: group_of(layout, a, i),
            name: program(p),
            state: ProcessStates::Running,
            now: bench.now,
            pid: 4242,
            expected: true,
            spawnerr: String::new(),
            extra_args: String::new(),
            disabled: false,
        };
        let mut running = true;
        group.bench_function(name, |b| {
            b.iter(|| {
                running = !running;
                bench.now += 0.001;
                event.now = bench.now;
                event.state = if running {
                    ProcessStates::Running
                } else {
                    ProcessStates::Exited
                };
                let input = Input::Peer {
                    from: from.clone(),
                    msg: InternalMessage::Process(event.clone()),
                };
                bench.engine.handle(input, bench.now)
            })
        });
        assert_eq!(bench.engine.state(), SupvisorsStates::Operation);
    }
    group.finish();
}

fn bench_tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick_period_32x1000");
    group.sample_size(20);
    for (name, layout) in [("distinct", Layout::Distinct), ("shared", Layout::Shared)] {
        let mut bench = Bench::new(layout);
        group.bench_function(name, |b| b.iter(|| bench.tick_round()));
        assert_eq!(bench.engine.state(), SupvisorsStates::Operation);
    }
    group.finish();
}

/// 32 RUNNING instances on 16 nodes with varied loads; every instance is a candidate.
fn bench_strategy(c: &mut Criterion) {
    let instances: Vec<InstanceLoad> = (0..INSTANCES)
        .map(|i| InstanceLoad {
            identifier: identifier(i),
            node: format!("10.0.0.{}", i / 2 + 1),
            running: true,
            load: u32::try_from((i * 7) % 45).unwrap_or(0),
            pending: u32::try_from(i % 3).unwrap_or(0),
        })
        .collect();
    // `*` rules give the candidates in `supvisors_list` order; an explicit list may not.
    let in_order: Vec<Identifier> = (0..INSTANCES).map(identifier).collect();
    let reversed: Vec<Identifier> = (0..INSTANCES).rev().map(identifier).collect();
    let local = identifier(0);
    let mut group = c.benchmark_group("strategy_choose_32_instances");
    for (order, candidates) in [("list_order", &in_order), ("reversed", &reversed)] {
        for strategy in StartingStrategies::ALL {
            group.bench_function(format!("{order}/{}", strategy.name()), |b| {
                b.iter(|| {
                    strategy::choose(
                        black_box(*strategy),
                        black_box(candidates),
                        black_box(10),
                        black_box(&instances),
                        &local,
                    )
                })
            });
        }
    }
    group.finish();

    // The same choice inside the engine: `start_process` of a stopped program (loads read
    // from the context, Starter job created, START request out). Shared layout: the program is
    // configured on every instance, so all 32 are candidates; distinct layout: one candidate,
    // but the loads still cover the 32,000 processes. The engine is cloned before each call
    // (not timed).
    let mut group = c.benchmark_group("start_process_32x1000");
    group.sample_size(20);
    for (name, layout) in [("shared", Layout::Shared), ("distinct", Layout::Distinct)] {
        let mut bench = Bench::new(layout);
        let (a, p) = (APPLICATIONS - 1, PROGRAMS - 1);
        let i = match layout {
            Layout::Distinct => INSTANCES - 1,
            Layout::Shared => runner(a, p),
        };
        let namespec = format!("{}:{}", group_of(layout, a, i), program(p));
        bench.now += 0.1;
        let event = ProcessEvent {
            group: group_of(layout, a, i),
            name: program(p),
            state: ProcessStates::Stopped,
            now: bench.now,
            pid: 0,
            expected: true,
            spawnerr: String::new(),
            extra_args: String::new(),
            disabled: false,
        };
        let input = Input::Peer {
            from: identifier(i),
            msg: InternalMessage::Process(event),
        };
        bench.engine.handle(input, bench.now);
        let strategies: &[StartingStrategies] = match layout {
            Layout::Shared => StartingStrategies::ALL,
            Layout::Distinct => &[StartingStrategies::LessLoaded],
        };
        for strategy in strategies {
            let id = format!("{name}/{}", strategy.name());
            group.bench_function(id, |b| {
                b.iter_batched(
                    || bench.engine.clone(),
                    |mut engine| {
                        let cmd = Command::StartProcess {
                            strategy: *strategy,
                            namespec: namespec.clone(),
                            extra_args: String::new(),
                            wait: false,
                        };
                        let out = engine.handle(Input::Command { id: 1, cmd }, bench.now);
                        assert!(out.iter().any(|o| matches!(
                            o,
                            supvisors_core::boundary::Output::Request(
                                supvisors_core::messages::DeferredRequest::StartProcess { .. }
                            )
                        )));
                        (engine, out)
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_process_event, bench_tick, bench_strategy);
criterion_main!(benches);
