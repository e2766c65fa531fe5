//! The FSM as driven by the engine (checklist 47–64; Q13, Q15).

use super::*;
use crate::commands::{Command, CommandError, CommandReply};
use crate::enums::RunningFailureStrategies;
use crate::enums::{ProcessStates, SupvisorsInstanceStates};
use crate::fsm::RedeployMark;
use crate::messages::HandshakeResult;
use crate::messages::{LocalProcessInfo, ProcessEvent};
use crate::process::tests::{event, local_info};
use crate::rules::{ApplicationRules, ProcessRules};
use crate::rules_provider::{FixedRules, NoRulesEngine};
use SupvisorsStates::*;

fn engine_with(local: &str, ids: &[&str], tune: impl FnOnce(&mut EngineConfig)) -> Engine {
    let mut config = EngineConfig::new(local, ids).unwrap();
    tune(&mut config);
    let mut rules = FixedRules::default();
    let mut app = ApplicationRules::without_engine();
    app.managed = true;
    rules.applications.insert("app".into(), app.clone());
    let mut p = ProcessRules::inherited(&app);
    p.running_failure_strategy = RunningFailureStrategies::Restart;
    rules.processes.insert("app:restart".into(), p.clone());
    p.running_failure_strategy = RunningFailureStrategies::Shutdown;
    rules.processes.insert("app:shutdown".into(), p);
    let mut e = Engine::new(config, Box::new(rules));
    e.start(0.0);
    e
}

fn engine(local: &str, ids: &[&str]) -> Engine {
    engine_with(local, ids, |_| {})
}

fn tick(e: &mut Engine, from: &str, counter: u64, now: f64) -> Vec<Output> {
    let msg = InternalMessage::Tick(TickPayload {
        when: now,
        sequence_counter: counter,
        status: None,
    });
    e.handle(
        Input::Peer {
            from: from.into(),
            msg,
        },
        now,
    )
}

fn handshake(
    e: &mut Engine,
    from: &str,
    auth: Option<bool>,
    master: &str,
    state: SupvisorsStates,
    now: f64,
) -> Vec<Output> {
    let result = HandshakeResult {
        authorized: auth,
        master: master.into(),
        state_modes: StateModes {
            fsm_state: state,
            starting_jobs: false,
            stopping_jobs: false,
        },
        processes: Vec::new(),
        intents: Vec::new(),
    };
    e.handle(
        Input::Handshake {
            from: from.into(),
            result,
        },
        now,
    )
}

/// Each instance sends a tick and passes the handshake, reporting no master, at `now`.
fn join(e: &mut Engine, ids: &[&str], now: f64) {
    for id in ids {
        tick(e, id, 1, now);
        handshake(e, id, Some(true), "", Initialization, now);
    }
}

fn states_broadcast(out: &[Output]) -> Vec<SupvisorsStates> {
    out.iter()
        .filter_map(|o| match o {
            Output::Broadcast(InternalMessage::State(m)) => Some(m.fsm_state),
            _ => None,
        })
        .collect()
}

/// a, b, c all RUNNING; a is master in OPERATION.
fn operating(local: &str) -> Engine {
    let mut e = engine(local, &["a", "b", "c"]);
    join(&mut e, &[local], 5.0);
    let others: Vec<&str> = ["a", "b", "c"]
        .into_iter()
        .filter(|i| *i != local)
        .collect();
    join(&mut e, &others, 5.0);
    tick(&mut e, local, 2, 10.0);
    if local != "a" {
        let modes = StateModes {
            fsm_state: Operation,
            starting_jobs: false,
            stopping_jobs: false,
        };
        e.handle(
            Input::Peer {
                from: "a".into(),
                msg: InternalMessage::State(modes),
            },
            10.0,
        );
    }
    assert_eq!(e.state(), Operation);
    e
}

/// Remote instances tick first, then the local one (which runs the periodic check).
fn tick_all(e: &mut Engine, remotes: &[&str], local: &str, counter: u64, now: f64) -> Vec<Output> {
    for id in remotes {
        tick(e, id, counter, now);
    }
    tick(e, local, counter, now)
}

#[test]
fn item_47_sync_ends_when_every_instance_is_known() {
    let mut e = engine("a", &["a", "b", "c"]);
    assert_eq!(e.state(), Initialization);
    join(&mut e, &["a", "b"], 1.0);
    tick(&mut e, "a", 2, 2.0);
    assert_eq!(e.state(), Initialization, "c still UNKNOWN");
    join(&mut e, &["c"], 2.0);
    let out = tick(&mut e, "a", 3, 3.0);
    assert_eq!(states_broadcast(&out), [Deployment, Operation]);
    assert_eq!((e.master(), e.state()), ("a", Operation));
}

