//! The transition table (§2.4), startsecs/backoff arithmetic (§2.5), exits (§2.6), stops
//! (§2.7) and autostart order (§2.8).

use super::super::Event;
use super::super::ProcessState::{Backoff, Exited, Fatal, Running, Starting, Stopped};
use super::{Harness, exit};

const SLEEPER: &str = "[program:sleeper]\ncommand=/bin/sleep 1000\n";

#[test]
fn autostart_spawns_at_first_tick_then_running_after_startsecs() {
    let mut h = Harness::new(SLEEPER);
    assert_eq!(h.state("sleeper"), Stopped);
    assert!(
        h.host.spawns().is_empty(),
        "nothing spawned before the first tick"
    );
    h.tick();
    assert_eq!(h.state("sleeper"), Starting);
    assert!(
        h.logs()
            .contains(&"INFO spawned: 'sleeper' with pid 100".to_string())
    );
    // Exactly startsecs later is not "strictly greater".
    h.tick_after(1.0);
    assert_eq!(h.state("sleeper"), Starting);
    h.tick_after(0.1);
    assert_eq!(h.state("sleeper"), Running);
    assert!(h.logs().contains(&"INFO success: sleeper entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)".to_string()));
    assert_eq!(
        h.transitions("sleeper"),
        vec![(Stopped, Starting), (Starting, Running)]
    );
    let payloads: Vec<String> = h
        .events()
        .iter()
        .filter(|e| matches!(e, Event::ProcessState { .. }))
        .map(Event::payload)
        .collect();
    assert_eq!(
        payloads,
        vec![
            "processname:sleeper groupname:sleeper from_state:STOPPED tries:0",
            "processname:sleeper groupname:sleeper from_state:STARTING pid:100",
        ]
    );
}

#[test]
fn item_19_quick_goes_fatal_after_exactly_two_spawns() {
    let mut h = Harness::new("[program:quick]\ncommand=/bin/true\nstartsecs=2\nstartretries=1\n");
    h.tick();
    h.advance(0.01);
    h.exit("quick", exit(0));
    assert_eq!(h.state("quick"), Backoff);
    // The first retry waits 1 s from the failure.
    h.tick_after(0.9);
    assert_eq!(h.state("quick"), Backoff);
    h.tick_after(0.2);
    assert_eq!(h.state("quick"), Starting);
    h.advance(0.01);
    h.exit("quick", exit(0));
    h.tick_after(0.5);
    assert_eq!(h.state("quick"), Fatal);
    assert_eq!(h.host.spawns().len(), 2);
    let info = h.info("quick");
    assert_eq!(
        info.description,
        "Exited too quickly (process log may have details)"
    );
    assert_eq!(
        info.spawnerr,
        "Exited too quickly (process log may have details)"
    );
    assert_eq!(info.exitstatus, 0);
    assert_eq!(
        h.info_logs(),
        vec![
            "INFO spawned: 'quick' with pid 100",
            "WARN exited: quick (exit status 0; not expected)",
            "INFO spawned: 'quick' with pid 101",
            "WARN exited: quick (exit status 0; not expected)",
            "INFO gave up: quick entered FATAL state, too many start retries too quickly",
        ]
    );
    let tries: Vec<String> = h
        .events()
        .iter()
        .filter(|e| e.type_name() == "PROCESS_STATE_BACKOFF")
        .map(Event::payload)
        .collect();
    assert_eq!(
        tries,
        vec![
            "processname:quick groupname:quick from_state:STARTING tries:1",
            "processname:quick groupname:quick from_state:STARTING tries:2",
        ]
    );
}

#[test]
fn kth_retry_waits_k_seconds_and_default_gives_four_attempts() {
    let mut h = Harness::new("[program:q]\ncommand=/bin/true\nstartsecs=5\n");
    h.tick();
    for k in 1..=3 {
        h.exit("q", exit(1));
        h.tick_after(f64::from(k) - 0.05);
        assert_eq!(h.state("q"), Backoff, "retry {k} too early");
        h.tick_after(0.1);
        assert_eq!(h.state("q"), Starting, "retry {k} not done");
    }
    h.exit("q", exit(1));
    h.tick();
    assert_eq!(h.state("q"), Fatal);
    assert_eq!(h.host.spawns().len(), 4);
}

