//! Tests of the process status synthesis (spec §6.3–6.4, checklist 66–70, 75).

use super::*;
use crate::rules::ApplicationRules;

pub(crate) fn local_info(group: &str, name: &str, state: ProcessStates) -> LocalProcessInfo {
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
        startsecs: 0,
        stopwaitsecs: 10,
        extra_args: String::new(),
        disabled: false,
        description: String::new(),
    }
}

pub(crate) fn event(state: ProcessStates, now: f64) -> ProcessEvent {
    ProcessEvent {
        group: "app".to_owned(),
        name: "p".to_owned(),
        state,
        now,
        pid: 1,
        expected: true,
        spawnerr: String::new(),
        extra_args: String::new(),
        disabled: false,
    }
}

fn process_on(ids: &[(&str, ProcessStates)]) -> ProcessStatus {
    let rules = ProcessRules::inherited(&ApplicationRules::without_engine());
    let mut p = ProcessStatus::new("app", "p", rules);
    for (id, state) in ids {
        p.add_info(id, local_info("app", "p", *state), 1.0);
    }
    p
}

#[test]
fn item_66_conflict_synthesis_order() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Starting), ("b", Backoff)]);
    assert_eq!(p.state(), Backoff);
    assert!(p.conflicting());
    p.update_info("c", &event(Running, 2.0), 2.0);
    // c not configured: nothing changes
    assert_eq!(p.running_identifiers().len(), 2);
    let mut p3 = process_on(&[("a", Starting), ("b", Backoff), ("c", Running)]);
    assert_eq!(p3.state(), Running);
    // two running identifiers whose info states are stopping-like → STOPPING wins over nothing
    p3.update_info("c", &event(Stopping, 3.0), 3.0);
    assert_eq!(p3.state(), Backoff);
    assert_eq!(p3.running_identifiers(), ["a", "b", "c"]);
    p3.update_info("a", &event(Stopping, 3.0), 3.0);
    p3.update_info("b", &event(Stopping, 3.0), 3.0);
    assert_eq!(p3.state(), Stopping);
}

#[test]
fn item_67_running_event_replaces_or_adds() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Running), ("b", Stopped), ("c", Stopped)]);
    assert_eq!(p.running_identifiers(), ["a"]);
    p.update_info("b", &event(Starting, 2.0), 2.0);
    assert_eq!(p.running_identifiers(), ["a", "b"]);
    p.update_info("a", &event(Exited, 3.0), 3.0);
    p.update_info("b", &event(Fatal, 3.0), 3.0);
    assert!(p.stopped());
    p.update_info("c", &event(Starting, 4.0), 4.0);
    assert_eq!(p.running_identifiers(), ["c"]);
}

#[test]
fn item_68_no_running_instance() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Stopped), ("b", Stopped), ("c", Stopping)]);
    assert_eq!(p.state(), Stopping);
    assert!(p.running_identifiers().is_empty());
    p.add_info("c", local_info("app", "p", Stopped), 5.0);
    let mut exited = event(Exited, 6.0);
    exited.expected = false;
    p.update_info("a", &exited, 6.0);
    assert_eq!(p.state(), Exited);
    assert!(!p.expected_exit);
    assert!(p.crashed());
    p.update_info("b", &event(Fatal, 7.0), 7.0);
    assert_eq!(p.state(), Fatal);
}

fn forced(state: ProcessStates, now: f64) -> ForcedProcessEvent {
    ForcedProcessEvent {
        group: "app".to_owned(),
        name: "p".to_owned(),
        state,
        identifier: "a".to_owned(),
        now,
        reason: "process RUNNING event not received in time".to_owned(),
        extra_args: String::new(),
    }
}

