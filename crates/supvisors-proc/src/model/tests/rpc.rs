//! `supervisor.*` semantics (§3.5): names, faults, results and their order.

use super::super::testing::FakeHost;
use super::super::{
    CommandError, CommandErrorKind, FaultCode, Outcome, ProcessResult, ProcessState, RpcResult,
    SignalArg, Supervisor,
};
use super::{Harness, config, exit};

pub(super) const GRP: &str = "\
[program:a]\ncommand=/bin/a\nautostart=false\n\
[program:b]\ncommand=/bin/b\nautostart=false\n\
[group:grp]\nprograms=a,b\n";
pub(super) const MULTI: &str = "[program:multi]\ncommand=/bin/m\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)02d\nautostart=false\n";
pub(super) const MANUAL: &str = "[program:manual]\ncommand=/bin/cat\nautostart=false\n";

pub(super) fn fault_text<T: std::fmt::Debug>(r: Result<T, super::super::Fault>) -> String {
    match r {
        Err(f) => f.to_string(),
        Ok(v) => panic!("expected a fault, got {v:?}"),
    }
}

fn done_true() -> Result<Outcome, super::super::Fault> {
    Ok(Outcome::Done(RpcResult::Bool(true)))
}

pub(super) fn ok(group: &str, name: &str) -> ProcessResult {
    ProcessResult {
        name: name.into(),
        group: group.into(),
        status: FaultCode::Success,
        description: "OK".into(),
    }
}

#[test]
fn item_16_heterogeneous_members_need_the_group_prefix() {
    let h = Harness::new(GRP);
    assert_eq!(h.info("grp:a").name, "a");
    assert_eq!(h.info("grp:b").group, "grp");
    assert_eq!(
        fault_text(h.sup.get_process_info("a", h.now, &h.host)),
        "BAD_NAME: a"
    );
}

#[test]
fn item_17_numprocs_members_and_group_names() {
    let h = Harness::new(MULTI);
    assert_eq!(h.info("multi:multi_00").name, "multi_00");
    for bad in [
        "multi_00",
        "multi",
        "multi:",
        "multi:*",
        "multi:nope",
        "a:b:c",
    ] {
        assert_eq!(
            fault_text(h.sup.get_process_info(bad, h.now, &h.host)),
            format!("BAD_NAME: {bad}")
        );
    }
}

#[test]
fn item_18_empty_group_can_be_removed_once() {
    let mut h = Harness::new("[group:empty]\n");
    assert_eq!(h.sup.remove_process_group("empty"), Ok(true));
    assert_eq!(
        fault_text(h.sup.remove_process_group("empty")),
        "BAD_NAME: empty"
    );
    h.drain();
    assert!(
        h.events()
            .contains(&super::super::Event::ProcessGroupRemoved("empty".into()))
    );
}

#[test]
fn item_41_start_of_running_process_is_already_started() {
    let mut h = Harness::new("[program:sleeper]\ncommand=/bin/sleep\n");
    h.tick();
    h.tick_after(1.5);
    let r = h.sup.start_process("sleeper", true, h.now, &mut h.host);
    assert_eq!(fault_text(r), "ALREADY_STARTED: sleeper");
}

#[test]
fn item_42_43_command_checks_come_first_and_leave_state_alone() {
    let mut h = Harness::new(
        "[program:nofile]\ncommand=/nonexistent/binary\nautostart=false\n[program:noexec]\ncommand=/tmp/script\nautostart=false\n",
    );
    h.host.not_found("/nonexistent/binary");
    h.host.bad_commands.insert(
        "/tmp/script".into(),
        CommandError {
            kind: CommandErrorKind::NotExecutable,
            text: "command at '/tmp/script' is not executable".into(),
        },
    );
    let r = h.sup.start_process("nofile", true, h.now, &mut h.host);
    assert_eq!(
        fault_text(r),
        "NO_FILE: can't find command '/nonexistent/binary'"
    );
    let r = h.sup.start_process("noexec", true, h.now, &mut h.host);
    assert_eq!(
        fault_text(r),
        "NOT_EXECUTABLE: command at '/tmp/script' is not executable"
    );
    assert_eq!(h.state("nofile"), ProcessState::Stopped);
    assert_eq!(h.info("nofile").start, 0);
    assert!(h.host.spawns().is_empty());
}

#[test]
fn item_43_empty_command_is_not_executable() {
    let mut host = FakeHost::new();
    let cfg = config(MANUAL);
    let mut sup = Supervisor::new(&cfg, "test", &mut host);
    // The fake resolves by splitting on whitespace: make the command empty after parsing.
    std::sync::Arc::make_mut(&mut sup.groups[0].processes[0].config).command = String::new();
    let r = sup.start_process("manual", true, super::super::Clock::at(10.0), &mut host);
    assert_eq!(fault_text(r), "NOT_EXECUTABLE: command is empty");
}