#[test]
fn startretries_zero_means_one_attempt() {
    let mut h = Harness::new("[program:q]\ncommand=/bin/true\nstartretries=0\n");
    h.tick();
    h.exit("q", exit(0));
    h.tick_after(5.0);
    assert_eq!(h.state("q"), Fatal);
    assert_eq!(h.host.spawns().len(), 1);
}

#[test]
fn item_20_nofile_goes_fatal_with_spawnerr() {
    let mut h = Harness::new("[program:nofile]\ncommand=/nonexistent/binary\n");
    h.host.not_found("/nonexistent/binary");
    for _ in 0..12 {
        h.tick_after(1.1);
    }
    let info = h.info("nofile");
    assert_eq!(info.state, Fatal);
    assert_eq!(info.description, "can't find command '/nonexistent/binary'");
    assert_ne!(info.start, 0);
    assert_eq!(info.stop, 0);
    assert!(h.host.spawns().is_empty());
    assert!(
        h.logs()
            .contains(&"INFO spawnerr: can't find command '/nonexistent/binary'".to_string())
    );
}

#[test]
fn spawn_failure_from_host_goes_backoff() {
    let mut h = Harness::new("[program:p]\ncommand=/bin/p\n");
    h.host
        .spawn_errors
        .insert("p".into(), "too many open files to spawn 'p'".into());
    h.tick();
    assert_eq!(h.state("p"), Backoff);
    assert_eq!(h.info("p").spawnerr, "too many open files to spawn 'p'");
    assert_eq!(
        h.transitions("p"),
        vec![(Stopped, Starting), (Starting, Backoff)]
    );
}

#[test]
fn item_21_exiter_exits_unexpectedly_and_stays_exited() {
    let mut h = Harness::new("[program:exiter]\ncommand=/bin/exiter\nautorestart=false\n");
    h.tick();
    h.tick_after(1.5);
    h.advance(0.5);
    h.exit("exiter", exit(3));
    h.tick_after(1.0);
    let info = h.info("exiter");
    assert_eq!(info.state, Exited);
    assert_eq!(info.exitstatus, 3);
    assert_eq!(info.spawnerr, "Bad exit code 3");
    assert_eq!(info.stop, 1_795_491_220);
    assert_eq!(info.description, "Nov 24 03:33 AM");
    assert!(
        h.logs()
            .contains(&"WARN exited: exiter (exit status 3; not expected)".to_string())
    );
    assert_eq!(h.host.spawns().len(), 1);
    let exited = h
        .events()
        .into_iter()
        .find(|e| e.type_name() == "PROCESS_STATE_EXITED");
    assert_eq!(
        exited.map(|e| e.payload()),
        Some("processname:exiter groupname:exiter from_state:RUNNING expected:0 pid:100".into())
    );
}

#[test]
fn item_22_autorestart_true_restarts_after_expected_exit() {
    let mut h = Harness::new("[program:x]\ncommand=/bin/x\nautorestart=true\n");
    h.tick();
    h.tick_after(1.5);
    h.exit("x", exit(0));
    assert!(
        h.logs()
            .contains(&"INFO exited: x (exit status 0; expected)".to_string())
    );
    h.tick();
    assert_eq!(h.state("x"), Starting);
    assert_eq!(h.host.spawns().len(), 2);
}

#[test]
fn item_23_default_autorestart_restarts_after_a_signal_death() {
    let mut h = Harness::new("[program:manual]\ncommand=/bin/cat\n");
    h.tick();
    h.tick_after(1.5);
    h.exit("manual", 10);
    assert!(
        h.logs()
            .contains(&"WARN exited: manual (terminated by SIGUSR1; not expected)".to_string())
    );
    assert_eq!(h.info("manual").exitstatus, -1);
    h.tick();
    assert_eq!(h.state("manual"), Starting);
}

