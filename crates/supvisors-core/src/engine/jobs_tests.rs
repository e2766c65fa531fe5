//! Starter / Stopper behaviour through the engine (checklist 80, 82–90).

use super::*;
use crate::commands::{Command, CommandError, CommandReply};
use crate::enums::{ProcessStates, StartingFailureStrategies, StartingStrategies};
use crate::messages::HandshakeResult;
use crate::messages::{ForcedProcessEvent, ProcessEvent};
use crate::process::tests::local_info;
use crate::rules::{ApplicationRules, ProcessRules};
use crate::rules_provider::FixedRules;
use ProcessStates::*;

/// One process rule: (namespec, start_sequence, stop_sequence, required).
type Rule = (&'static str, i32, i32, bool);

fn rules(apps: &[(&str, i32, i32)], procs: &[Rule]) -> FixedRules {
    let mut rules = FixedRules::default();
    for (name, start, stop) in apps {
        let mut app = ApplicationRules::unmanaged(StartingStrategies::CONFIG);
        app.managed = true;
        app.start_sequence = *start;
        app.stop_sequence = *stop;
        rules.applications.insert((*name).into(), app);
    }
    for (namespec, start, stop, required) in procs {
        let app = namespec.split(':').next().unwrap_or_default();
        let app_rules = rules
            .applications
            .get(app)
            .cloned()
            .unwrap_or_else(ApplicationRules::without_engine);
        let mut p = ProcessRules::inherited(&app_rules);
        p.start_sequence = *start;
        p.stop_sequence = *stop;
        p.required = *required;
        rules.processes.insert((*namespec).into(), p);
    }
    rules
}

struct Cluster {
    e: Engine,
    counter: u64,
    now: f64,
}

impl Cluster {
    /// Master `a` of a, b, c, with `infos` loaded on a and b before the election.
    fn new(
        rules: FixedRules,
        infos: &[(&str, &str)],
        tune: impl FnOnce(&mut EngineConfig),
    ) -> Self {
        let mut config = EngineConfig::new("a", &["a", "b", "c"]).unwrap();
        config.tick_status = false;
        tune(&mut config);
        let mut e = Engine::new(config, Box::new(rules));
        e.start(0.0);
        let mut c = Cluster {
            e,
            counter: 1,
            now: 1.0,
        };
        for id in ["a", "b", "c"] {
            c.tick_one(id);
            let mut result = HandshakeResult::failed();
            result.authorized = Some(true);
            c.e.handle(
                Input::Handshake {
                    from: id.into(),
                    result,
                },
                c.now,
            );
        }
        for id in ["a", "b"] {
            let list = infos
                .iter()
                .map(|(g, n)| {
                    let mut info = local_info(g, n, STOPPED);
                    info.now = c.now;
                    info
                })
                .collect();
            c.e.handle(
                Input::Peer {
                    from: id.into(),
                    msg: InternalMessage::ProcessAdded(list),
                },
                c.now,
            );
        }
        c
    }

    fn tick_one(&mut self, id: &str) -> Vec<Output> {
        let tick = TickPayload {
            when: self.now,
            sequence_counter: self.counter,
            status: None,
        };
        self.e.handle(
            Input::Peer {
                from: id.into(),
                msg: InternalMessage::Tick(tick),
            },
            self.now,
        )
    }

    /// b and c tick, then a (which runs the periodic check).
    fn tick(&mut self) -> Vec<Output> {
        self.counter += 1;
        self.now += 5.0;
        let mut out = self.tick_one("b");
        out.extend(self.tick_one("c"));
        out.extend(self.tick_one("a"));
        out
    }

    fn event(
        &mut self,
        from: &str,
        namespec: &str,
        state: ProcessStates,
        expected: bool,
    ) -> Vec<Output> {
        let (group, name) = namespec.split_once(':').unwrap();
        self.now += 0.1;
        let ev = ProcessEvent {
            group: group.into(),
            name: name.into(),
            state,
            now: self.now,
            pid: 1,
            expected,
            spawnerr: String::new(),
            extra_args: String::new(),
            disabled: false,
        };
        self.e.handle(
            Input::Peer {
                from: from.into(),
                msg: InternalMessage::Process(ev),
            },
            self.now,
        )
    }

    fn command(&mut self, cmd: Command) -> Vec<Output> {
        self.e.handle(Input::Command { id: 9, cmd }, self.now)
    }

    /// Delivers the forced events of `out` back to the engine, as the network would.
    fn loop_back(&mut self, out: &[Output]) -> Vec<ForcedProcessEvent> {
        let forced: Vec<ForcedProcessEvent> = out
            .iter()
            .filter_map(|o| match o {
                Output::Broadcast(InternalMessage::ForcedProcess(f)) => Some(f.clone()),
                _ => None,
            })
            .collect();
        for f in &forced {
            let msg = InternalMessage::ForcedProcess(f.clone());
            self.e.handle(
                Input::Peer {
                    from: "a".into(),
                    msg,
                },
                self.now,
            );
        }
        forced
    }
}

fn starts(out: &[Output]) -> Vec<(String, String)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Request(DeferredRequest::StartProcess {
                target, namespec, ..
            }) => Some((target.clone(), namespec.clone())),
            _ => None,
        })
        .collect()
}

