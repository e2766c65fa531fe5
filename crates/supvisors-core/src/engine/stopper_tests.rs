//! Stopper, failure handler and conciliation through the engine (checklist 56, 89; Q16, Q17).

use super::fixture::*;
use super::*;
use crate::commands::{Command, CommandError, CommandReply};
use crate::enums::{ProcessStates, StartingStrategies};
use crate::messages::{ForcedProcessEvent, HandshakeResult, InternalMessage};
use crate::process::tests::local_info;
use ProcessStates::*;

#[test]
fn item_89_restart_process_stops_then_starts() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.event("b", "app:p0", Running, true);
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    let out = c.command(Command::RestartProcess {
        strategy: StartingStrategies::Config,
        namespec: "app:p0".into(),
        extra_args: String::new(),
        wait: true,
    });
    assert_eq!(
        (stops(&out), starts(&out)),
        (vec![pair("b", "app:p0")], vec![])
    );
    let out = c.event("b", "app:p0", Stopping, true);
    assert!(starts(&out).is_empty());
    let out = c.event("b", "app:p0", Stopped, true);
    assert_eq!(
        starts(&out),
        [pair("a", "app:p0")],
        "started after the stop job completed"
    );
    let out = c.event("a", "app:p0", Running, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
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
        c.event("b", ns, Running, true);
    }
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    let out = c.command(Command::Shutdown);
    assert_eq!(c.e.state(), SupvisorsStates::ShuttingDown);
    assert_eq!(
        stops(&out),
        [pair("b", "y:p")],
        "greatest application stop_sequence first"
    );
    let out = c.event("b", "y:p", Stopped, true);
    assert_eq!(
        stops(&out),
        [pair("b", "x:q")],
        "then greatest process stop_sequence"
    );
    let out = c.event("b", "x:q", Stopped, true);
    assert_eq!(stops(&out), [pair("b", "x:p")]);
    c.event("b", "x:p", Stopped, true);
    assert_eq!(
        c.e.state(),
        SupvisorsStates::ShuttingDown,
        "evaluated at the next tick"
    );
    let out = c.tick();
    assert!(out.contains(&Output::Request(DeferredRequest::Shutdown)));
    assert_eq!(c.e.state(), SupvisorsStates::Shutdown);
}

#[test]
fn start_and_stop_application_requests() {
    let mut c = Cluster::new(app2(), &APP2, |cfg| {
        cfg.starting_strategy = StartingStrategies::Config
    });
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    let out = c.command(Command::StartApplication {
        strategy: StartingStrategies::Config,
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
    c.event("a", "app:p2", Stopped, true);
    let out = c.event("a", "app:p1", Stopped, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(true))
    }));
}

#[test]
fn crash_with_stop_application_strategy_stops_it_at_next_tick() {
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.running_failure_strategy = crate::enums::RunningFailureStrategies::StopApplication;
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    let out = c.event("a", "app:p2", Exited, false);
    assert!(stops(&out).is_empty(), "deferred to the next tick");
    let out = c.tick();
    assert_eq!(stops(&out), [pair("a", "app:p1")]);
}

#[test]
fn lost_instance_restart_process_starts_elsewhere() {
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.running_failure_strategy = crate::enums::RunningFailureStrategies::RestartProcess;
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.event("b", "app:p0", Running, true);
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
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

#[test]
fn item_56_conciliation_applied_again_while_conflicts_remain() {
    let mut c = conflict(crate::enums::ConciliationStrategies::Stop);
    let out = c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Conciliation);
    assert_eq!(stops(&out), [pair("a", "app:p"), pair("b", "app:p")]);
    let mut again = Vec::new();
    for _ in 0..4 {
        let out = c.tick();
        c.loop_back(&out); // forced STOPPED: running identifiers untouched, conflict stays
        again.extend(stops(&out));
    }
    assert_eq!(c.e.state(), SupvisorsStates::Conciliation, "no transition");
    assert_eq!(
        again,
        [pair("a", "app:p"), pair("b", "app:p")],
        "applied again once idle"
    );
}

