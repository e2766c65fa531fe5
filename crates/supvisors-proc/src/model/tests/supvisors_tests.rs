//! Supvisors mode (supvisors-core §9.1–9.2, interfaces §1.5, §1.7.9, §3.7): disabilities,
//! extra arguments, forced FATAL, local process information and the notices for the cluster.

use std::collections::BTreeMap;

use supvisors_core::enums::ProcessStates;

use super::super::{
    Event, FaultCode, Outcome, ProcessResult, ProcessState, RpcResult, SupvisorsEventKind,
    SupvisorsNotice,
};
use super::rpc::{GRP, MANUAL, fault_text, ok};
use super::{Harness, T0, exit};

const AUTO: &str = "[program:auto]\ncommand=/bin/auto --flag\nautorestart=true\nstartsecs=1\n";

fn supvisors(body: &str, disabled: &[&str]) -> Harness {
    let mut h = Harness::new(body);
    let map: BTreeMap<String, bool> = disabled.iter().map(|p| (p.to_string(), true)).collect();
    h.sup.enable_supvisors(map);
    h
}

fn states(notices: &[SupvisorsNotice]) -> Vec<(String, ProcessStates)> {
    notices
        .iter()
        .filter_map(|n| match n {
            SupvisorsNotice::ProcessState(e) => Some((e.name.clone(), e.state)),
            _ => None,
        })
        .collect()
}

fn argv(h: &Harness) -> Vec<Vec<String>> {
    h.host
        .spawns()
        .iter()
        .map(|r| r.command.argv.clone())
        .collect()
}

#[test]
fn plain_supervisor_produces_no_notice() {
    let mut h = Harness::new(AUTO);
    h.tick();
    h.tick_after(1.5);
    assert_eq!(h.state("auto"), ProcessState::Running);
    assert!(h.sup.take_notices().is_empty());
    assert!(!h.sup.is_supvisors());
}

#[test]
fn a_disabled_process_never_autostarts() {
    let mut h = supvisors(AUTO, &["auto"]);
    h.tick();
    h.tick_after(10.0);
    assert!(h.host.spawns().is_empty());
    assert_eq!(h.state("auto"), ProcessState::Stopped);
    // Nothing to do for it: the next wake-up is the TICK boundary, not "now" again.
    let next = h.sup.next_deadline(h.now).unwrap_or(f64::MAX);
    assert!(next > h.now.mono);
    let map = h.sup.disabilities().cloned().unwrap_or_default();
    assert_eq!(map.get("auto"), Some(&true));
}

#[test]
fn a_disabled_process_is_not_autorestarted_nor_retried() {
    let mut h = supvisors(AUTO, &[]);
    h.tick();
    h.tick_after(1.5);
    assert_eq!(h.state("auto"), ProcessState::Running);
    let names = h.sup.set_program_disabled("auto", true, h.now, &mut h.host);
    assert_eq!(names, Ok(vec!["auto".to_string()]));
    h.exit("auto", exit(0));
    h.tick_after(1.0);
    h.tick_after(1.0);
    assert_eq!(h.state("auto"), ProcessState::Exited);
    assert_eq!(h.host.spawns().len(), 1);

    // A BACKOFF process keeps waiting instead of retrying.
    let mut h = supvisors(AUTO, &[]);
    h.tick();
    h.exit("auto", exit(1));
    assert_eq!(h.state("auto"), ProcessState::Backoff);
    let _ = h.sup.set_program_disabled("auto", true, h.now, &mut h.host);
    h.tick_after(5.0);
    h.tick_after(5.0);
    assert_eq!(h.state("auto"), ProcessState::Backoff);
    assert_eq!(h.host.spawns().len(), 1);
}

