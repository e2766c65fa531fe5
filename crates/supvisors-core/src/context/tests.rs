//! Tests of instance liveness and process bookkeeping in the context (checklist 33–46).

use super::*;
use crate::enums::{ProcessStates, SupvisorsInstanceStates::*};
use crate::messages::ForcedProcessEvent;
use crate::process::tests::{event, local_info};
use crate::rules::{ApplicationRules, ProcessRules};
use crate::rules_provider::{FixedRules, NoRulesEngine};

pub(super) fn ctx(ids: &[&str]) -> Context {
    let config = EngineConfig::new(ids[0], ids).unwrap();
    Context::new(config, Box::new(NoRulesEngine))
}

pub(super) fn tick(counter: u64, when: f64) -> TickPayload {
    TickPayload {
        status: None,
        when,
        sequence_counter: counter,
    }
}

/// Brings `ids` to RUNNING as the handshake would.
pub(super) fn run(c: &mut Context, ids: &[&str]) {
    let mut out = Vec::new();
    for id in ids {
        c.on_tick(id, &tick(1, 5.0), 5.0, &mut out);
        assert!(c.on_authorization(id, Some(true), &mut out));
    }
}

#[test]
fn item_33_remote_tick_ignored_until_local_running() {
    let mut c = ctx(&["a", "b"]);
    let mut out = Vec::new();
    c.on_tick("b", &tick(3, 5.0), 5.0, &mut out);
    assert_eq!(c.instance_state("b"), Unknown);
    assert!(out.is_empty());
    run(&mut c, &["a"]);
    c.on_tick("b", &tick(3, 5.0), 5.0, &mut out);
    assert_eq!(c.instance_state("b"), Checking);
}

#[test]
fn item_34_tick_from_unknown_or_silent_requests_one_check() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a"]);
    let mut out = Vec::new();
    c.on_tick("b", &tick(3, 15.0), 15.0, &mut out);
    let checks = |out: &[Output]| {
        out.iter()
            .filter(|o| matches!(o, Output::Request(DeferredRequest::CheckInstance(t)) if t == "b"))
            .count()
    };
    assert_eq!(checks(&out), 1);
    out.clear();
    c.on_tick("b", &tick(4, 20.0), 20.0, &mut out);
    assert_eq!(checks(&out), 0, "CHECKING: times only");
    assert_eq!(
        c.instance("b").map(|i| (i.sequence_counter, i.remote_time)),
        Some((4, 20.0))
    );
    c.invalid("b", false, &mut out);
    assert_eq!(c.instance_state("b"), Silent);
    out.clear();
    c.on_tick("b", &tick(5, 25.0), 25.0, &mut out);
    assert_eq!((c.instance_state("b"), checks(&out)), (Checking, 1));
}

#[test]
fn item_35_stealth_restart() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a", "b"]);
    let mut out = Vec::new();
    c.local_counter = 7;
    c.on_tick("b", &tick(3, 50.0), 50.0, &mut out);
    assert_eq!(c.instance("b").map(|i| i.local_sequence_counter), Some(7));
    out.clear();
    c.on_tick("b", &tick(2, 55.0), 55.0, &mut out);
    let b = c.instance("b").unwrap();
    assert_eq!(
        (b.state(), b.local_sequence_counter, b.sequence_counter),
        (Running, 0, 3)
    );
    assert!(out.is_empty(), "nothing published");
}

/// Q20: an instance restarted before its second TICK sends the same counter again, with a later
/// date: a stealth restart too (the reference compares the counters only).
#[test]
fn q20_same_tick_counter_with_a_new_date_is_a_restart() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a", "b"]); // b's TICK 1 at 5.0
    let mut out = Vec::new();
    c.local_counter = 7;
    c.on_tick("b", &tick(1, 5.0), 9.0, &mut out);
    assert_eq!(
        c.instance("b").map(|i| i.local_sequence_counter),
        Some(7),
        "the very same TICK delivered twice is no restart"
    );
    c.on_tick("b", &tick(1, 12.0), 12.0, &mut out);
    let b = c.instance("b").unwrap();
    assert_eq!(
        (b.state(), b.local_sequence_counter, b.sequence_counter),
        (Running, 0, 1),
        "found inactive at the next local tick"
    );
}

