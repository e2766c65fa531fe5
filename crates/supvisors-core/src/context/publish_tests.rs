//! What the context publishes on the event interface, and in which order (interface spec §3.5).

use super::tests::{ctx, loaded, process_event, run, tick};
use super::*;
use crate::enums::{ProcessStates, SupvisorsInstanceStates::*, SupvisorsStates};
use crate::process::tests::local_info;

/// The header each publication goes out with.
fn headers(out: &[Output]) -> Vec<&'static str> {
    out.iter()
        .filter_map(|o| match o {
            Output::Publish(p) => Some(match p {
                Publication::SupvisorsStatus(_) => "supvisors",
                Publication::Instance(_) => "instance",
                Publication::Application(_) => "application",
                Publication::Process(_) | Publication::ProcessDeleted(_) => "process",
                Publication::ProcessEvent { .. }
                | Publication::ForcedProcessEvent { .. }
                | Publication::ProcessDisability { .. } => "event",
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn supvisors_status_is_published_only_when_it_changes() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a"]);
    let mut out = Vec::new();
    c.on_tick("a", &tick(2, 10.0), 10.0, &mut out);
    assert_eq!(
        headers(&out),
        ["instance"],
        "same status as after the first tick"
    );
    let modes = StateModes {
        fsm_state: SupvisorsStates::Deployment,
        starting_jobs: true,
        stopping_jobs: false,
    };
    out.clear();
    c.on_state_modes("b", modes, &mut out);
    assert_eq!(headers(&out), ["supvisors"], "b now has starting jobs");
    out.clear();
    c.on_state_modes("b", modes, &mut out);
    assert!(out.is_empty(), "unchanged");
}

#[test]
fn a_checked_instance_is_published_once_per_tick_and_not_on_authorization() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a"]);
    let mut out = Vec::new();
    c.on_tick("b", &tick(1, 6.0), 6.0, &mut out);
    let published: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Publish(Publication::Instance(i)) => Some((i.identifier.as_str(), i.state)),
            _ => None,
        })
        .collect();
    assert_eq!(published, [("b", Checking)]);
    out.clear();
    assert!(c.on_authorization("b", Some(true), &mut out));
    assert!(headers(&out).is_empty(), "RUNNING shows at its next TICK");
}

#[test]
fn isolation_publishes_the_instance() {
    let mut c = ctx(&["a", "b"]);
    run(&mut c, &["a"]);
    let mut out = Vec::new();
    c.invalid("b", true, &mut out);
    assert_eq!(headers(&out), ["instance"]);
    out.clear();
    assert_eq!(c.handle_isolation(&mut out), ["b"]);
    assert_eq!(headers(&out), ["instance"]);
}

#[test]
fn lost_instance_publishes_every_process_then_every_application() {
    let mut c = loaded(&["a", "b"]);
    let other = vec![local_info("other", "r", ProcessStates::Stopped)];
    c.load_processes("b", other, 7.0, &mut Vec::new());
    process_event(&mut c, "b", "p", ProcessStates::Running);
    let mut r = crate::process::tests::event(ProcessStates::Running, 10.0);
    (r.group, r.name) = ("other".into(), "r".into());
    c.on_process_event("b", &r, false, 10.0, &mut Vec::new());
    process_event(&mut c, "b", "q", ProcessStates::Running);
    c.local_counter = 10;
    let mut out = Vec::new();
    c.on_tick("a", &tick(10, 100.0), 100.0, &mut out);
    out.clear();
    let (lost, failures) = c.check_inactivity(12, 100.0, 100.0, &mut out);
    assert_eq!(lost, ["b"]);
    assert_eq!(failures.len(), 3);
    let order: Vec<String> = out
        .iter()
        .filter_map(|o| match o {
            Output::Publish(Publication::Instance(i)) => Some(i.identifier.clone()),
            Output::Publish(Publication::Process(p)) => Some(p.process_name.clone()),
            Output::Publish(Publication::Application(a)) => Some(a.application_name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["b", "p", "q", "r", "app", "other"]);
}