fn stops(out: &[Output]) -> Vec<(String, String)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Request(DeferredRequest::StopProcess { target, namespec }) => {
                Some((target.clone(), namespec.clone()))
            }
            _ => None,
        })
        .collect()
}

fn pair(target: &str, namespec: &str) -> (String, String) {
    (target.to_owned(), namespec.to_owned())
}

fn app2() -> FixedRules {
    rules(
        &[("app", 1, 1)],
        &[
            ("app:p1", 1, 1, true),
            ("app:p2", 2, 2, false),
            ("app:p0", 0, 0, false),
        ],
    )
}

const APP2: [(&str, &str); 3] = [("app", "p1"), ("app", "p2"), ("app", "p0")];

#[test]
fn item_85_86_deployment_starts_sequences_in_order() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    let out = c.tick();
    assert_eq!(
        starts(&out),
        [pair("a", "app:p1")],
        "smallest sequence first, p0 never"
    );
    assert_eq!(c.e.state(), SupvisorsStates::DEPLOYMENT);
    assert!(c.e.state_modes().starting_jobs);
    assert_eq!(starts(&c.event("a", "app:p1", STARTING, true)), []);
    assert_eq!(
        starts(&c.event("a", "app:p1", RUNNING, true)),
        [pair("a", "app:p2")]
    );
    c.event("a", "app:p2", RUNNING, true);
    assert!(!c.e.state_modes().starting_jobs);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
    // a new DEPLOYMENT does not replan a running application
    let out = c.command(Command::RestartSequence { wait: false });
    assert!(starts(&out).is_empty());
    let out = c.tick();
    assert!(
        starts(&out).is_empty(),
        "forced re-plan, but running processes are skipped"
    );
}

#[test]
fn item_87_applications_of_one_sequence_run_together() {
    let r = rules(
        &[("x", 1, 0), ("y", 1, 0), ("z", 2, 0)],
        &[
            ("x:p", 1, 0, false),
            ("y:p", 1, 0, false),
            ("z:p", 1, 0, false),
        ],
    );
    let mut c = Cluster::new(r, &[("x", "p"), ("y", "p"), ("z", "p")], |_| {});
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "x:p"), pair("a", "y:p")]);
    assert!(
        starts(&c.event("a", "x:p", RUNNING, true)).is_empty(),
        "y still running its job"
    );
    assert_eq!(
        starts(&c.event("a", "y:p", RUNNING, true)),
        [pair("a", "z:p")]
    );
}

#[test]
fn item_82_timeout_forces_fatal_without_failure_strategy() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick();
    // counters: request at a's counter 2; minimum 2 → times out when a's counter > 4
    for _ in 0..2 {
        let out = c.tick();
        assert!(c.loop_back(&out).is_empty());
    }
    let out = c.tick();
    let forced = c.loop_back(&out);
    assert_eq!(forced.len(), 1);
    assert_eq!(
        (forced[0].state, forced[0].reason.as_str()),
        (FATAL, "process STARTING event not received in time")
    );
    let p1 =
        c.e.context()
            .application("app")
            .and_then(|a| a.process("p1"))
            .map(|p| p.state());
    assert_eq!(p1, Some(FATAL));
    // p1 is required with ABORT, yet p2's group is pushed at once: no strategy on a timeout
    assert_eq!(starts(&out), [pair("a", "app:p2")]);
    assert!(c.e.state_modes().starting_jobs);
}