/// Q18: a remote TICK counter skipping more than inactivity_ticks values means the link lost
/// messages; the instance is found inactive at the next local tick, as after a stealth restart.
#[test]
fn q18_tick_counter_gap_makes_the_instance_inactive() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a", "b"]);
    let mut out = Vec::new();
    c.local_counter = 7;
    c.on_tick("b", &tick(3, 50.0), 50.0, &mut out);
    assert_eq!(
        c.instance("b").map(|i| i.local_sequence_counter),
        Some(7),
        "one tick missed"
    );
    c.on_tick("b", &tick(6, 65.0), 65.0, &mut out);
    let b = c.instance("b").unwrap();
    assert_eq!(
        (b.state(), b.local_sequence_counter, b.sequence_counter),
        (Running, 0, 3),
        "two ticks missed"
    );
    c.local_counter = 8;
    c.on_tick("a", &tick(8, 66.0), 66.0, &mut out);
    let (lost, _) = c.check_inactivity(8, 66.0, 66.0, &mut out);
    assert_eq!(lost, ["b"]);
    c.on_tick("b", &tick(7, 70.0), 70.0, &mut out);
    assert_eq!(
        c.instance_state("b"),
        Checking,
        "re-checked at its next tick"
    );
}

#[test]
fn item_36_inactivity_counted_in_ticks() {
    let mut c = ctx(&["a", "b", "c"]);
    run(&mut c, &["a", "b", "c"]);
    let mut out = Vec::new();
    c.local_counter = 30;
    c.on_tick("b", &tick(3, 100.0), 100.0, &mut out);
    c.local_counter = 29;
    c.on_tick("c", &tick(3, 100.0), 100.0, &mut out);
    c.local_counter = 32;
    c.on_tick("a", &tick(40, 100.0), 100.0, &mut out);
    let (lost, _) = c.check_inactivity(32, 100.0, 100.0, &mut out);
    assert_eq!(lost, ["c"]);
    assert_eq!(
        (c.instance_state("b"), c.instance_state("c")),
        (Running, Silent)
    );
}

#[test]
fn item_37_no_check_during_synchro_timeout() {
    let mut c = ctx(&["a", "b"]);
    c.reset(100.0);
    let mut out = Vec::new();
    let (lost, _) = c.check_inactivity(50, 115.0, 115.0, &mut out);
    assert!(lost.is_empty());
    assert_eq!(
        c.instance_state("b"),
        Unknown,
        "15 s elapsed with timeout 15: no check"
    );
    c.check_inactivity(50, 115.5, 115.5, &mut out);
    assert_eq!(c.instance_state("b"), Silent);
}

#[test]
fn item_38_unknown_after_synchro_is_invalidated_not_lost() {
    for (fence, expected) in [(false, Silent), (true, Isolating)] {
        let mut config = EngineConfig::new("a", &["a", "b"]).unwrap();
        config.auto_fence = fence;
        let mut c = Context::new(config, Box::new(NoRulesEngine));
        let mut out = Vec::new();
        let (lost, failures) = c.check_inactivity(10, 16.0, 16.0, &mut out);
        assert!(lost.is_empty() && failures.is_empty());
        assert_eq!(c.instance_state("b"), expected);
        assert_eq!(
            c.instance_state("a"),
            Silent,
            "the local instance is never fenced"
        );
    }
}

#[test]
fn item_39_authorization_outcomes() {
    for (fence, auth, expected) in [
        (false, None, Silent),
        (true, None, Isolating),
        (false, Some(false), Isolating),
        (true, Some(false), Isolating),
        (false, Some(true), Running),
    ] {
        let mut config = EngineConfig::new("a", &["a", "b"]).unwrap();
        config.auto_fence = fence;
        let mut c = Context::new(config, Box::new(NoRulesEngine));
        run(&mut c, &["a"]);
        let mut out = Vec::new();
        c.on_tick("b", &tick(1, 5.0), 5.0, &mut out);
        assert_eq!(c.on_authorization("b", auth, &mut out), auth == Some(true));
        assert_eq!(
            c.instance_state("b"),
            expected,
            "fence={fence} auth={auth:?}"
        );
    }
}

#[test]
fn item_40_auth_from_non_checking_rejected() {
    let mut c = ctx(&["a", "b"]);
    let mut out = Vec::new();
    assert!(!c.on_authorization("b", Some(true), &mut out));
    assert!(!c.on_authorization("b", None, &mut out));
    assert_eq!(c.instance_state("b"), Unknown);
    assert!(!c.on_authorization("zz", Some(true), &mut out));
}

#[test]
fn item_41_local_invalidation_is_silent() {
    let mut config = EngineConfig::new("a", &["a", "b"]).unwrap();
    config.auto_fence = true;
    let mut c = Context::new(config, Box::new(NoRulesEngine));
    let mut out = Vec::new();
    c.invalid("a", true, &mut out);
    assert_eq!(c.instance_state("a"), Silent);
}