#[test]
fn item_48_core_instances_end_sync_after_delay() {
    let tune = |c: &mut EngineConfig| {
        c.core_identifiers = vec!["a".into(), "b".into()];
        c.synchro_timeout = 60;
    };
    let mut e = engine_with("a", &["a", "b", "c"], tune);
    join(&mut e, &["a", "b"], 5.0);
    tick(&mut e, "a", 2, 10.0);
    assert_eq!(e.state(), Initialization, "uptime 10 <= delay 15");
    tick(&mut e, "a", 3, 16.0);
    assert_eq!((e.state(), e.master()), (Operation, "a"));
    // same, but b declares a master (c) that is not RUNNING
    let mut e = engine_with("a", &["a", "b", "c"], tune);
    join(&mut e, &["a"], 5.0);
    tick(&mut e, "b", 1, 5.0);
    handshake(&mut e, "b", Some(true), "c", Operation, 5.0);
    assert_eq!(e.master(), "c");
    tick(&mut e, "a", 3, 16.0);
    assert_eq!(e.state(), Initialization);
}

#[test]
fn item_54_master_refuses_bad_transition_non_master_accepts() {
    let mut e = engine("a", &["a"]);
    e.ctx.master = "a".into();
    e.set_state(Operation, 1.0);
    assert_eq!(e.state(), Initialization);
    let mut e = operating("b");
    assert!(!e.is_master());
    e.set_state(Shutdown, 11.0);
    assert_eq!(e.state(), Shutdown);
}

#[test]
fn item_55_non_master_follows_master_state_in_one_call() {
    let mut e = engine("b", &["a", "b"]);
    join(&mut e, &["b"], 1.0);
    tick(&mut e, "a", 1, 1.0);
    let out = handshake(&mut e, "a", Some(true), "a", Operation, 1.0);
    assert_eq!(states_broadcast(&out), [Deployment, Operation]);
    assert_eq!((e.master(), e.master_state()), ("a", Some(Operation)));
}

#[test]
fn item_57_closing_states_end_when_master_is_lost() {
    let mut e = operating("b");
    let modes = StateModes {
        fsm_state: Restarting,
        starting_jobs: false,
        stopping_jobs: true,
    };
    e.handle(
        Input::Peer {
            from: "a".into(),
            msg: InternalMessage::State(modes),
        },
        11.0,
    );
    assert_eq!(e.state(), Restarting);
    // a stops ticking: lost after inactivity_ticks, RESTART instead of INITIALIZATION
    for counter in 3..=6 {
        tick(&mut e, "b", counter, 10.0 + 5.0 * counter as f64);
        tick(&mut e, "c", counter, 10.0 + 5.0 * counter as f64);
    }
    assert_eq!(
        e.context().instance_state("a"),
        SupvisorsInstanceStates::Silent
    );
    assert_eq!(e.state(), Restart);
}

#[test]
fn item_58_final_states_request_the_local_supervisor_only() {
    let mut e = operating("a");
    let out = e.handle(
        Input::Command {
            id: 7,
            cmd: Command::Restart,
        },
        11.0,
    );
    assert_eq!(e.state(), Restart);
    let requests: Vec<_> = out
        .iter()
        .filter(|o| matches!(o, Output::Request(_)))
        .collect();
    assert_eq!(requests, [&Output::Request(DeferredRequest::Restart)]);
    assert!(out.contains(&Output::Reply {
        id: 7,
        result: Ok(CommandReply::Bool(true))
    }));
    let mut e = operating("a");
    let out = e.handle(
        Input::Command {
            id: 8,
            cmd: Command::Shutdown,
        },
        11.0,
    );
    assert_eq!(states_broadcast(&out), [ShuttingDown, Shutdown]);
    assert!(out.contains(&Output::Request(DeferredRequest::Shutdown)));
}

#[test]
fn item_59_restart_sequence_master_and_forwarded() {
    let mut e = operating("a");
    let out = e.handle(
        Input::Command {
            id: 1,
            cmd: Command::RestartSequence { wait: true },
        },
        11.0,
    );
    assert_eq!(e.redeploy_mark(), RedeployMark::Forced);
    assert!(!out.iter().any(|o| matches!(o, Output::Reply { .. })));
    let out = tick(&mut e, "a", 3, 15.0);
    assert_eq!(states_broadcast(&out), [Deployment, Operation]);
    assert!(out.contains(&Output::Reply {
        id: 1,
        result: Ok(CommandReply::Bool(true))
    }));
    assert_eq!(e.redeploy_mark(), RedeployMark::None);
    let mut e = operating("b");
    let out = e.handle(
        Input::Command {
            id: 2,
            cmd: Command::RestartSequence { wait: false },
        },
        11.0,
    );
    assert!(
        out.contains(&Output::Request(DeferredRequest::RestartSequence(
            "a".into()
        )))
    );
    assert!(out.contains(&Output::Reply {
        id: 2,
        result: Ok(CommandReply::Bool(true))
    }));
}