#[test]
fn item_80_backoff_rearms_the_request_counter() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick(); // request at counter 2, wait_ticks 2 (startsecs 0)
    c.event("a", "app:p1", STARTING, true);
    c.tick();
    c.event("a", "app:p1", BACKOFF, true); // re-armed at counter 3
    let mut forced = Vec::new();
    for _ in 0..2 {
        let out = c.tick();
        forced.extend(c.loop_back(&out)); // 5 would time out without the re-arm (5 > 2 + 2)
    }
    assert!(forced.is_empty());
    let out = c.tick();
    assert_eq!(
        c.loop_back(&out)[0].reason,
        "process RUNNING event not received in time"
    );
}

#[test]
fn item_83_84_no_resource_forces_fatal_and_applies_abort() {
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.identifiers = vec!["c".into()]; // c has no process configured
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    let out = c.tick();
    let forced = c.loop_back(&out);
    assert_eq!(forced.len(), 1, "p1 required + ABORT: p2 is never tried");
    assert_eq!(
        (forced[0].identifier.as_str(), forced[0].reason.as_str()),
        ("a", "no resource available")
    );
    assert!(!c.e.state_modes().starting_jobs);
}

#[test]
fn item_84_stop_and_continue_strategies() {
    for (strategy, tries) in [
        (StartingFailureStrategies::CONTINUE, 2),
        (StartingFailureStrategies::STOP, 1),
    ] {
        let mut r = app2();
        for p in r.processes.values_mut() {
            p.starting_failure_strategy = strategy;
        }
        let mut c = Cluster::new(r, &APP2, |_| {});
        c.event("b", "app:p0", RUNNING, true);
        let out = c.tick();
        assert_eq!(starts(&out), [pair("a", "app:p1")]);
        let out = c.event("a", "app:p1", FATAL, false);
        assert_eq!(starts(&out).len(), tries - 1, "{strategy}");
        if strategy == StartingFailureStrategies::STOP {
            assert_eq!(
                stops(&out),
                [pair("b", "app:p0")],
                "application stopped once its start job ended"
            );
        }
    }
}

#[test]
fn item_88_start_process_already_planned_or_running() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
    let out = c.command(Command::StartProcess {
        strategy: StartingStrategies::CONFIG,
        namespec: "app:p1".into(),
        extra_args: String::new(),
        wait: false,
    });
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(CommandError::AlreadyStarted("app:p1".into()))
    }));
    let start_p0 = Command::StartProcess {
        strategy: StartingStrategies::LESS_LOADED,
        namespec: "app:p0".into(),
        extra_args: "-v".into(),
        wait: true,
    };
    let out = c.command(start_p0.clone());
    assert_eq!(starts(&out), [pair("a", "app:p0")]);
    let out = c.e.handle(
        Input::Command {
            id: 10,
            cmd: start_p0,
        },
        c.now,
    );
    assert!(starts(&out).is_empty(), "already planned: skipped");
    let out = c.event("a", "app:p0", RUNNING, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
}

#[test]
fn item_89_restart_process_stops_then_starts() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.event("b", "app:p0", RUNNING, true);
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    let out = c.command(Command::RestartProcess {
        strategy: StartingStrategies::CONFIG,
        namespec: "app:p0".into(),
        extra_args: String::new(),
        wait: true,
    });
    assert_eq!(
        (stops(&out), starts(&out)),
        (vec![pair("b", "app:p0")], vec![])
    );
    let out = c.event("b", "app:p0", STOPPING, true);
    assert!(starts(&out).is_empty());
    let out = c.event("b", "app:p0", STOPPED, true);
    assert_eq!(
        starts(&out),
        [pair("a", "app:p0")],
        "started after the stop job completed"
    );
    let out = c.event("a", "app:p0", RUNNING, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
}

