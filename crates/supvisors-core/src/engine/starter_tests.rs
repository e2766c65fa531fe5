//! Starter behaviour through the engine (checklist 59, 80, 82–88, 90, 99; Q1).

use super::fixture::*;
use super::*;
use crate::boundary::Publication;
use crate::commands::{Command, CommandError, CommandReply};
use crate::enums::{ProcessStates, StartingFailureStrategies, StartingStrategies};
use crate::process::tests::local_info;
use ProcessStates::*;

#[test]
fn item_85_86_deployment_starts_sequences_in_order() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    let out = c.tick();
    assert_eq!(
        starts(&out),
        [pair("a", "app:p1")],
        "smallest sequence first, p0 never"
    );
    assert_eq!(c.e.state(), SupvisorsStates::Deployment);
    assert!(c.e.state_modes().starting_jobs);
    assert_eq!(starts(&c.event("a", "app:p1", Starting, true)), []);
    assert_eq!(
        starts(&c.event("a", "app:p1", Running, true)),
        [pair("a", "app:p2")]
    );
    c.event("a", "app:p2", Running, true);
    assert!(!c.e.state_modes().starting_jobs);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
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
        starts(&c.event("a", "x:p", Running, true)).is_empty(),
        "y still running its job"
    );
    assert_eq!(
        starts(&c.event("a", "y:p", Running, true)),
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
        (Fatal, "process STARTING event not received in time")
    );
    let p1 =
        c.e.context()
            .application("app")
            .and_then(|a| a.process("p1"))
            .map(|p| p.state());
    assert_eq!(p1, Some(Fatal));
    // p1 is required with ABORT, yet p2's group is pushed at once: no strategy on a timeout
    assert_eq!(starts(&out), [pair("a", "app:p2")]);
    assert!(c.e.state_modes().starting_jobs);
}