#[test]
fn start_process_on_a_disabled_process_is_fault_103_after_the_name_check() {
    let mut h = supvisors(GRP, &["a"]);
    let (now, host) = (h.now, &mut h.host);
    assert_eq!(
        fault_text(h.sup.start_process("grp:a", false, now, host)),
        "DISABLED: grp:a"
    );
    assert_eq!(
        fault_text(h.sup.start_process("grp:nope", false, now, host)),
        "BAD_NAME: grp:nope"
    );
    let disabled = ProcessResult {
        name: "a".into(),
        group: "grp".into(),
        status: FaultCode::Disabled,
        description: "DISABLED: grp:a".into(),
    };
    let expected = Ok(Outcome::Done(RpcResult::Results(vec![
        disabled.clone(),
        ok("grp", "b"),
    ])));
    assert_eq!(h.sup.start_process_group("grp", false, now, host), expected);
    assert_eq!(h.sup.start_all_processes(false, now, host), {
        Ok(Outcome::Done(RpcResult::Results(vec![disabled])))
    });
    assert_eq!(h.host.spawns().len(), 1);
}

#[test]
fn extra_args_are_appended_and_survive_restarts() {
    let mut h = supvisors(MANUAL, &[]);
    assert_eq!(h.sup.set_extra_args("manual", "-n 3"), Ok(()));
    let (now, host) = (h.now, &mut h.host);
    let _ = h.sup.start_process("manual", false, now, host);
    h.advance(2.0);
    h.exit("manual", exit(0));
    let (now, host) = (h.now, &mut h.host);
    let _ = h.sup.start_process("manual", false, now, host);
    assert_eq!(
        argv(&h),
        [["/bin/cat", "-n", "3"], ["/bin/cat", "-n", "3"]].map(|a| a.map(String::from).to_vec())
    );
    let info = h.sup.local_process_info("manual", h.now, &h.host);
    assert_eq!(info.map(|i| i.extra_args), Ok("-n 3".to_string()));
    assert_eq!(
        fault_text(h.sup.set_extra_args("manual:*", "x")),
        "BAD_NAME: namespec manual:* unknown to this Supervisor instance"
    );
    assert_eq!(
        fault_text(h.sup.set_extra_args("nope", "x")),
        "BAD_NAME: namespec nope unknown to this Supervisor instance"
    );
}

#[test]
fn a_recreated_process_starts_without_extra_args() {
    let mut h = supvisors(MANUAL, &[]);
    let _ = h.sup.set_extra_args("manual", "-v");
    assert_eq!(h.sup.remove_process_group("manual"), Ok(true));
    assert_eq!(h.sup.add_process_group("manual", &mut h.host), Ok(true));
    let info = h.sup.local_process_info("manual", h.now, &h.host);
    assert_eq!(info.map(|i| i.extra_args), Ok(String::new()));
    let notices = h.sup.take_notices();
    assert!(matches!(
        notices.first(),
        Some(SupvisorsNotice::ProcessRemoved { group, name }) if group == "manual" && name == "*"
    ));
    match notices.get(1) {
        Some(SupvisorsNotice::ProcessAdded(infos)) => {
            assert_eq!(infos.len(), 1);
            assert_eq!(infos[0].namespec(), "manual");
        }
        other => panic!("expected ProcessAdded, got {other:?}"),
    }
}

#[test]
fn force_fatal_emits_the_fatal_state_with_its_spawnerr() {
    let mut h = supvisors(MANUAL, &[]);
    let text = "NO_FILE: can't find command '/bin/cat'";
    assert_eq!(h.sup.force_fatal("manual", text, h.now), Ok(()));
    h.drain();
    assert_eq!(h.state("manual"), ProcessState::Fatal);
    assert_eq!(
        h.transitions("manual"),
        [(ProcessState::Backoff, ProcessState::Fatal)]
    );
    assert_eq!(h.info("manual").spawnerr, text);
    let notices = h.sup.take_notices();
    match notices.as_slice() {
        [SupvisorsNotice::ProcessState(e)] => {
            assert_eq!((e.state, e.spawnerr.as_str()), (ProcessStates::Fatal, text));
            assert_eq!(e.now, T0);
        }
        other => panic!("expected one state notice, got {other:?}"),
    }
    assert_eq!(
        fault_text(h.sup.force_fatal("nope", text, h.now)),
        "BAD_NAME: nope"
    );
}