#[test]
fn item_90_lost_instance_with_pending_start_is_a_starting_failure() {
    // p1 can only go to b, which is then lost
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.identifiers = vec!["b".into()];
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    let out = c.tick();
    assert_eq!(starts(&out), [pair("b", "app:p1")]);
    c.event("b", "app:p1", STARTING, true);
    // b stops ticking: lost after inactivity_ticks
    let mut lost_at = None;
    for k in 0..5 {
        c.counter += 1;
        c.now += 5.0;
        c.tick_one("c");
        let out = c.tick_one("a");
        if c.e.context().instance_state("b") == crate::enums::SupvisorsInstanceStates::SILENT {
            lost_at.get_or_insert((k, out));
        }
    }
    let (_, out) = lost_at.expect("b lost");
    assert!(
        starts(&out).is_empty(),
        "ABORT on required p1: p2 not started"
    );
    assert!(!c.e.state_modes().starting_jobs);
}

#[test]
fn stop_application_and_global_stop_order() {
    let r = rules(
        &[("x", 1, 1), ("y", 1, 2)],
        &[
            ("x:p", 1, 1, false),
            ("x:q", 1, 2, false),
            ("y:p", 1, 1, false),
        ],
    );
    let mut c = Cluster::new(r, &[("x", "p"), ("x", "q"), ("y", "p")], |_| {});
    for ns in ["x:p", "x:q", "y:p"] {
        c.event("b", ns, RUNNING, true);
    }
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
    let out = c.command(Command::Shutdown);
    assert_eq!(c.e.state(), SupvisorsStates::SHUTTING_DOWN);
    assert_eq!(
        stops(&out),
        [pair("b", "y:p")],
        "greatest application stop_sequence first"
    );
    let out = c.event("b", "y:p", STOPPED, true);
    assert_eq!(
        stops(&out),
        [pair("b", "x:q")],
        "then greatest process stop_sequence"
    );
    let out = c.event("b", "x:q", STOPPED, true);
    assert_eq!(stops(&out), [pair("b", "x:p")]);
    c.event("b", "x:p", STOPPED, true);
    assert_eq!(
        c.e.state(),
        SupvisorsStates::SHUTTING_DOWN,
        "evaluated at the next tick"
    );
    let out = c.tick();
    assert!(out.contains(&Output::Request(DeferredRequest::Shutdown)));
    assert_eq!(c.e.state(), SupvisorsStates::SHUTDOWN);
}

#[test]
fn start_and_stop_application_requests() {
    let mut c = Cluster::new(app2(), &APP2, |cfg| {
        cfg.starting_strategy = StartingStrategies::CONFIG
    });
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    let out = c.command(Command::StartApplication {
        strategy: StartingStrategies::CONFIG,
        application: "app".into(),
        wait: true,
    });
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(CommandError::AlreadyStarted("app".into()))
    }));
    let out = c.command(Command::StopApplication {
        application: "zz".into(),
        wait: true,
    });
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(CommandError::BadName("zz".into()))
    }));
    let out = c.command(Command::StopApplication {
        application: "app".into(),
        wait: true,
    });
    assert_eq!(stops(&out), [pair("a", "app:p2")]);
    c.event("a", "app:p2", STOPPED, true);
    let out = c.event("a", "app:p1", STOPPED, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
}

#[test]
fn crash_with_stop_application_strategy_stops_it_at_next_tick() {
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.running_failure_strategy = crate::enums::RunningFailureStrategies::STOP_APPLICATION;
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    let out = c.event("a", "app:p2", EXITED, false);
    assert!(stops(&out).is_empty(), "deferred to the next tick");
    let out = c.tick();
    assert_eq!(stops(&out), [pair("a", "app:p1")]);
}

#[test]
fn lost_instance_restart_process_starts_elsewhere() {
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.running_failure_strategy = crate::enums::RunningFailureStrategies::RESTART_PROCESS;
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.event("b", "app:p0", RUNNING, true);
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    // b stops ticking
    let mut restarted = Vec::new();
    for _ in 0..5 {
        c.counter += 1;
        c.now += 5.0;
        c.tick_one("c");
        restarted.extend(starts(&c.tick_one("a")));
    }
    assert_eq!(
        restarted,
        [pair("a", "app:p0")],
        "p0 (not start-sequenced) restarted on a"
    );
}