#[test]
fn conciliate_request_with_user_strategy() {
    let mut c = conflict(crate::enums::ConciliationStrategies::User);
    let out = c.tick();
    assert!(stops(&out).is_empty());
    assert_eq!(c.e.state(), SupvisorsStates::Conciliation);
    let out = c.command(Command::Conciliate(
        crate::enums::ConciliationStrategies::User,
    ));
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Ok(CommandReply::Bool(false))
    }));
    let out = c.command(Command::Conciliate(
        crate::enums::ConciliationStrategies::Infanticide,
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
    c.event("b", "app:p", Stopped, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
}

#[test]
fn q16_a_restarted_target_does_not_block_a_command() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.event("b", "app:p0", Running, true);
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
    c.event("b", "app:p0", Running, true);
    c.tick();
    // a re-synchronization resets b to UNKNOWN, then b fails its handshake: SILENT without
    // its processes being invalidated (reference behaviour), so p0 still reads running on b
    c.e.set_state(SupvisorsStates::Initialization, c.now);
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
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
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

#[test]
fn q17_events_of_a_checking_instance_are_replayed_after_its_handshake() {
    q17_replay(&[(-1.0, vec!["b".to_owned()]), (1.0, vec![])]);
}

/// A snapshot taken at the instant of the event (same `now`) may predate it: the event is
/// replayed (it was dropped, leaving the process running in the view for good).
#[test]
fn q17_event_at_the_instant_of_the_handshake_snapshot_is_replayed() {
    q17_replay(&[(0.0, vec!["b".to_owned()])]);
}

/// A master may decide "no resource available" before this instance has authorized it: the
/// forced event is kept like process events and weighed after the handshake, against when the
/// loaded state began (a never-started process: the forced state holds).
#[test]
fn q17_forced_event_of_a_checking_instance_is_replayed_after_its_handshake() {
    let mut c = b_checking();
    let forced = ForcedProcessEvent {
        group: "app".into(),
        name: "p0".into(),
        state: Fatal,
        identifier: "b".into(),
        now: c.now,
        reason: "no resource available".into(),
        extra_args: String::new(),
    };
    c.e.handle(
        Input::Peer {
            from: "b".into(),
            msg: InternalMessage::ForcedProcess(forced),
        },
        c.now,
    );
    let state = |c: &Cluster| {
        c.e.context()
            .application("app")
            .and_then(|a| a.process("p0"))
            .map(|p| p.state())
    };
    assert_eq!(state(&c), Some(Stopped), "kept while b is CHECKING");
    // The snapshot is newer than the decision, but the process never started on b.
    let mut snapshot = local_info("app", "p0", Stopped);
    snapshot.now = c.now + 1.0;
    authorize(&mut c, "b", vec![snapshot]);
    assert_eq!(state(&c), Some(Fatal));
}

/// Everybody UNKNOWN again, then a authorized and b CHECKING (its handshake not answered).
fn b_checking() -> Cluster {
    let r = rules(&[("app", 0, 0)], &[("app:p0", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p0")], |_| {});
    c.tick();
    c.e.set_state(SupvisorsStates::Initialization, c.now);
    c.tick_one("a");
    authorize(&mut c, "a", Vec::new());
    c.tick_one("b");
    assert_eq!(
        c.e.context().instance_state("b"),
        crate::enums::SupvisorsInstanceStates::Checking
    );
    c
}

/// The handshake with `from` answers: authorized, with this snapshot of its processes.
fn authorize(c: &mut Cluster, from: &str, processes: Vec<crate::messages::LocalProcessInfo>) {
    let mut result = HandshakeResult::failed();
    result.authorized = Some(true);
    result.processes = processes;
    c.e.handle(
        Input::Handshake {
            from: from.into(),
            result,
        },
        c.now,
    );
}

fn q17_replay(cases: &[(f64, Vec<String>)]) {
    for (snapshot_age, expected) in cases.iter().cloned() {
        let mut c = b_checking();
        c.event("b", "app:p0", Running, true); // kept, not applied
        assert!(running_on_view(&c, "p0").is_empty());
        let mut snapshot = local_info("app", "p0", Stopped);
        snapshot.now = c.now + snapshot_age;
        authorize(&mut c, "b", vec![snapshot]);
        assert_eq!(
            running_on_view(&c, "p0"),
            expected,
            "snapshot age {snapshot_age}"
        );
    }
}

#[test]
fn stop_local_processes_stops_only_the_local_copies() {
    let r = rules(&[("app", 0, 0)], &[("app:p0", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p0")], |_| {});
    c.tick();
    c.event("a", "app:p0", Running, true);
    c.event("b", "app:p0", Running, true);
    let out = c.command(Command::StopLocalProcesses(vec![
        "app:p0".into(),
        "app:zz".into(),
    ]));
    assert_eq!(stops(&out), [pair("a", "app:p0")], "local instance only");
    assert!(
        !out.iter().any(|o| matches!(o, Output::Reply { .. })),
        "deferred"
    );
    // As the reference (`disable`, `_decrease_numprocs`): the process stopped here still runs
    // on b, so it is reported as still running.
    let out = c.event("a", "app:p0", Stopped, true);
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(CommandError::AbnormalTermination("app:p0".into()))
    }));
    assert_eq!(running_on_view(&c, "p0"), ["b"]);
}

#[test]
fn stop_local_processes_checks_only_what_ran_here() {
    let r = rules(
        &[("app", 0, 0)],
        &[("app:p0", 0, 0, false), ("app:p1", 0, 0, false)],
    );
    let mut c = Cluster::new(r, &[("app", "p0"), ("app", "p1")], |_| {});
    c.tick();
    c.event("a", "app:p0", Running, true);
    c.event("b", "app:p1", Running, true);
    let out = c.command(Command::StopLocalProcesses(vec![
        "app:p0".into(),
        "app:p1".into(),
    ]));
    assert_eq!(stops(&out), [pair("a", "app:p0")], "local instance only");
    let out = c.event("a", "app:p0", Stopped, true);
    assert!(
        out.contains(&Output::Reply {
            id: 9,
            result: Ok(CommandReply::Bool(true))
        }),
        "app:p1 did not run here: not reported"
    );
    assert_eq!(running_on_view(&c, "p1"), ["b"]);
}

/// Q21: a stop whose request was lost times out and forces STOPPED while the process still
/// runs; a later stop is still sent (the reference skips it: `running_on` reads the forced
/// state, so a conflict on that process could never be resolved).
#[test]
fn q21_stop_after_a_lost_stop_is_still_sent() {
    let r = rules(&[("app", 0, 0)], &[("app:p", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p")], |_| {});
    c.event("b", "app:p", Running, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    let stop = Command::StopProcess {
        namespec: "app:p".into(),
        wait: false,
    };
    assert_eq!(stops(&c.command(stop.clone())), [pair("b", "app:p")]);
    let mut forced = Vec::new();
    for _ in 0..10 {
        let out = c.tick();
        forced = c.loop_back(&out);
        if !forced.is_empty() {
            break;
        }
    }
    assert_eq!(
        (forced.len(), forced.first().map(|f| f.state)),
        (1, Some(Stopped))
    );
    let p =
        c.e.context()
            .application("app")
            .and_then(|a| a.process("p"));
    let view = p.map(|p| (p.state(), p.running_identifiers().to_vec()));
    assert_eq!(view, Some((Stopped, vec!["b".to_owned()])));
    assert_eq!(stops(&c.command(stop)), [pair("b", "app:p")]);
}