#[test]
fn item_80_backoff_rearms_the_request_counter() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick(); // request at counter 2, wait_ticks 2 (startsecs 0)
    c.event("a", "app:p1", Starting, true);
    c.tick();
    c.event("a", "app:p1", Backoff, true); // re-armed at counter 3
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
fn item_31_empty_identifier_list_leaves_no_resource() {
    // `<identifiers> </identifiers>` resolves to an empty list (supvisors-rules
    // `item_31_whitespace_identifiers_give_no_candidate`): the process can run nowhere.
    let mut r = app2();
    for p in r.processes.values_mut() {
        p.identifiers = Vec::new();
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    let out = c.tick();
    assert!(starts(&out).is_empty(), "nothing can be started");
    let forced = c.loop_back(&out);
    assert_eq!(forced.len(), 1, "p1 required + ABORT: p2 is never tried");
    assert_eq!(forced[0].reason, "no resource available");
}

#[test]
fn item_84_stop_and_continue_strategies() {
    for (strategy, tries) in [
        (StartingFailureStrategies::Continue, 2),
        (StartingFailureStrategies::Stop, 1),
    ] {
        let mut r = app2();
        for p in r.processes.values_mut() {
            p.starting_failure_strategy = strategy;
        }
        let mut c = Cluster::new(r, &APP2, |_| {});
        c.event("b", "app:p0", Running, true);
        let out = c.tick();
        assert_eq!(starts(&out), [pair("a", "app:p1")]);
        let out = c.event("a", "app:p1", Fatal, false);
        assert_eq!(starts(&out).len(), tries - 1, "{strategy}");
        if strategy == StartingFailureStrategies::Stop {
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
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    let out = c.command(Command::StartProcess {
        strategy: StartingStrategies::Config,
        namespec: "app:p1".into(),
        extra_args: String::new(),
        wait: false,
    });
    assert!(out.contains(&Output::Reply {
        id: 9,
        result: Err(CommandError::AlreadyStarted("app:p1".into()))
    }));
    let start_p0 = Command::StartProcess {
        strategy: StartingStrategies::LessLoaded,
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
    let out = c.event("a", "app:p0", Running, true);
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
    c.event("b", "app:p1", Starting, true);
    // b stops ticking: lost after inactivity_ticks
    let mut lost_at = None;
    for k in 0..5 {
        c.counter += 1;
        c.now += 5.0;
        c.tick_one("c");
        let out = c.tick_one("a");
        if c.e.context().instance_state("b") == crate::enums::SupvisorsInstanceStates::Silent {
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
fn all_instances_spreads_processes_by_load() {
    let mut c = distributed(crate::enums::DistributionRules::AllInstances);
    let out = c.tick();
    assert_eq!(
        starts(&out),
        [pair("a", "app:p1"), pair("b", "app:p2")],
        "pending load counted"
    );
}

#[test]
fn single_instance_puts_the_whole_application_on_one_instance() {
    let mut c = distributed(crate::enums::DistributionRules::SingleInstance);
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "app:p1"), pair("a", "app:p2")]);
}

#[test]
fn q1_single_node_uses_the_node_key() {
    // host names are the identifiers here, node keys are x and y: the reference would look
    // "a" up in a map keyed by node and find nothing
    let mut c = distributed(crate::enums::DistributionRules::SingleNode);
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
    let mut c = distributed(crate::enums::DistributionRules::SingleNode);
    // load node x with an unmanaged process of 50: the application (60) no longer fits there
    let mut tools = local_info("tools", "big", Running);
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
    let mut c = distributed(crate::enums::DistributionRules::AllInstances);
    for from in ["a", "b"] {
        let mut info = local_info("app", "p1", Stopped);
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
    assert_eq!(state_before, Some(crate::enums::ApplicationStates::Stopped));
}

#[test]
fn disability_from_a_running_instance_is_published_alone() {
    let mut c = distributed(crate::enums::DistributionRules::AllInstances);
    let mut info = local_info("app", "p1", Stopped);
    info.disabled = true;
    let msg = InternalMessage::ProcessDisability(info.clone());
    let out = c.e.handle(
        Input::Peer {
            from: "b".into(),
            msg,
        },
        c.now,
    );
    let published: Vec<&Publication> = out
        .iter()
        .filter_map(|o| match o {
            Output::Publish(p) => Some(p),
            _ => None,
        })
        .collect();
    let expected = Publication::ProcessDisability {
        identifier: "b".into(),
        info,
    };
    assert_eq!(published, [&expected]);
}

#[test]
fn start_any_process_picks_the_first_placeable_stopped_match() {
    let mut r = app2();
    if let Some(p) = r.processes.get_mut("app:p2") {
        p.identifiers = vec!["c".into()]; // c has no process: p2 cannot be placed
    }
    let mut c = Cluster::new(r, &APP2, |_| {});
    c.event("a", "app:p1", Running, true);
    c.tick();
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    let any = |regex: &str, wait: bool| Command::StartAnyProcess {
        strategy: StartingStrategies::Config,
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
    let out = c.event("a", "app:p0", Running, true);
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
fn item_59_restart_sequence_replans_every_auto_start_application() {
    let mut c = Cluster::new(app2(), &APP2, |_| {});
    c.tick();
    c.event("a", "app:p1", Running, true);
    c.event("a", "app:p2", Running, true);
    c.tick();
    let out = c.command(Command::StopApplication {
        application: "app".into(),
        wait: false,
    });
    assert_eq!(stops(&out), [pair("a", "app:p2")]);
    c.event("a", "app:p2", Stopped, true);
    c.event("a", "app:p1", Stopped, true);
    // stopped, neither failed nor never started: a plain repair DEPLOYMENT would skip it
    let app =
        c.e.context()
            .application("app")
            .map(|a| (a.state, a.major_failure, a.never_started()));
    assert_eq!(
        app,
        Some((crate::enums::ApplicationStates::Stopped, false, false))
    );
    c.command(Command::RestartSequence { wait: false });
    let out = c.tick();
    assert_eq!(starts(&out), [pair("a", "app:p1")], "forced: planned again");
}

#[test]
fn a_process_named_like_its_group_completes_its_start_wait() {
    // Its namespec is `solo` (make_namespec), and the Starter must still see its events.
    let mut c = Cluster::new(
        crate::rules_provider::FixedRules::default(),
        &[("solo", "solo")],
        |_| {},
    );
    c.tick();
    c.tick();
    assert_eq!(c.e.state(), SupvisorsStates::Operation);
    let out = c.command(Command::StartProcess {
        strategy: StartingStrategies::Config,
        namespec: "solo".into(),
        extra_args: String::new(),
        wait: true,
    });
    assert_eq!(starts(&out), [pair("a", "solo")]);
    let out = c.event("a", "solo:solo", Running, true);
    assert!(
        out.contains(&Output::Reply {
            id: 9,
            result: Ok(CommandReply::Bool(true))
        }),
        "{out:?}"
    );
}
