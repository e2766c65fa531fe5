//! What should run survives losses and reboots; what was stopped by request stays so (Q19).

use super::fixture::*;
use super::*;
use crate::commands::Command;
use crate::enums::{ProcessStates, StartingStrategies};
use crate::messages::Intent;
use ProcessStates::*;

/// a deploys app (p1 then p2) and reaches OPERATION.
fn deployed() -> Cluster {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    c
}

/// A repair DEPLOYMENT as a newcomer's authorization requests it (§7.9).
fn repair(c: &mut Cluster) -> Vec<Output> {
    c.e.redeploy_mark = RedeployMark::Requested;
    c.tick()
}

fn stop_process(c: &mut Cluster, namespec: &str) {
    let out = c.command(Command::StopProcess {
        namespec: namespec.into(),
        wait: false,
    });
    assert_eq!(stops(&out), [pair("a", namespec)]);
    c.event("a", namespec, Stopping, true);
    c.event("a", namespec, Stopped, true);
}

#[test]
fn q19_a_process_stopped_by_request_is_not_restarted_by_a_repair() {
    let mut c = deployed();
    stop_process(&mut c, "app:p2");
    assert_eq!(c.e.intents().get("app", "p2"), Some(Intent::Stopped));
    // p1 stops outside Supvisors: the application is STOPPED without failure flag, which the
    // reference repair does not re-plan; p1 should run, so it is restarted, p2 is not
    c.event("a", "app:p1", Stopped, true);
    let app =
        c.e.context()
            .application("app")
            .map(|a| (a.major_failure, a.minor_failure));
    assert_eq!(app, Some((false, false)));
    let out = repair(&mut c);
    assert_eq!(starts(&out), [pair("a", "app:p1")]);
    let out = c.event("a", "app:p1", Running, true);
    assert_eq!(starts(&out), [], "p2 stays stopped");
    assert!(!c.e.state_modes().starting_jobs);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    // a start request makes it part of what should run again
    let out = c.command(Command::StartProcess {
        strategy: StartingStrategies::Config,
        namespec: "app:p2".into(),
        extra_args: String::new(),
        wait: false,
    });
    assert_eq!(starts(&out), [pair("a", "app:p2")]);
    assert_eq!(c.e.intents().get("app", "p2"), Some(Intent::Run));
}

#[test]
fn q19_stop_requests_are_broadcast_and_a_stopped_process_keeps_the_wish() {
    let mut c = deployed();
    stop_process(&mut c, "app:p2");
    // stopping it again answers NOT_RUNNING but still records the wish, and tells everyone
    let out = c.command(Command::StopApplication {
        application: "app".into(),
        wait: false,
    });
    let shared: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Broadcast(InternalMessage::Intents(records)) => Some(records.len()),
            _ => None,
        })
        .collect();
    assert_eq!(shared, [3], "p1, p2 and p0");
    c.event("a", "app:p1", Stopped, true);
    let out = repair(&mut c);
    assert_eq!(
        starts(&out),
        [],
        "the whole application was stopped on purpose"
    );
}

#[test]
fn q19_intent_survives_a_master_reboot() {
    // the old master stopped p2 on request and shared it with b
    let mut old = deployed();
    stop_process(&mut old, "app:p2");
    let records = old.e.intents().records();
    // the master reboots: its fresh view of app is never started, which the reference
    // DEPLOYMENT plans whole; b's handshake tells it p2 was stopped on purpose
    let mut c = Cluster::learning(app2(), &APP2, |_| {}, &records);
    assert_eq!(c.e.intents().get("app", "p2"), Some(Intent::Stopped));
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "app:p1")]);
    let out = c.event("a", "app:p1", Running, true);
    assert_eq!(starts(&out), []);
    assert!(!c.e.state_modes().starting_jobs);
}

#[test]
fn q19_a_lost_process_without_failure_flag_is_repaired_by_the_next_master() {
    // the simulation's case: p1 and p2 are stopped everywhere, the failure flags are gone
    let mut c = deployed();
    c.event("a", "app:p2", Stopped, true);
    c.event("a", "app:p1", Stopped, true);
    let app =
        c.e.context()
            .application("app")
            .map(|a| (a.major_failure, a.minor_failure));
    assert_eq!(app, Some((false, false)));
    let out = repair(&mut c);
    assert_eq!(starts(&out), [pair("a", "app:p1")]);
    let out = c.event("a", "app:p1", Running, true);
    assert_eq!(starts(&out), [pair("a", "app:p2")]);
}

#[test]
fn q19_restart_whose_stop_was_lost_still_starts_what_runs_nowhere() {
    let mut c = deployed();
    let out = c.command(Command::RestartApplication {
        strategy: StartingStrategies::Config,
        application: "app".into(),
        wait: false,
    });
    assert_eq!(stops(&out), [pair("a", "app:p2")], "stop sequence 2 first");
    let out = c.event("a", "app:p2", Stopped, true);
    assert_eq!(stops(&out), [pair("a", "app:p1")]);
    // the stop request of p1 is lost: it times out while p1 still runs, and the start phase
    // finds the application running again (the reference refuses it: nothing restarts p2)
    let mut started = Vec::new();
    for _ in 0..10 {
        let out = c.tick();
        started.extend(starts(&out));
        if !started.is_empty() {
            break;
        }
    }
    assert_eq!(started, [pair("a", "app:p2")]);
    let p1 =
        c.e.context()
            .application("app")
            .and_then(|a| a.process("p1"));
    assert!(
        p1.is_some_and(|p| p.running()),
        "the timeout's forced state is not back yet"
    );
}

#[test]
fn q19_a_start_lost_in_transit_is_retried_by_a_repair() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    assert_eq!(starts(&c.tick()), [pair("a", "app:p1")]);
    // the request never reaches a's Supervisor: the start times out, p1 is forced FATAL
    let mut forced = Vec::new();
    let mut started = Vec::new();
    while forced.is_empty() {
        let out = c.tick();
        started.extend(starts(&out));
        forced = c.loop_back(&out);
    }
    assert_eq!(
        forced[0].reason,
        "process STARTING event not received in time"
    );
    assert_eq!(
        started,
        [pair("a", "app:p2")],
        "no starting failure strategy (Q4)"
    );
    assert_eq!(c.e.redeploy_mark(), RedeployMark::Requested);
    c.event("a", "app:p2", Running, true);
    let mut retried = Vec::new();
    for _ in 0..3 {
        retried.extend(starts(&c.tick()));
    }
    assert_eq!(retried, [pair("a", "app:p1")]);
}

#[test]
fn q19_intent_published_by_another_instance_is_honoured_by_the_master() {
    let mut c = deployed();
    // b executed a stop request of p2 and published its decision
    let record = crate::messages::ProcessIntent {
        group: "app".into(),
        name: "p2".into(),
        intent: Intent::Stopped,
        when: c.now,
        origin: "b".into(),
    };
    c.e.handle(
        Input::Peer {
            from: "b".into(),
            msg: InternalMessage::Intents(vec![record]),
        },
        c.now,
    );
    c.event("a", "app:p2", Stopped, true);
    c.event("a", "app:p1", Stopped, true);
    let out = repair(&mut c);
    assert_eq!(starts(&out), [pair("a", "app:p1")]);
    let out = c.event("a", "app:p1", Running, true);
    assert_eq!(starts(&out), [], "p2 was stopped on purpose on b's request");
}