fn conflict(strategy: crate::enums::ConciliationStrategies) -> Cluster {
    let r = rules(&[("app", 0, 0)], &[("app:p", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p")], |cfg| {
        cfg.conciliation_strategy = strategy
    });
    c.event("a", "app:p", STARTING, true); // start date = event date
    c.event("a", "app:p", RUNNING, true);
    c.now += 10.0;
    c.event("b", "app:p", STARTING, true);
    c.event("b", "app:p", RUNNING, true);
    c
}

#[test]
fn item_56_conciliation_applied_again_while_conflicts_remain() {
    let mut c = conflict(crate::enums::ConciliationStrategies::STOP);
    let out = c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::CONCILIATION);
    assert_eq!(stops(&out), [pair("a", "app:p"), pair("b", "app:p")]);
    let mut again = Vec::new();
    for _ in 0..4 {
        let out = c.tick();
        c.loop_back(&out); // forced STOPPED: running identifiers untouched, conflict stays
        again.extend(stops(&out));
    }
    assert_eq!(c.e.state(), SupvisorsStates::CONCILIATION, "no transition");
    assert_eq!(
        again,
        [pair("a", "app:p"), pair("b", "app:p")],
        "applied again once idle"
    );
}

#[test]
fn conciliate_request_with_user_strategy() {
    let mut c = conflict(crate::enums::ConciliationStrategies::USER);
    let out = c.tick();
    assert!(stops(&out).is_empty());
    assert_eq!(c.e.state(), SupvisorsStates::CONCILIATION);
    let out = c.command(Command::Conciliate(
        crate::enums::ConciliationStrategies::USER,
    ));
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(false))
    }));
    let out = c.command(Command::Conciliate(
        crate::enums::ConciliationStrategies::INFANTICIDE,
    ));
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
    assert_eq!(
        stops(&out),
        [pair("b", "app:p")],
        "a started first: it is the oldest"
    );
    c.event("b", "app:p", STOPPED, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
}

fn distributed(distribution: crate::enums::DistributionRules) -> Cluster {
    let mut r = rules(
        &[("app", 1, 1)],
        &[("app:p1", 1, 1, false), ("app:p2", 1, 1, false)],
    );
    if let Some(a) = r.applications.get_mut("app") {
        a.distribution = distribution;
        a.starting_strategy = StartingStrategies::LESS_LOADED;
    }
    for p in r.processes.values_mut() {
        p.expected_load = 30;
    }
    let mut big = ProcessRules::inherited(&ApplicationRules::without_engine());
    big.expected_load = 50;
    r.processes.insert("tools:big".into(), big);
    let nodes = |cfg: &mut EngineConfig| {
        // a alone on node x; b and c share node y
        for (i, node) in cfg.instances.iter_mut().zip(["x", "y", "y"]) {
            i.node = node.to_owned();
        }
    };
    let mut c = Cluster::new(r, &[("app", "p1"), ("app", "p2")], nodes);
    // c has the processes too
    let infos = vec![
        local_info("app", "p1", STOPPED),
        local_info("app", "p2", STOPPED),
    ];
    c.e.handle(
        Input::Peer {
            from: "c".into(),
            msg: InternalMessage::ProcessAdded(infos),
        },
        c.now,
    );
    c
}

#[test]
fn all_instances_spreads_processes_by_load() {
    let mut c = distributed(crate::enums::DistributionRules::ALL_INSTANCES);
    let out = c.tick();
    assert_eq!(
        starts(&out),
        [pair("a", "app:p1"), pair("b", "app:p2")],
        "pending load counted"
    );
}

#[test]
fn single_instance_puts_the_whole_application_on_one_instance() {
    let mut c = distributed(crate::enums::DistributionRules::SINGLE_INSTANCE);
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "app:p1"), pair("a", "app:p2")]);
}

#[test]
fn q1_single_node_uses_the_node_key() {
    // host names are the identifiers here, node keys are x and y: the reference would look
    // "a" up in a map keyed by node and find nothing
    let mut c = distributed(crate::enums::DistributionRules::SINGLE_NODE);
    let out = c.tick();
    let targets: Vec<String> = starts(&out).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        targets,
        ["a", "a"],
        "node x (a, least loaded and first) has one instance"
    );
}

