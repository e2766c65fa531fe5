//! Shutdown and restart sequence (§2.9), SHUTDOWN_STATE (§3.3).

use super::super::{Event, FaultCode, Output, ProcessState, SupervisorState};
use super::{Harness, exit};

const FOUR: &str = "\
[program:stub]\ncommand=/bin/stub\nstopwaitsecs=4\n\
[program:envp]\ncommand=/bin/envp\npriority=7\n\
[program:newp]\ncommand=/bin/newp\npriority=999\n\
[eventlistener:lst]\ncommand=/bin/lst\nevents=PROCESS_STATE\n";

fn running(body: &str) -> Harness {
    let mut h = Harness::new(body);
    h.tick();
    h.tick_after(1.5);
    h
}

/// Pids signalled so far, in order.
fn killed(h: &Harness) -> Vec<i32> {
    h.host.kills().into_iter().map(|k| k.0).collect()
}

#[test]
fn item_30_shutdown_stops_one_group_at_a_time_highest_priority_first() {
    let mut h = running(FOUR);
    let (lst, envp, newp, stub) = (h.pid("lst"), h.pid("envp"), h.pid("newp"), h.pid("stub"));
    assert_eq!(h.sup.shutdown(), Ok(true));
    h.forget();
    h.tick();
    assert_eq!(h.events().first(), Some(&Event::SupervisorStopping));
    // Priority 999 groups come last in the sorted list: newp then stub (table order), so
    // stub is stopped first.
    assert_eq!(killed(&h), vec![stub]);
    assert_eq!(
        h.info_logs().first().map(String::as_str),
        Some("INFO waiting for lst, envp, newp, stub to die")
    );
    h.tick_after(1.0);
    assert_eq!(
        killed(&h),
        vec![stub],
        "waits for stub before the next group"
    );
    h.tick_after(3.5);
    assert!(
        h.logs()
            .contains(&"WARN killing 'stub' (103) with SIGKILL".to_string())
    );
    h.exit("stub", 9);
    h.tick();
    h.tick();
    assert_eq!(killed(&h), vec![stub, stub, newp]);
    h.exit("newp", 15);
    h.tick();
    h.tick();
    assert_eq!(killed(&h), vec![stub, stub, newp, envp]);
    h.exit("envp", 15);
    h.tick();
    h.tick();
    assert_eq!(killed(&h), vec![stub, stub, newp, envp, lst]);
    assert!(!h.outputs.contains(&Output::Exit));
    h.exit("lst", 15);
    h.tick();
    assert_eq!(h.outputs.last(), Some(&Output::Exit));
    assert!(h.sup.is_finished());
    assert_eq!(h.sup.next_deadline(h.now), None);
}

#[test]
fn shutdown_sends_backoff_processes_to_fatal_silently() {
    let mut h = Harness::new("[program:q]\ncommand=/bin/q\nstartsecs=5\n");
    h.tick();
    h.exit("q", exit(0));
    let _ = h.sup.shutdown();
    h.forget();
    h.tick();
    assert_eq!(h.sup.mood(), SupervisorState::Shutdown);
    assert!(!h.logs().iter().any(|l| l.contains("gave up")));
    assert_eq!(h.state("q"), ProcessState::Fatal);
    h.tick();
    assert_eq!(h.outputs.last(), Some(&Output::Exit));
}

#[test]
fn restart_ends_with_reinitialize_and_no_spawn_happens_meanwhile() {
    let mut h = Harness::new("[program:x]\ncommand=/bin/x\nautorestart=true\n");
    h.tick();
    h.tick_after(1.5);
    assert_eq!(h.sup.restart(), Ok(true));
    h.exit("x", exit(0));
    h.tick();
    h.tick();
    assert_eq!(h.host.spawns().len(), 1, "no autorestart while restarting");
    assert_eq!(h.outputs.last(), Some(&Output::Reinitialize));
}

#[test]
fn item_62_shutdown_state_faults_except_remote_comm_event() {
    let mut h = running("[program:s]\ncommand=/bin/s\n");
    let _ = h.sup.shutdown();
    assert_eq!(
        h.sup.get_state().map_err(|f| f.code),
        Err(FaultCode::ShutdownState)
    );
    assert_eq!(
        h.sup.shutdown().map_err(|f| f.to_string()),
        Err("SHUTDOWN_STATE".into())
    );
    assert!(h.sup.get_process_info("s", h.now, &h.host).is_err());
    assert!(h.sup.start_process("s", false, h.now, &mut h.host).is_err());
    assert!(h.sup.send_remote_comm_event("a", "b"));
    // signalAllProcesses only checks the state at the end, but each member's signalProcess
    // checks it too (4.3.0 source), so nothing is signalled.
    let r = h.sup.signal_all_processes(
        &super::super::SignalArg::Str("HUP".into()),
        h.now,
        &mut h.host,
    );
    assert_eq!(r.map_err(|f| f.code), Err(FaultCode::ShutdownState));
    assert!(h.host.kills().is_empty());
}

#[test]
fn shutdown_deadline_waits_for_children_instead_of_spinning() {
    let mut h = running(
        "[program:a]\ncommand=/bin/a\nstopwaitsecs=10\n[program:b]\ncommand=/bin/b\npriority=1\n",
    );
    let _ = h.sup.shutdown();
    assert_eq!(
        h.sup.next_deadline(h.now),
        Some(h.now.mono),
        "sequence not begun"
    );
    h.tick();
    // `a` was signalled: the next wake-up is the TICK_5 boundary, not now.
    let next = h.sup.next_deadline(h.now);
    assert!(next.is_some_and(|t| t > h.now.mono), "{next:?}");
    h.exit("a", 15);
    assert_eq!(
        h.sup.next_deadline(h.now),
        Some(h.now.mono),
        "group done: move on"
    );
}

#[test]
fn signals_received_change_the_mood() {
    let mut h = Harness::new("[program:a]\ncommand=/bin/a\n");
    h.sup.handle_signal(1);
    assert_eq!(h.sup.mood(), SupervisorState::Restarting);
    h.sup.handle_signal(15);
    assert_eq!(h.sup.mood(), SupervisorState::Shutdown);
    h.sup.handle_signal(1);
    assert_eq!(h.sup.mood(), SupervisorState::Shutdown);
    h.drain();
    assert_eq!(
        h.logs(),
        vec![
            "WARN received SIGHUP indicating restart request",
            "WARN received SIGTERM indicating exit request",
            "WARN ignored SIGHUP indicating restart request (shutdown in progress)",
        ]
    );
}

#[test]
fn observers_still_see_processes_while_shutting_down() {
    let mut h = running("[program:a]\ncommand=/bin/a\n[program:b]\ncommand=/bin/b\npriority=1\n");
    let _ = h.sup.shutdown();
    h.tick();
    let seen: Vec<(String, ProcessState)> = h
        .sup
        .process_infos(h.now, &h.host)
        .into_iter()
        .map(|i| (i.name, i.state))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("b".to_string(), ProcessState::Running),
            ("a".to_string(), ProcessState::Stopping)
        ]
    );
}