#[test]
fn item_44_quick_exit_gives_spawn_error() {
    let mut h = Harness::new("[program:quick]\ncommand=/bin/true\nstartsecs=2\nautostart=false\n");
    // The child is already dead when the model reaps right after the spawn.
    h.host.pending_exits.push((100, exit(0)));
    let r = h.sup.start_process("quick", true, h.now, &mut h.host);
    assert_eq!(fault_text(r), "SPAWN_ERROR: quick");
    // Exiting later while waiting gives the same fault.
    let _ = h.sup.stop_process("quick", false, h.now, &mut h.host);
    let r = h.sup.start_process("quick", true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut w)) = r else {
        panic!("expected deferred, got {r:?}")
    };
    h.advance(0.5);
    h.exit("quick", exit(0));
    let polled = h
        .sup
        .poll(&mut w, h.now)
        .map(|r| r.map_err(|f| f.to_string()));
    assert_eq!(polled, Some(Err("SPAWN_ERROR: quick".into())));
}

#[test]
fn item_45_start_waits_for_running() {
    let mut h = Harness::new(MANUAL);
    let r = h.sup.start_process("manual", true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut w)) = r else {
        panic!("expected deferred, got {r:?}")
    };
    h.tick_after(0.5);
    assert_eq!(h.sup.poll(&mut w, h.now), None);
    h.tick_after(0.6);
    assert_eq!(h.sup.poll(&mut w, h.now), Some(Ok(RpcResult::Bool(true))));
    assert_eq!(h.state("manual"), ProcessState::Running);
}

#[test]
fn start_while_stopping_is_abnormal_termination() {
    let mut h = Harness::new("[program:s]\ncommand=/bin/s\nautorestart=false\n");
    h.tick();
    h.tick_after(1.5);
    let _ = h.sup.stop_process("s", false, h.now, &mut h.host);
    h.drain();
    h.forget();
    let r = h.sup.start_process("s", true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut w)) = r else {
        panic!("expected deferred, got {r:?}")
    };
    let polled = h
        .sup
        .poll(&mut w, h.now)
        .map(|r| r.map_err(|f| f.to_string()));
    assert_eq!(polled, Some(Err("ABNORMAL_TERMINATION: s".into())));
    h.drain();
    assert_eq!(h.logs(), vec!["WARN process 's' already running"]);
    assert!(h.host.spawns().is_empty());
}

#[test]
fn item_46_group_start_skips_running_members() {
    let mut h = Harness::new(GRP);
    assert_eq!(
        h.sup.start_process("grp:a", false, h.now, &mut h.host),
        done_true()
    );
    let r = h.sup.start_process("grp:*", false, h.now, &mut h.host);
    assert_eq!(
        r,
        Ok(Outcome::Done(RpcResult::Results(vec![ok("grp", "b")])))
    );
    let r = h.sup.start_process_group("grp", true, h.now, &mut h.host);
    assert_eq!(r, Ok(Outcome::Done(RpcResult::Results(vec![]))));
    assert_eq!(
        fault_text(h.sup.start_process_group("nope", true, h.now, &mut h.host)),
        "BAD_NAME: nope"
    );
}

#[test]
fn group_start_orders_immediate_results_first_then_completions() {
    let body = "\
[program:slow]\ncommand=/bin/slow\nstartsecs=3\nautostart=false\n\
[program:fast]\ncommand=/bin/fast\nstartsecs=1\nautostart=false\n\
[program:nofile]\ncommand=/nonexistent\nautostart=false\n\
[program:zero]\ncommand=/bin/zero\nstartsecs=0\nautostart=false\n";
    let mut h = Harness::new(body);
    h.host.not_found("/nonexistent");
    let r = h.sup.start_all_processes(true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut w)) = r else {
        panic!("expected deferred, got {r:?}")
    };
    h.tick_after(1.5);
    assert_eq!(h.sup.poll(&mut w, h.now), None);
    h.tick_after(2.0);
    let Some(Ok(RpcResult::Results(results))) = h.sup.poll(&mut w, h.now) else {
        panic!("not done")
    };
    let order: Vec<(&str, i32)> = results
        .iter()
        .map(|r| (r.name.as_str(), r.status.code()))
        .collect();
    // Candidates sorted by (priority, name): fast, nofile, slow, zero.
    assert_eq!(
        order,
        vec![("nofile", 20), ("zero", 80), ("fast", 80), ("slow", 80)]
    );
    assert_eq!(
        results[0].description,
        "NO_FILE: can't find command '/nonexistent'"
    );
}