#[test]
fn single_node_spreads_over_the_instances_of_the_chosen_node() {
    let mut c = distributed(crate::enums::DistributionRules::SINGLE_NODE);
    // load node x with an unmanaged process of 50: the application (60) no longer fits there
    let mut tools = local_info("tools", "big", RUNNING);
    tools.now = c.now;
    let msg = InternalMessage::ProcessAdded(vec![tools]);
    c.e.handle(
        Input::Peer {
            from: "a".into(),
            msg,
        },
        c.now,
    );
    assert_eq!(c.e.context().instance_load("a"), 50);
    let out = c.tick();
    assert_eq!(
        starts(&out),
        [pair("b", "app:p1"), pair("c", "app:p2")],
        "node y, both instances"
    );
}

#[test]
fn item_99_disabled_instance_leaves_the_candidates() {
    let mut c = distributed(crate::enums::DistributionRules::ALL_INSTANCES);
    for from in ["a", "b"] {
        let mut info = local_info("app", "p1", STOPPED);
        info.disabled = true;
        let msg = InternalMessage::ProcessDisability(info);
        c.e.handle(
            Input::Peer {
                from: from.into(),
                msg,
            },
            c.now,
        );
    }
    let state_before = c.e.context().application("app").map(|a| a.state);
    let out = c.tick();
    assert_eq!(starts(&out)[0], pair("c", "app:p1"), "only c left for p1");
    assert_eq!(state_before, Some(crate::enums::ApplicationStates::STOPPED));
}

#[test]
fn start_any_process_picks_the_first_placeable_stopped_match() {
    let mut r = app2();
    if let Some(p) = r.processes.get_mut("app:p2") {
        p.identifiers = vec!["c".into()]; // c has no process: p2 cannot be placed
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.event("a", "app:p1", RUNNING, true);
    c.tick();
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
    let any = |regex: &str, wait: bool| Command::StartAnyProcess {
        strategy: StartingStrategies::CONFIG,
        regex: regex.into(),
        extra_args: String::new(),
        wait,
    };
    let out = c.command(any("p[0-9]", true));
    assert_eq!(
        starts(&out),
        [pair("a", "app:p0")],
        "p1 runs, p2 cannot be placed"
    );
    let out = c.event("a", "app:p0", RUNNING, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Namespec("app:p0".into()))
    }));
    let out = c.command(any("p2", false));
    let err = CommandError::BadName("no candidate process matching \"p2\"".into());
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(err)
    }));
    let out = c.command(any("(", false));
    assert!(matches!(
        out.last(),
        Some(Output::Reply {
            result: Err(CommandError::IncorrectParameters(_)),
            ..
        })
    ));
}

#[test]
fn q16_a_restarted_target_does_not_block_a_command() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.event("b", "app:p0", RUNNING, true);
    for _ in 0..10 {
        c.tick(); // counters reach 12
    }
    let out = c.command(Command::StopProcess {
        namespec: "app:p0".into(),
        wait: false,
    });
    assert_eq!(stops(&out), [pair("b", "app:p0")]);
    // b restarts: its counter goes back to 1 (stealth restart); the command must not wait for
    // counter 12 + wait_ticks (here the lost-instance path drops it; the counter check of
    // `ApplicationJobs::check` is the safety net for any other path)
    let tick = TickPayload {
        when: c.now,
        sequence_counter: 1,
        status: None,
    };
    c.e.handle(
        Input::Peer {
            from: "b".into(),
            msg: InternalMessage::Tick(tick),
        },
        c.now,
    );
    c.counter += 1;
    c.now += 5.0;
    c.tick_one("c");
    c.tick_one("a");
    assert!(
        !c.e.state_modes().stopping_jobs,
        "dropped with the lost instance"
    );
}