#[test]
fn item_69_forced_state_cleared_by_events_and_non_stopped_loads() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Stopped)]);
    assert!(p.force_state(&forced(Fatal, 200.0), 10.0));
    assert_eq!(p.state(), Fatal);
    p.add_info("a", local_info("app", "p", Stopped), 11.0);
    assert_eq!(p.state(), Fatal, "STOPPED load keeps the forced state");
    p.add_info("a", local_info("app", "p", Exited), 12.0);
    assert_eq!(p.state(), Exited);
    assert!(p.force_state(&forced(Fatal, 200.0), 13.0));
    p.update_info("a", &event(Stopped, 201.0), 14.0);
    assert_eq!(p.state(), Stopped);
    assert_eq!(p.forced_reason(), None);
}

#[test]
fn forced_state_weighed_against_when_the_loaded_state_began() {
    use ProcessStates::*;
    // The handshake snapshot (now = 100) came after the forced decision (now = 90), but the
    // process never started there: nothing crossed the forced state.
    let mut p = process_on(&[("a", Stopped)]);
    assert!(p.force_state(&forced(Fatal, 90.0), 2.0));
    assert_eq!(p.state(), Fatal);
    // Stopped after the decision: the snapshot is newer news.
    let mut stopped_late = local_info("app", "p", Exited);
    stopped_late.stop = 95.0;
    let mut p = process_on(&[]);
    p.add_info("a", stopped_late, 1.0);
    assert!(!p.force_state(&forced(Fatal, 90.0), 2.0));
    // Started after the decision.
    let mut started_late = local_info("app", "p", Backoff);
    started_late.start = 91.0;
    p.add_info("a", started_late, 3.0);
    assert!(!p.force_state(&forced(Fatal, 90.0), 4.0));
    // RUNNING does not say since when: the snapshot's date stands.
    let mut running = local_info("app", "p", Running);
    running.start = 10.0;
    p.add_info("a", running, 5.0);
    assert!(!p.force_state(&forced(Fatal, 90.0), 6.0));
    assert_eq!(p.state(), Running);
}

#[test]
fn item_70_forced_event_dismissed_when_newer_event() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Stopped)]);
    p.update_info("a", &event(Starting, 150.0), 2.0);
    assert!(!p.force_state(&forced(Fatal, 140.0), 3.0));
    assert_eq!(p.state(), Starting);
    assert!(p.force_state(&forced(Fatal, 150.0), 3.0));
    assert_eq!(p.state(), Fatal);
    assert_eq!(
        p.running_identifiers(),
        ["a"],
        "info untouched by a forced state"
    );
}

#[test]
fn item_75_differing_extra_args_reset_both() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Stopped)]);
    let mut ev = event(Starting, 2.0);
    ev.extra_args = "-x".to_owned();
    p.update_info("a", &ev, 2.0);
    assert_eq!(p.extra_args, "-x");
    let mut info = local_info("app", "p", Stopped);
    info.extra_args = "-y".to_owned();
    p.add_info("b", info, 3.0);
    assert_eq!(p.extra_args, "");
    assert_eq!(p.info("b").map(|i| i.info.extra_args.as_str()), Some(""));
}

#[test]
fn invalidation_marks_fatal_and_reports_failure() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Running), ("b", Running)]);
    assert!(!p.invalidate_identifier("a", 5.0), "still running on b");
    assert!(p.invalidate_identifier("b", 5.0));
    assert_eq!(p.state(), Fatal);
    let info = p
        .info("b")
        .map(|i| (i.info.spawnerr.clone(), i.has_crashed));
    assert_eq!(info, Some(("Supervisor b lost".to_owned(), false)));
    assert!(!p.invalidate_identifier("c", 5.0), "not running there");
}

#[test]
fn candidates_filter_configured_and_enabled() {
    use ProcessStates::*;
    let mut p = process_on(&[("a", Stopped), ("c", Stopped)]);
    let all = ["a", "b", "c"].map(String::from);
    assert_eq!(p.possible_identifiers(&all), ["a", "c"]);
    p.rules.identifiers = vec!["c".into(), "b".into(), "a".into()];
    assert_eq!(p.possible_identifiers(&all), ["c", "a"]);
    assert!(p.update_disability("c", true));
    assert_eq!(p.possible_identifiers(&all), ["a"]);
    assert!(!p.disabled());
}