#[test]
fn item_60_split_brain_forces_initialization() {
    let mut e = engine("a", &["a", "b", "c", "d"]);
    join(&mut e, &["a", "b", "c"], 1.0);
    tick(&mut e, "a", 2, 20.0); // d UNKNOWN → SILENT, sync ends
    assert_eq!((e.state(), e.master()), (Operation, "a"));
    tick(&mut e, "d", 1, 21.0);
    handshake(&mut e, "d", Some(true), "d", Operation, 21.0);
    assert_eq!((e.state(), e.master()), (Initialization, ""));
}

#[test]
fn item_61_late_instance_adopts_master() {
    let mut e = engine("c", &["a", "b", "c"]);
    join(&mut e, &["c"], 1.0);
    tick(&mut e, "b", 1, 1.0);
    handshake(&mut e, "b", Some(true), "b", Operation, 1.0);
    assert_eq!(e.master(), "b", "adopted although a < b");
}

#[test]
fn item_62_newcomer_sets_redeploy_mark_rejections_change_nothing() {
    let mut e = engine("a", &["a", "b", "c"]);
    join(&mut e, &["a", "b"], 1.0);
    tick(&mut e, "a", 2, 20.0);
    assert_eq!(
        (e.state(), e.redeploy_mark()),
        (Operation, RedeployMark::None)
    );
    tick(&mut e, "c", 1, 21.0);
    handshake(&mut e, "c", Some(false), "zz", Operation, 21.0);
    assert_eq!((e.redeploy_mark(), e.master()), (RedeployMark::None, "a"));
    assert_eq!(
        e.context().instance_state("c"),
        SupvisorsInstanceStates::Isolating
    );
    let mut e = engine("a", &["a", "b", "c"]);
    join(&mut e, &["a", "b"], 1.0);
    tick(&mut e, "a", 2, 20.0);
    tick(&mut e, "c", 1, 21.0);
    handshake(&mut e, "c", Some(true), "a", Operation, 21.0);
    assert_eq!(e.redeploy_mark(), RedeployMark::Requested);
    let out = tick(&mut e, "a", 3, 25.0);
    assert_eq!(
        states_broadcast(&out),
        [Deployment, Operation],
        "repair DEPLOYMENT"
    );
}

#[test]
fn item_63_state_from_master_only() {
    let mut e = operating("b");
    let modes = |s| StateModes {
        fsm_state: s,
        starting_jobs: false,
        stopping_jobs: false,
    };
    e.handle(
        Input::Peer {
            from: "c".into(),
            msg: InternalMessage::State(modes(ShuttingDown)),
        },
        11.0,
    );
    assert_eq!((e.state(), e.master_state()), (Operation, Some(Operation)));
    e.handle(
        Input::Peer {
            from: "a".into(),
            msg: InternalMessage::State(modes(ShuttingDown)),
        },
        11.0,
    );
    assert_eq!(e.state(), ShuttingDown, "immediate, no tick needed");
}

fn load(e: &mut Engine, from: &str, infos: Vec<LocalProcessInfo>) {
    e.handle(
        Input::Peer {
            from: from.into(),
            msg: InternalMessage::ProcessAdded(infos),
        },
        12.0,
    );
}

fn crash(name: &str) -> ProcessEvent {
    let mut ev = event(ProcessStates::Fatal, 13.0);
    ev.name = name.into();
    ev
}

#[test]
fn item_64_crash_reaction_restart_shutdown() {
    for (name, expected) in [("restart", Restart), ("shutdown", Shutdown)] {
        let mut e = operating("a");
        load(
            &mut e,
            "b",
            vec![local_info("app", name, ProcessStates::Running)],
        );
        e.handle(
            Input::Peer {
                from: "b".into(),
                msg: InternalMessage::Process(crash(name)),
            },
            13.0,
        );
        assert_eq!(e.state(), expected);
        let mut e = operating("b");
        load(
            &mut e,
            "b",
            vec![local_info("app", name, ProcessStates::Running)],
        );
        let out = e.handle(
            Input::Peer {
                from: "b".into(),
                msg: InternalMessage::Process(crash(name)),
            },
            13.0,
        );
        assert_eq!(e.state(), Operation, "non-master does nothing");
        assert!(!out.iter().any(|o| matches!(o, Output::Request(_))));
    }
}