#[test]
fn q16_no_stop_request_to_a_silent_target() {
    let r = rules(&[("app", 0, 0)], &[("app:p0", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p0")], |_| {});
    c.event("b", "app:p0", RUNNING, true);
    c.tick();
    // a re-synchronization resets b to UNKNOWN, then b fails its handshake: SILENT without
    // its processes being invalidated (reference behaviour), so p0 still reads running on b
    c.e.set_state(SupvisorsStates::INITIALIZATION, c.now);
    for (id, ok) in [("a", true), ("c", true), ("b", false)] {
        c.tick_one(id);
        let mut result = HandshakeResult::failed();
        result.authorized = ok.then_some(true);
        c.e.handle(
            Input::Handshake {
                from: id.into(),
                result,
            },
            c.now,
        );
    }
    c.counter += 1;
    c.now += 5.0;
    c.tick_one("c");
    c.tick_one("a"); // b stays silent: otherwise its tick would start a new check
    assert_eq!(c.e.state(), SupvisorsStates::OPERATION);
    assert_eq!(running_on_view(&c, "p0"), ["b"]);
    let out = c.command(Command::StopProcess {
        namespec: "app:p0".into(),
        wait: false,
    });
    assert!(
        stops(&out).is_empty(),
        "no request that could never be answered"
    );
    let err = CommandError::NotRunning("app:p0".into());
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(err)
    }));
}

fn running_on_view(c: &Cluster, process: &str) -> Vec<String> {
    c.e.context()
        .application("app")
        .and_then(|a| a.process(process))
        .map(|p| p.running_identifiers().to_vec())
        .unwrap_or_default()
}

#[test]
fn q17_events_of_a_checking_instance_are_replayed_after_its_handshake() {
    for (snapshot_age, expected) in [(-1.0, vec!["b".to_owned()]), (1.0, vec![])] {
        let r = rules(&[("app", 0, 0)], &[("app:p0", 0, 0, false)]);
        let mut c = Cluster::new(r, &[("app", "p0")], |_| {});
        c.tick();
        c.e.set_state(SupvisorsStates::INITIALIZATION, c.now); // everybody UNKNOWN again
        c.tick_one("a");
        let mut result = HandshakeResult::failed();
        result.authorized = Some(true);
        c.e.handle(
            Input::Handshake {
                from: "a".into(),
                result,
            },
            c.now,
        );
        c.tick_one("b");
        assert_eq!(
            c.e.context().instance_state("b"),
            crate::enums::SupvisorsInstanceStates::CHECKING
        );
        c.event("b", "app:p0", RUNNING, true); // kept, not applied
        assert!(running_on_view(&c, "p0").is_empty());
        let mut snapshot = local_info("app", "p0", STOPPED);
        snapshot.now = c.now + snapshot_age;
        let mut result = HandshakeResult::failed();
        result.authorized = Some(true);
        result.processes = vec![snapshot];
        c.e.handle(
            Input::Handshake {
                from: "b".into(),
                result,
            },
            c.now,
        );
        assert_eq!(
            running_on_view(&c, "p0"),
            expected,
            "snapshot age {snapshot_age}"
        );
    }
}

#[test]
fn item_59_restart_sequence_replans_every_auto_start_application() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", RUNNING, true);
    c.event("a", "app:p2", RUNNING, true);
    c.tick();
    let out = c.command(Command::StopApplication {
        application: "app".into(),
        wait: false,
    });
    assert_eq!(stops(&out), [pair("a", "app:p2")]);
    c.event("a", "app:p2", STOPPED, true);
    c.event("a", "app:p1", STOPPED, true);
    // stopped, neither failed nor never started: a plain repair DEPLOYMENT would skip it
    let app =
        c.e.context()
            .application("app")
            .map(|a| (a.state, a.major_failure, a.never_started()));
    assert_eq!(
        app,
        Some((crate::enums::ApplicationStates::STOPPED, false, false))
    );
    c.command(Command::RestartSequence { wait: false });
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "app:p1")], "forced: planned again");
}

#[test]
fn stop_local_processes_stops_only_the_local_copies() {
    let r = rules(&[("app", 0, 0)], &[("app:p0", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p0")], |_| {});
    c.tick();
    c.event("a", "app:p0", RUNNING, true);
    c.event("b", "app:p0", RUNNING, true);
    let out = c.command(Command::StopLocalProcesses(vec![
        "app:p0".into(),
        "app:zz".into(),
    ]));
    assert_eq!(stops(&out), [pair("a", "app:p0")], "local instance only");
    assert!(
        !out.iter().any(|o| matches!(o, Output::Reply { .. })),
        "deferred"
    );
    let out = c.event("a", "app:p0", STOPPED, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
    assert_eq!(running_on_view(&c, "p0"), ["b"]);
}
