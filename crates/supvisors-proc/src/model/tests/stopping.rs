//! Stopping (§2.7): stop signals, SIGKILL escalation, group signalling, BACKOFF stops,
//! signalling failures.

use super::super::ProcessState::{Starting, Stopped, Stopping, Unknown};
use super::super::{Event, KillError, Outcome, RpcResult};
use super::{Harness, exit};

#[test]
fn stop_sends_stopsignal_and_reap_gives_stopped() {
    let mut h = Harness::new("[program:t]\ncommand=/bin/t\nstopsignal=INT\n");
    h.tick();
    h.tick_after(1.5);
    let _ = h.sup.stop_process("t", false, h.now, &mut h.host);
    h.drain();
    assert_eq!(h.state("t"), Stopping);
    assert_eq!(h.host.kills(), vec![(100, 2, false)]);
    assert!(
        h.logs()
            .contains(&"DEBG killing t (pid 100) with signal SIGINT".to_string())
    );
    h.exit("t", 2);
    assert_eq!(h.state("t"), Stopped);
    assert!(
        h.logs()
            .contains(&"WARN stopped: t (terminated by SIGINT)".to_string())
    );
    let stopped = h
        .events()
        .into_iter()
        .find(|e| e.type_name() == "PROCESS_STATE_STOPPED");
    assert_eq!(
        stopped.map(|e| e.payload()),
        Some("processname:t groupname:t from_state:STOPPING pid:100".into())
    );
}

#[test]
fn stop_of_starting_process_and_expected_exit_logs_info() {
    let mut h = Harness::new("[program:s]\ncommand=/bin/s\nstartsecs=10\n");
    h.tick();
    let _ = h.sup.stop_process("s", false, h.now, &mut h.host);
    h.drain();
    assert_eq!(h.transitions("s").last(), Some(&(Starting, Stopping)));
    h.exit("s", exit(0));
    assert!(
        h.logs()
            .contains(&"INFO stopped: s (exit status 0)".to_string())
    );
}

#[test]
fn stopasgroup_and_killasgroup_target_the_process_group() {
    let mut h = Harness::new("[program:g]\ncommand=/bin/g\nstopasgroup=true\nstopwaitsecs=2\n");
    h.tick();
    h.tick_after(1.5);
    let _ = h.sup.stop_process("g", false, h.now, &mut h.host);
    h.tick_after(2.5);
    assert_eq!(h.host.kills(), vec![(100, 15, true), (100, 9, true)]);
    assert!(
        h.logs()
            .contains(&"DEBG killing g (pid 100) process group with signal SIGTERM".to_string())
    );
}

#[test]
fn item_24_stubborn_is_killed_after_stopwaitsecs() {
    let mut h = Harness::new("[program:stubborn]\ncommand=/bin/stubborn\nstopwaitsecs=2\n");
    h.tick();
    h.tick_after(1.5);
    let out = h.sup.stop_process("stubborn", true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut waiter)) = out else {
        panic!("expected a deferred stop, got {out:?}");
    };
    h.tick_after(1.0);
    assert_eq!(h.sup.poll(&mut waiter, h.now), None);
    h.tick_after(1.1);
    assert_eq!(h.host.kills(), vec![(100, 15, false), (100, 9, false)]);
    h.exit("stubborn", 9);
    assert_eq!(
        h.sup.poll(&mut waiter, h.now),
        Some(Ok(RpcResult::Bool(true)))
    );
    h.drain();
    let logs = h.logs();
    assert!(logs.contains(&"WARN killing 'stubborn' (100) with SIGKILL".to_string()));
    assert!(logs.contains(&"WARN stopped: stubborn (terminated by SIGKILL)".to_string()));
    assert!(logs.contains(&"INFO waiting for stubborn to stop".to_string()));
    assert_eq!(h.info("stubborn").exitstatus, -1);
    // No event for STOPPING -> STOPPING.
    assert_eq!(
        h.transitions("stubborn")
            .iter()
            .filter(|t| t.1 == Stopping)
            .count(),
        1
    );
}

#[test]
fn item_25_stop_in_backoff_is_immediate_without_signal() {
    let mut h = Harness::new("[program:q]\ncommand=/bin/q\nstartsecs=5\n");
    h.tick();
    h.exit("q", exit(0));
    h.forget();
    let out = h.sup.stop_process("q", true, h.now, &mut h.host);
    assert_eq!(out, Ok(Outcome::Done(RpcResult::Bool(true))));
    h.drain();
    assert_eq!(h.state("q"), Stopped);
    assert!(h.host.kills().is_empty());
    assert_eq!(
        h.events().first().map(Event::payload),
        Some("processname:q groupname:q from_state:BACKOFF pid:0".into())
    );
    // backoff is not reset by the stop: the next failure counts as the second.
    let _ = h.sup.start_process("q", false, h.now, &mut h.host);
    h.exit("q", exit(0));
    let last = h
        .events()
        .into_iter()
        .rfind(|e| e.type_name() == "PROCESS_STATE_BACKOFF");
    assert!(last.is_some_and(|e| e.payload().ends_with("tries:2")));
}

#[test]
fn kill_failure_puts_process_in_unknown() {
    let mut h = Harness::new("[program:u]\ncommand=/bin/u\n");
    h.tick();
    h.host
        .kill_errors
        .insert(100, KillError::Other("EPERM".into()));
    let out = h.sup.stop_process("u", false, h.now, &mut h.host);
    assert!(
        matches!(out, Err(ref f) if f.to_string().starts_with("FAILED: unknown problem killing u (100):"))
    );
    h.drain();
    assert_eq!(h.state("u"), Unknown);
    assert_eq!(h.info("u").description, "");
    assert!(
        h.logs()
            .iter()
            .any(|l| l.starts_with("CRIT unknown problem killing u (100):EPERM"))
    );
}

#[test]
fn esrch_on_stop_is_ignored_and_reap_completes() {
    let mut h = Harness::new("[program:e]\ncommand=/bin/e\n");
    h.tick();
    h.host.kill_errors.insert(100, KillError::Esrch);
    let out = h.sup.stop_process("e", false, h.now, &mut h.host);
    assert!(out.is_ok());
    h.drain();
    assert_eq!(h.state("e"), Stopping);
    h.exit("e", exit(0));
    assert_eq!(h.state("e"), Stopped);
}

#[test]
fn sigkill_is_repeated_every_stopwaitsecs_as_in_the_source() {
    let mut h = Harness::new("[program:z]\ncommand=/bin/z\nstopwaitsecs=2\n");
    h.tick();
    let _ = h.sup.stop_process("z", false, h.now, &mut h.host);
    h.tick_after(2.1);
    h.tick_after(1.0);
    assert_eq!(h.host.kills().len(), 2);
    h.tick_after(1.2);
    assert_eq!(
        h.host.kills(),
        vec![(100, 15, false), (100, 9, false), (100, 9, false)]
    );
    assert_eq!(h.state("z"), Stopping);
}