#[test]
fn item_47_stop_of_stopped_or_stopping_is_not_running() {
    let mut h = Harness::new(MANUAL);
    assert_eq!(
        fault_text(h.sup.stop_process("manual", true, h.now, &mut h.host)),
        "NOT_RUNNING: manual"
    );
    let _ = h.sup.start_process("manual", false, h.now, &mut h.host);
    let _ = h.sup.stop_process("manual", false, h.now, &mut h.host);
    assert_eq!(h.state("manual"), ProcessState::Stopping);
    assert_eq!(
        fault_text(h.sup.stop_process("manual", true, h.now, &mut h.host)),
        "NOT_RUNNING: manual"
    );
}

#[test]
fn group_stop_returns_results_when_members_stop() {
    let mut h = Harness::new(GRP);
    let _ = h.sup.start_process("grp:*", false, h.now, &mut h.host);
    let r = h.sup.stop_process_group("grp", true, h.now, &mut h.host);
    let Ok(Outcome::Deferred(mut w)) = r else {
        panic!("expected deferred, got {r:?}")
    };
    h.exit("grp:b", 15);
    assert_eq!(h.sup.poll(&mut w, h.now), None);
    h.exit("grp:a", 15);
    let r = h.sup.poll(&mut w, h.now);
    assert_eq!(
        r,
        Some(Ok(RpcResult::Results(vec![ok("grp", "b"), ok("grp", "a")])))
    );
    let r = h.sup.stop_all_processes(true, h.now, &mut h.host);
    assert_eq!(r, Ok(Outcome::Done(RpcResult::Results(vec![]))));
}

#[test]
fn item_48_signal_is_checked_before_state() {
    let mut h = Harness::new(MANUAL);
    let bogus = SignalArg::Str("BOGUS".into());
    assert_eq!(
        fault_text(h.sup.signal_process("manual", &bogus, h.now, &mut h.host)),
        "BAD_SIGNAL: BOGUS"
    );
    let usr1 = SignalArg::Str("USR1".into());
    assert_eq!(
        fault_text(h.sup.signal_process("manual", &usr1, h.now, &mut h.host)),
        "NOT_RUNNING: manual"
    );
}

#[test]
fn item_49_signal_spellings() {
    let mut h = Harness::new(MANUAL);
    let _ = h.sup.start_process("manual", false, h.now, &mut h.host);
    for (arg, sig) in [
        (SignalArg::Str("USR1".into()), 10),
        (SignalArg::Str("sigcont".into()), 18),
        (SignalArg::Str("18".into()), 18),
        (SignalArg::Int(18), 18),
    ] {
        h.host.clear_calls();
        let r = h.sup.signal_process("manual", &arg, h.now, &mut h.host);
        assert_eq!(r, Ok(RpcResult::Bool(true)), "{arg:?}");
        assert_eq!(h.host.kills(), vec![(100, sig, false)]);
    }
    let r = h
        .sup
        .signal_process("manual", &SignalArg::Int(999), h.now, &mut h.host);
    assert_eq!(fault_text(r), "BAD_SIGNAL: 999");
}

#[test]
fn item_50_group_signal_with_bad_name_gives_one_entry_per_member() {
    let mut h = Harness::new(GRP);
    let _ = h.sup.start_process("grp:*", false, h.now, &mut h.host);
    let r = h
        .sup
        .signal_process_group("grp", &SignalArg::Str("BOGUS".into()), h.now, &mut h.host);
    let Ok(RpcResult::Results(results)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r.status == FaultCode::BadSignal && r.description == "BAD_SIGNAL: BOGUS")
    );
    let r = h
        .sup
        .signal_process("grp:", &SignalArg::Str("HUP".into()), h.now, &mut h.host);
    assert_eq!(
        r,
        Ok(RpcResult::Results(vec![ok("grp", "a"), ok("grp", "b")]))
    );
}

#[test]
fn item_51_stdin_needs_a_live_child() {
    let mut h = Harness::new(MANUAL);
    assert_eq!(
        fault_text(h.sup.send_process_stdin("manual", b"hello\n", &mut h.host)),
        "NOT_RUNNING: manual"
    );
    let _ = h.sup.start_process("manual", false, h.now, &mut h.host);
    assert_eq!(
        h.sup.send_process_stdin("manual", b"hello\n", &mut h.host),
        Ok(true)
    );
    assert_eq!(h.host.stdin_of(100), b"hello\n");
    h.host
        .stdin_errors
        .insert(100, super::super::StdinError::Closed);
    assert_eq!(
        fault_text(h.sup.send_process_stdin("manual", b"x", &mut h.host)),
        "NO_FILE: manual"
    );
}