#[test]
fn item_53_conflict_before_redeploy() {
    let mut e = engine("a", &["a", "b", "c"]);
    join(&mut e, &["a", "b"], 1.0);
    tick(&mut e, "a", 2, 20.0);
    load(
        &mut e,
        "a",
        vec![local_info("app", "p", ProcessStates::Running)],
    );
    load(
        &mut e,
        "b",
        vec![local_info("app", "p", ProcessStates::Running)],
    );
    tick(&mut e, "c", 1, 21.0);
    handshake(&mut e, "c", Some(true), "a", Operation, 21.0);
    assert_eq!(e.redeploy_mark(), RedeployMark::Requested);
    tick_all(&mut e, &["b", "c"], "a", 3, 25.0);
    assert_eq!(e.state(), Conciliation);
    tick_all(&mut e, &["b", "c"], "a", 4, 30.0);
    assert_eq!(e.state(), Conciliation, "conflict left: stay");
    let mut stopped = event(ProcessStates::Stopped, 31.0);
    stopped.name = "p".into();
    e.handle(
        Input::Peer {
            from: "b".into(),
            msg: InternalMessage::Process(stopped),
        },
        31.0,
    );
    let out = tick_all(&mut e, &["b", "c"], "a", 5, 35.0);
    assert_eq!(states_broadcast(&out), [Operation, Deployment, Operation]);
}

#[test]
fn guard_refuses_commands_in_initialization() {
    let mut e = engine("a", &["a"]);
    let out = e.handle(
        Input::Command {
            id: 3,
            cmd: Command::Restart,
        },
        1.0,
    );
    assert!(matches!(
        out.as_slice(),
        [Output::Reply {
            id: 3,
            result: Err(CommandError::BadSupvisorsState {
                state: Initialization,
                ..
            })
        }]
    ));
}

#[test]
fn local_tick_broadcasts_counter() {
    let mut config = EngineConfig::new("a", &["a"]).unwrap();
    config.tick_status = false;
    let mut e = Engine::new(config, Box::new(NoRulesEngine));
    assert_eq!(e.state(), Off);
    let out = e.handle(Input::LocalTick { when: 5.0 }, 5.0);
    let out2 = e.handle(Input::LocalTick { when: 10.0 }, 10.0);
    assert_eq!(
        out,
        [Output::Broadcast(InternalMessage::Tick(TickPayload {
            when: 5.0,
            sequence_counter: 0,
            status: None,
        }))]
    );
    assert_eq!(
        out2,
        [Output::Broadcast(InternalMessage::Tick(TickPayload {
            when: 10.0,
            sequence_counter: 1,
            status: None,
        }))]
    );
}

fn tick_with_master(e: &mut Engine, from: &str, counter: u64, now: f64, master: &str) {
    let msg = InternalMessage::Tick(TickPayload {
        when: now,
        sequence_counter: counter,
        status: Some(TickStatus {
            master: master.into(),
            state_modes: StateModes {
                fsm_state: Operation,
                starting_jobs: false,
                stopping_jobs: false,
            },
        }),
    });
    e.handle(
        Input::Peer {
            from: from.into(),
            msg,
        },
        now,
    );
}

#[test]
fn q13_tick_status_detects_split_brain() {
    let mut e = operating("a");
    let out = e.handle(Input::LocalTick { when: 11.0 }, 11.0);
    assert!(
        matches!(&out[..], [Output::Broadcast(InternalMessage::Tick(t))] if t.status.as_ref().is_some_and(|s| s.master == "a"))
    );
    tick_with_master(&mut e, "b", 3, 12.0, "a");
    tick_with_master(&mut e, "c", 3, 12.0, "");
    assert_eq!(e.state(), Operation, "same or no master: nothing");
    tick_with_master(&mut e, "b", 4, 13.0, "b");
    assert_eq!((e.state(), e.master()), (Initialization, ""));
}

#[test]
fn q13_reference_behaviour_keeps_split_brain() {
    let mut e = engine_with("a", &["a", "b", "c"], |c| c.tick_status = false);
    join(&mut e, &["a", "b", "c"], 5.0);
    tick(&mut e, "a", 2, 10.0);
    assert_eq!(e.state(), Operation);
    let out = e.handle(Input::LocalTick { when: 11.0 }, 11.0);
    assert!(
        matches!(&out[..], [Output::Broadcast(InternalMessage::Tick(t))] if t.status.is_none())
    );
    tick_with_master(&mut e, "b", 4, 13.0, "b");
    assert_eq!((e.state(), e.master()), (Operation, "a"));
}

#[test]
fn q15_tick_status_recovers_a_lost_state_message() {
    let mut e = engine("b", &["a", "b", "c"]);
    join(&mut e, &["b", "a", "c"], 5.0);
    tick(&mut e, "b", 2, 10.0);
    assert_eq!(
        (e.state(), e.master()),
        (Deployment, "a"),
        "waiting for the master state"
    );
    tick_with_master(&mut e, "a", 3, 11.0, "a");
    assert_eq!(e.state(), Operation);
}