#[test]
fn item_42_isolating_become_isolated_in_one_request() {
    let mut c = ctx(&["a", "b", "c", "d"]);
    let mut out = Vec::new();
    c.invalid("b", true, &mut out);
    c.invalid("d", true, &mut out);
    c.invalid("c", false, &mut out);
    let states = |out: &[Output]| -> Vec<(String, SupvisorsInstanceStates)> {
        out.iter()
            .filter_map(|o| match o {
                Output::Publish(Publication::Instance(i)) => Some((i.identifier.clone(), i.state)),
                _ => None,
            })
            .collect()
    };
    let isolating = states(&out);
    assert_eq!(
        isolating[0],
        ("b".to_owned(), Isolating),
        "payload taken when published"
    );
    out.clear();
    assert_eq!(c.handle_isolation(&mut out), ["b", "d"]);
    assert_eq!(
        states(&out),
        [("b".to_owned(), Isolated), ("d".to_owned(), Isolated)]
    );
    assert_eq!(
        (c.instance_state("b"), c.instance_state("d")),
        (Isolated, Isolated)
    );
    let published = out
        .iter()
        .filter(|o| matches!(o, Output::Publish(Publication::Instance(_))))
        .count();
    assert_eq!(published, 2);
    out.clear();
    assert!(c.handle_isolation(&mut out).is_empty());
    assert!(out.is_empty(), "published once each");
}

#[test]
fn item_44_reset_keeps_silent_and_isolated() {
    let mut c = ctx(&["a", "b", "c", "d"]);
    run(&mut c, &["a", "b"]);
    let mut out = Vec::new();
    c.invalid("c", false, &mut out);
    c.invalid("d", true, &mut out);
    c.master = "a".into();
    c.reset(42.0);
    let states: Vec<_> = c.instances().iter().map(|i| i.state()).collect();
    assert_eq!(states, [Unknown, Unknown, Silent, Isolating]);
    assert_eq!((c.master.as_str(), c.start_date), ("", 42.0));
}

pub(super) fn loaded(ids: &[&str]) -> Context {
    let mut rules = FixedRules::default();
    let mut app = ApplicationRules::without_engine();
    app.managed = true;
    rules.applications.insert("app".into(), app.clone());
    let mut p = ProcessRules::inherited(&app);
    p.expected_load = 20;
    rules.processes.insert("app:p".into(), p.clone());
    p.expected_load = 30;
    rules.processes.insert("app:q".into(), p);
    let config = EngineConfig::new(ids[0], ids).unwrap();
    let mut c = Context::new(config, Box::new(rules));
    run(&mut c, ids);
    let mut out = Vec::new();
    for id in ids {
        let infos = vec![
            local_info("app", "p", ProcessStates::Stopped),
            local_info("app", "q", ProcessStates::Stopped),
        ];
        c.load_processes(id, infos, 6.0, &mut out);
    }
    c
}

pub(super) fn process_event(
    c: &mut Context,
    from: &str,
    name: &str,
    state: ProcessStates,
) -> Option<String> {
    let mut ev = event(state, 10.0);
    ev.name = name.into();
    c.on_process_event(from, &ev, false, 10.0, &mut Vec::new())
}

#[test]
fn item_45_lost_instance_fails_processes_running_only_there() {
    let mut c = loaded(&["a", "b"]);
    process_event(&mut c, "b", "p", ProcessStates::Running);
    process_event(&mut c, "a", "q", ProcessStates::Running);
    process_event(&mut c, "b", "q", ProcessStates::Running);
    c.local_counter = 10;
    let mut out = Vec::new();
    c.on_tick("a", &tick(10, 100.0), 100.0, &mut out);
    let (lost, failures) = c.check_inactivity(12, 100.0, 100.0, &mut out);
    assert_eq!(lost, ["b"]);
    assert_eq!(failures, ["app:p"]);
    let p = c.application("app").and_then(|a| a.process("p")).unwrap();
    assert_eq!(p.state(), ProcessStates::Fatal);
    assert_eq!(p.info("b").unwrap().info.spawnerr, "Supervisor b lost");
}

#[test]
fn item_46_instance_load() {
    let mut c = loaded(&["a", "b"]);
    process_event(&mut c, "a", "p", ProcessStates::Starting);
    process_event(&mut c, "a", "q", ProcessStates::Running);
    assert_eq!(c.instance_load("a"), 50);
    process_event(&mut c, "a", "q", ProcessStates::Stopping);
    assert_eq!(c.instance_load("a"), 20, "STOPPING does not count");
    // q is not stopped (STOPPING), so b is added and a stays listed: both count q again
    process_event(&mut c, "b", "q", ProcessStates::Backoff);
    assert_eq!((c.instance_load("a"), c.instance_load("b")), (50, 30));
}

#[test]
fn unknown_process_event_invalidates_sender_unless_closing() {
    let mut c = loaded(&["a", "b"]);
    assert_eq!(
        process_event(&mut c, "b", "zz", ProcessStates::Running),
        None
    );
    assert_eq!(c.instance_state("b"), Silent);
    let mut c = loaded(&["a", "b"]);
    let mut ev = event(ProcessStates::Running, 1.0);
    ev.name = "zz".into();
    c.on_process_event("b", &ev, true, 1.0, &mut Vec::new());
    assert_eq!(c.instance_state("b"), Running);
}