#[test]
fn unexpected_autorestart_leaves_expected_exit_alone() {
    let mut h = Harness::new("[program:x]\ncommand=/bin/x\n");
    h.tick();
    h.tick_after(1.5);
    h.exit("x", exit(0));
    h.tick_after(3.0);
    assert_eq!(h.state("x"), Exited);
    assert_eq!(h.host.spawns().len(), 1);
}

#[test]
fn item_26_startsecs_zero_exit_is_never_too_quick() {
    let mut h = Harness::new(
        "[program:z]\ncommand=/bin/z\nstartsecs=0\nautostart=false\nautorestart=false\n",
    );
    h.tick();
    let out = h.sup.start_process("z", true, h.now, &mut h.host);
    assert_eq!(
        out,
        Ok(super::super::Outcome::Done(super::super::RpcResult::Bool(
            true
        )))
    );
    h.drain();
    assert_eq!(h.state("z"), Running);
    h.exit("z", exit(0));
    assert_eq!(h.state("z"), Exited);
    assert!(!h.transitions("z").iter().any(|t| t.1 == Backoff));
}

#[test]
fn exit_between_startsecs_and_next_tick_goes_running_then_exited() {
    let mut h = Harness::new("[program:x]\ncommand=/bin/x\nautorestart=false\n");
    h.tick();
    h.advance(1.5);
    h.exit("x", exit(0));
    assert_eq!(
        h.transitions("x"),
        vec![(Stopped, Starting), (Starting, Running), (Running, Exited)]
    );
}

#[test]
fn item_29_autostart_order_follows_priorities_without_waiting() {
    let body = "\
[program:sleeper]\ncommand=/bin/sleep\npriority=10\n\
[program:exiter]\ncommand=/bin/e\n\
[program:multi]\ncommand=/bin/m\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)02d\n\
[program:quick]\ncommand=/bin/q\n\
[program:a]\ncommand=/bin/a\nautostart=false\n\
[program:b]\ncommand=/bin/b\nautostart=false\n\
[group:grp]\nprograms=a,b\npriority=5\n";
    let mut h = Harness::new(body);
    h.tick();
    assert_eq!(
        h.host.spawned_names(),
        vec!["sleeper", "exiter", "multi_00", "multi_01", "quick"]
    );
    // A second tick does not start them again.
    h.tick();
    assert_eq!(h.host.spawns().len(), 5);
}

#[test]
fn spawn_request_carries_environment_and_logs() {
    let mut h = Harness::new(
        "[unix_http_server]\nfile=/tmp/x.sock\n[program:envp]\ncommand=/bin/env -0\nenvironment=PROG_X=1\nredirect_stderr=true\ndirectory=/tmp\numask=022\n",
    );
    h.tick();
    let req = h.host.spawns()[0].clone();
    assert_eq!(req.command.argv, vec!["/bin/env", "-0"]);
    let env: Vec<(&str, &str)> = req
        .environment
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env,
        vec![
            ("SUPERVISOR_ENABLED", "1"),
            ("SUPERVISOR_SERVER_URL", "unix:///tmp/x.sock"),
            ("SUPERVISOR_PROCESS_NAME", "envp"),
            ("SUPERVISOR_GROUP_NAME", "envp"),
            ("PROG_X", "1"),
        ]
    );
    assert_eq!(req.directory.as_deref(), Some("/tmp"));
    assert_eq!(req.umask, Some(0o22));
    assert!(req.redirect_stderr);
    assert!(
        req.stdout
            .path
            .as_deref()
            .is_some_and(|p| p.contains("envp-stdout---test-"))
    );
    assert_eq!(req.stderr.path, None);
}

#[test]
fn unknown_pid_is_logged() {
    let mut h = Harness::new(SLEEPER);
    h.sup.child_exited(4242, exit(1), h.now, &mut h.host);
    h.drain();
    assert_eq!(
        h.logs(),
        vec!["INFO reaped unknown pid 4242 (exit status 1)"]
    );
}