#[test]
fn disable_and_enable_emit_events_and_notices_and_enable_autostarts() {
    let mut h = supvisors(AUTO, &["auto"]);
    h.tick();
    assert!(h.host.spawns().is_empty());
    assert_eq!(
        fault_text(h.sup.set_program_disabled("nope", true, h.now, &mut h.host)),
        "BAD_NAME: program nope unknown to Supvisors"
    );
    let names = h
        .sup
        .set_program_disabled("auto", false, h.now, &mut h.host);
    assert_eq!(names, Ok(vec!["auto".to_string()]));
    h.drain();
    let enabled = Event::Supvisors {
        kind: SupvisorsEventKind::Enabled,
        group: "auto".into(),
        name: "auto".into(),
    };
    assert!(h.events().contains(&enabled));
    assert_eq!(h.host.spawned_names(), ["auto"]);
    let notices = h.sup.take_notices();
    match notices.first() {
        Some(SupvisorsNotice::ProcessDisability(info)) => {
            assert!(!info.disabled);
            assert_eq!(info.state, ProcessStates::Stopped);
        }
        other => panic!("expected the disability first, got {other:?}"),
    }
    assert_eq!(
        states(&notices),
        [("auto".to_string(), ProcessStates::Starting)]
    );
    let _ = h.sup.set_program_disabled("auto", true, h.now, &mut h.host);
    h.drain();
    let disabled = h.events().into_iter().find(|e| e.is_a("PROCESS_DISABLED"));
    assert_eq!(
        disabled.map(|e| e.payload()),
        Some("processname:auto groupname:auto ".to_string())
    );
    assert_eq!(
        h.sup.disabilities().and_then(|m| m.get("auto").copied()),
        Some(true)
    );
}

#[test]
fn state_notices_follow_every_change_in_order() {
    let mut h = supvisors(AUTO, &[]);
    let _ = h.sup.set_extra_args("auto", "-x");
    h.tick();
    h.tick_after(1.5);
    h.exit("auto", exit(3));
    let notices = h.sup.take_notices();
    let events: Vec<_> = notices
        .iter()
        .filter_map(|n| match n {
            SupvisorsNotice::ProcessState(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    let seen: Vec<_> = events
        .iter()
        .map(|e| (e.state, e.pid, e.expected, e.spawnerr.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (ProcessStates::Starting, 0, true, ""),
            (ProcessStates::Running, 100, true, ""),
            (ProcessStates::Exited, 100, false, "Bad exit code 3"),
        ]
    );
    assert!(events.iter().all(|e| e.extra_args == "-x" && !e.disabled));
    assert!(events.iter().all(|e| e.group == "auto" && e.name == "auto"));
    assert_eq!(events[1].now, T0 + 1.5);
}

#[test]
fn local_process_info_has_the_fifteen_values() {
    let mut h = supvisors(&format!("{GRP}{AUTO}"), &["b"]);
    h.tick();
    h.tick_after(1.5);
    let info = h
        .sup
        .local_process_info("auto", h.now, &h.host)
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(info.state, ProcessStates::Running);
    assert_eq!((info.start, info.now, info.stop), (T0, T0 + 1.0, 0.0));
    assert_eq!(info.pid, 100);
    assert_eq!(info.description, h.info("auto").description);
    assert!(info.expected && info.spawnerr.is_empty());
    assert_eq!((info.startsecs, info.stopwaitsecs), (1, 10));
    let all = h.sup.all_local_process_info(h.now, &h.host);
    let names: Vec<_> = all.iter().map(|i| (i.namespec(), i.disabled)).collect();
    assert_eq!(
        names,
        [
            ("auto".to_string(), false),
            ("grp:a".to_string(), false),
            ("grp:b".to_string(), true),
        ]
    );
    assert_eq!(all[1].description, "Not started");
    assert_eq!(
        fault_text(h.sup.local_process_info("grp:*", h.now, &h.host)),
        "BAD_NAME: grp:*"
    );
}