#[test]
fn item_98_process_removed() {
    let mut c = loaded(&["a", "b"]);
    let mut out = Vec::new();
    c.on_process_removed("a", "app", "p", false, &mut out);
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Publish(Publication::ProcessEvent { event: None, .. })
    )));
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Publish(Publication::ProcessDeleted(_))))
    );
    out.clear();
    c.on_process_removed("b", "app", "p", false, &mut out);
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Publish(Publication::ProcessDeleted(info))
            if info.application_name == "app" && info.process_name == "p"
    )));
    assert_eq!(c.application("app").map(|a| a.processes().len()), Some(1));
    c.on_process_removed("a", "app", "*", false, &mut out);
    c.on_process_removed("b", "app", "*", false, &mut out);
    assert!(
        c.application("app").is_none(),
        "last process gone: application removed"
    );
}

#[test]
fn extra_args_follow_the_process_to_the_local_command_line() {
    use crate::boundary::LocalAction;
    let mut c = loaded(&["a", "b"]);
    let set = |out: &[Output]| -> Vec<LocalAction> {
        out.iter()
            .filter_map(|o| match o {
                Output::Local(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    };
    let mut ev = event(ProcessStates::Starting, 10.0);
    ev.extra_args = "-x".into();
    let mut out = Vec::new();
    c.on_process_event("b", &ev, false, 10.0, &mut out);
    let expected = LocalAction::SetExtraArgs {
        namespec: "app:p".into(),
        extra_args: "-x".into(),
    };
    assert_eq!(set(&out), [expected]);
    out.clear();
    c.on_process_event("b", &ev, false, 11.0, &mut out);
    assert!(set(&out).is_empty(), "unchanged: nothing to apply");
    // item 75: a load disagreeing with the stored value resets both to ''
    let mut info = local_info("app", "p", ProcessStates::Stopped);
    info.extra_args = "-y".into();
    c.load_processes("a", vec![info], 12.0, &mut out);
    let reset = LocalAction::SetExtraArgs {
        namespec: "app:p".into(),
        extra_args: String::new(),
    };
    assert_eq!(set(&out), [reset]);
}

#[test]
fn forced_event_is_published_with_the_sender_as_identifier() {
    let mut c = loaded(&["a", "b"]);
    let forced = ForcedProcessEvent {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Fatal,
        identifier: "b".into(),
        now: 500.0,
        reason: "no resource available".into(),
        extra_args: String::new(),
    };
    let mut out = Vec::new();
    assert_eq!(
        c.on_forced_event("a", &forced, false, 20.0, &mut out),
        Some("app:p".into())
    );
    let published = out.iter().find_map(|o| match o {
        Output::Publish(Publication::ForcedProcessEvent { identifier, event }) => {
            Some((identifier.clone(), event.state, event.reason.clone()))
        }
        _ => None,
    });
    let kinds: Vec<&str> = out
        .iter()
        .filter_map(|o| match o {
            Output::Publish(Publication::ForcedProcessEvent { .. }) => Some("event"),
            Output::Publish(Publication::Process(_)) => Some("process"),
            Output::Publish(Publication::Application(_)) => Some("application"),
            Output::Publish(_) => Some("other"),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        ["event", "process", "application"],
        "spec §3.5 order"
    );
    let expected = (
        "a".to_owned(),
        ProcessStates::Fatal,
        "no resource available".to_owned(),
    );
    assert_eq!(published, Some(expected));
    // b reported a state change (dated 10) after the decision below (dated 1).
    process_event(&mut c, "b", "p", ProcessStates::Stopped);
    let dismissed = ForcedProcessEvent { now: 1.0, ..forced };
    let mut out = Vec::new();
    assert_eq!(
        c.on_forced_event("a", &dismissed, false, 21.0, &mut out),
        None,
        "older than info"
    );
    assert!(out.is_empty());
}

#[test]
fn disability_publishes_the_local_info_only() {
    let mut c = loaded(&["a", "b"]);
    let mut info = local_info("app", "p", ProcessStates::Stopped);
    info.disabled = true;
    info.description = "Not started".into();
    let mut out = Vec::new();
    c.on_process_disability("b", &info, false, &mut out);
    let expected = Output::Publish(Publication::ProcessDisability {
        identifier: "b".into(),
        info: info.clone(),
    });
    assert_eq!(out, [expected], "spec §3.5: the disability variant only");
    let mut out = Vec::new();
    let mut unknown = info.clone();
    unknown.name = "zz".into();
    c.on_process_disability("b", &unknown, true, &mut out);
    assert!(
        out.is_empty(),
        "unknown process while closing: nothing published"
    );
}