#[test]
fn next_deadline_points_at_the_next_timed_transition() {
    let mut h = Harness::new("[program:q]\ncommand=/bin/q\nstartsecs=3\n");
    assert_eq!(
        h.sup.next_deadline(h.now),
        Some(h.now.mono),
        "autostart due now"
    );
    h.tick();
    assert_eq!(
        h.sup.next_deadline(h.now),
        Some(h.now.mono + 2.0),
        "TICK_5 boundary first"
    );
    h.exit("q", exit(0));
    let next = h.sup.next_deadline(h.now).unwrap_or_default();
    assert!(
        (next - (h.now.mono + 1.001)).abs() < 1e-9,
        "backoff retry: {next}"
    );
    // Ticking at that deadline performs the retry.
    h.now = h.now.plus(next - h.now.mono);
    h.tick();
    assert_eq!(h.state("q"), Starting);
}

#[test]
fn debug_output_lines_follow_loglevel() {
    let mut h = Harness::new("[supervisord]\nloglevel=debug\n[program:o]\ncommand=/bin/o\n");
    h.tick();
    h.sup
        .process_output(100, super::super::Channel::Stderr, b"oops\n");
    h.drain();
    assert!(
        h.logs()
            .contains(&"DEBG 'o' stderr output:\noops\n".to_string())
    );
    let mut quiet = Harness::new("[program:o]\ncommand=/bin/o\n");
    quiet.tick();
    quiet
        .sup
        .process_output(100, super::super::Channel::Stderr, b"oops\n");
    quiet.drain();
    assert!(!quiet.logs().iter().any(|l| l.contains("output:")));
}

#[test]
fn tries_in_state_payloads_match_a_reference_run() {
    // Reference run (quick: startsecs=2, startretries=1): STARTING tries:0, BACKOFF tries:1,
    // STARTING from BACKOFF tries:1, BACKOFF tries:2, FATAL, then a manual start from FATAL
    // with tries:0.
    let mut h = Harness::new("[program:quick]\ncommand=/bin/true\nstartsecs=2\nstartretries=1\n");
    h.tick();
    h.exit("quick", exit(0));
    h.tick_after(1.1);
    h.exit("quick", exit(0));
    h.tick();
    let _ = h.sup.start_process("quick", false, h.now, &mut h.host);
    h.drain();
    let payloads: Vec<String> = h
        .events()
        .iter()
        .filter(|e| e.is_a("PROCESS_STATE"))
        .map(|e| format!("{} {}", e.type_name(), e.payload()))
        .collect();
    let p = "processname:quick groupname:quick";
    assert_eq!(
        payloads,
        vec![
            format!("PROCESS_STATE_STARTING {p} from_state:STOPPED tries:0"),
            format!("PROCESS_STATE_BACKOFF {p} from_state:STARTING tries:1"),
            format!("PROCESS_STATE_STARTING {p} from_state:BACKOFF tries:1"),
            format!("PROCESS_STATE_BACKOFF {p} from_state:STARTING tries:2"),
            format!("PROCESS_STATE_FATAL {p} from_state:BACKOFF"),
            format!("PROCESS_STATE_STARTING {p} from_state:FATAL tries:0"),
        ]
    );
}

#[test]
fn fcgi_processes_are_spawned_with_their_group_socket() {
    let mut h = Harness::new(
        "[fcgi-program:fc]\nsocket=tcp://127.0.0.1:9999\ncommand=/bin/cat\nnumprocs=2\n\
         process_name=%(program_name)s_%(process_num)s\n\n[program:plain]\ncommand=/bin/cat\n",
    );
    h.tick();
    let sockets: Vec<(String, bool)> = h
        .host
        .spawns()
        .iter()
        .map(|r| (r.name.clone(), r.fcgi_socket.is_some()))
        .collect();
    assert_eq!(
        sockets,
        vec![
            ("fc_0".to_string(), true),
            ("fc_1".to_string(), true),
            ("plain".to_string(), false)
        ]
    );
}
