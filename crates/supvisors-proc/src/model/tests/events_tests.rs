//! Event listener pools (§7): serials, envelopes, the listener protocol, re-queueing, ticks.

use super::super::{Event, ListenerState, Output};
use super::{Harness, exit};

const LST: &str = "[eventlistener:lst]\ncommand=/bin/lst\nevents=EVENT\n";

/// Envelope headers (first line of each write) sent to `pid`, in order.
fn headers(h: &Harness, pid: i32) -> Vec<String> {
    let all = String::from_utf8_lossy(&h.host.stdin_of(pid)).to_string();
    // Payloads have no trailing newline: split on the header start instead of on lines.
    all.split("ver:3.0 ")
        .skip(1)
        .map(|chunk| format!("ver:3.0 {}", chunk.lines().next().unwrap_or_default()))
        .collect()
}

/// Makes the listener READY and lets the pool dispatch, acknowledging each event with OK.
fn serve(h: &mut Harness, pid: i32, rounds: usize) {
    for _ in 0..rounds {
        h.sup.listener_stdout(pid, b"READY\n", h.now, &mut h.host);
        h.tick();
        h.sup
            .listener_stdout(pid, b"RESULT 2\nOK", h.now, &mut h.host);
        h.drain();
    }
}

fn listener_state(h: &Harness, name: &str) -> Option<ListenerState> {
    h.sup
        .groups
        .iter()
        .flat_map(|g| g.processes.iter())
        .find(|p| p.config.name == name)
        .and_then(|p| p.listener.as_ref().map(|l| l.state))
}

#[test]
fn item_77_first_event_and_reference_sequence() {
    // Same configuration as a run of the reference: a pool on EVENT plus one program.
    let mut h = Harness::new(&format!("{LST}[program:sl]\ncommand=/bin/sleep\n"));
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    serve(&mut h, lst, 7);
    let hs = headers(&h, lst);
    let names: Vec<(&str, &str)> = hs
        .iter()
        .map(|l| {
            let serial = l.split(' ').nth(2).unwrap_or_default();
            let name = l.split(' ').nth(5).unwrap_or_default();
            (serial, name)
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("serial:0", "eventname:PROCESS_GROUP_ADDED"),
            ("serial:1", "eventname:PROCESS_GROUP_ADDED"),
            ("serial:2", "eventname:SUPERVISOR_STATE_CHANGE_RUNNING"),
            ("serial:3", "eventname:PROCESS_STATE_STARTING"),
            ("serial:4", "eventname:PROCESS_STATE_STARTING"),
            ("serial:5", "eventname:PROCESS_STATE_RUNNING"),
            ("serial:6", "eventname:PROCESS_STATE_RUNNING"),
        ]
    );
    assert_eq!(
        hs[0],
        "ver:3.0 server:test serial:0 pool:lst poolserial:0 eventname:PROCESS_GROUP_ADDED len:14"
    );
    let text = String::from_utf8_lossy(&h.host.stdin_of(lst)).to_string();
    assert!(text.starts_with(&format!("{}\ngroupname:lst\n", hs[0])));
}

#[test]
fn item_78_remote_communication_envelope() {
    let mut h = Harness::new(LST);
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    serve(&mut h, lst, 4);
    h.host.clear_calls();
    assert!(h.sup.send_remote_comm_event("mytype", "my data"));
    serve(&mut h, lst, 1);
    let text = String::from_utf8_lossy(&h.host.stdin_of(lst)).to_string();
    assert!(
        text.ends_with("eventname:REMOTE_COMMUNICATION len:19\ntype:mytype\nmy data"),
        "{text:?}"
    );
}

#[test]
fn item_79_garbage_before_ready_makes_the_listener_unknown() {
    let mut h = Harness::new(LST);
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    h.sup.listener_stdout(lst, b"garbage\n", h.now, &mut h.host);
    h.drain();
    assert!(h.logs().contains(&"WARN lst: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol".to_string()));
    assert_eq!(listener_state(&h, "lst"), Some(ListenerState::Unknown));
    h.sup.listener_stdout(lst, b"READY\n", h.now, &mut h.host);
    h.tick();
    assert!(
        h.host.stdin_of(lst).is_empty(),
        "an UNKNOWN listener gets nothing"
    );
}

#[test]
fn ready_needs_running_and_partial_tokens_wait() {
    let mut h = Harness::new(LST);
    h.tick();
    let lst = h.pid("lst");
    h.sup.listener_stdout(lst, b"REA", h.now, &mut h.host);
    assert_eq!(listener_state(&h, "lst"), Some(ListenerState::Acknowledged));
    h.sup.listener_stdout(lst, b"DY\n", h.now, &mut h.host);
    assert_eq!(listener_state(&h, "lst"), Some(ListenerState::Ready));
    h.tick();
    assert!(h.host.stdin_of(lst).is_empty(), "still STARTING");
    h.tick_after(1.5);
    assert_eq!(headers(&h, lst).len(), 1);
    assert_eq!(listener_state(&h, "lst"), Some(ListenerState::Busy));
}

#[test]
fn rejected_event_is_resent_first() {
    let mut h = Harness::new(LST);
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    h.sup.listener_stdout(lst, b"READY\n", h.now, &mut h.host);
    h.tick();
    h.sup
        .listener_stdout(lst, b"RESULT 4\nFAIL", h.now, &mut h.host);
    h.drain();
    assert!(
        h.logs()
            .contains(&"WARN lst: event was rejected".to_string())
    );
    h.sup.listener_stdout(lst, b"READY\n", h.now, &mut h.host);
    h.tick();
    let hs = headers(&h, lst);
    assert_eq!(hs.len(), 2);
    assert_eq!(hs[0], hs[1], "the same event (same serials) again");
}

#[test]
fn bad_result_line_requeues_and_goes_unknown() {
    let mut h = Harness::new(LST);
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    h.sup.listener_stdout(lst, b"READY\n", h.now, &mut h.host);
    h.tick();
    h.sup
        .listener_stdout(lst, b"RESULT x\n", h.now, &mut h.host);
    h.drain();
    assert!(
        h.logs()
            .contains(&"WARN lst: bad result line: 'RESULT x'".to_string())
    );
    assert_eq!(listener_state(&h, "lst"), Some(ListenerState::Unknown));
    let pool = h.sup.groups[0]
        .pool
        .as_ref()
        .map(|p| p.buffer.front().map(|b| b.serial));
    assert_eq!(pool, Some(Some(0)), "event 0 back at the head");
}

#[test]
fn listener_death_requeues_its_event() {
    let mut h = Harness::new(LST);
    h.tick();
    h.tick_after(1.5);
    let lst = h.pid("lst");
    h.sup.listener_stdout(lst, b"READY\n", h.now, &mut h.host);
    h.tick();
    h.exit("lst", 9);
    let head = h.sup.groups[0]
        .pool
        .as_ref()
        .and_then(|p| p.buffer.front().cloned());
    assert_eq!(head.map(|b| (b.serial, b.poolserial)), Some((0, 0)));
}

#[test]
fn buffer_overflow_drops_the_oldest() {
    let mut h = Harness::new(
        "[eventlistener:lst]\ncommand=/bin/lst\nevents=REMOTE_COMMUNICATION\nbuffer_size=2\nautostart=false\n",
    );
    for i in 0..3 {
        h.sup.send_remote_comm_event("t", &i.to_string());
    }
    h.drain();
    assert!(
        h.logs()
            .contains(&"ERRO pool lst event buffer overflowed, discarding event 0".to_string())
    );
    let serials: Vec<u64> = h.sup.groups[0]
        .pool
        .as_ref()
        .map(|p| p.buffer.iter().map(|b| b.serial).collect())
        .unwrap_or_default();
    assert_eq!(serials, vec![1, 2]);
}

#[test]
fn unsubscribed_events_consume_no_serial_and_ticks_fire_on_slices() {
    let mut h =
        Harness::new("[eventlistener:lst]\ncommand=/bin/lst\nevents=TICK_5\nautostart=false\n");
    // No tick at startup; one per 5 s slice entered afterwards.
    h.tick();
    h.tick_after(1.0);
    h.tick_after(1.0);
    let ticks: Vec<Event> = h
        .events()
        .into_iter()
        .filter(|e| e.type_name().starts_with("TICK"))
        .collect();
    assert_eq!(
        ticks,
        vec![Event::Tick {
            period: 5,
            when: 1_795_491_220
        }]
    );
    let buffered: Vec<(u64, u64)> = h.sup.groups[0]
        .pool
        .as_ref()
        .map(|p| p.buffer.iter().map(|b| (b.serial, b.poolserial)).collect())
        .unwrap_or_default();
    assert_eq!(
        buffered,
        vec![(0, 0)],
        "group/state events did not consume serials"
    );
    assert_eq!(ticks[0].payload(), "when:1795491220");
}

#[test]
fn log_and_communication_events() {
    let mut h = Harness::new("[program:comm]\ncommand=/bin/comm\nstdout_events_enabled=true\n");
    h.tick();
    let pid = h.pid("comm");
    h.sup
        .process_output(pid, super::super::Channel::Stdout, b"before");
    h.sup.process_output(
        pid,
        super::super::Channel::Stderr,
        b"ignored: events disabled",
    );
    h.sup
        .process_communication(pid, super::super::Channel::Stdout, b"captured data");
    h.drain();
    let payloads: Vec<String> = h
        .events()
        .iter()
        .filter(|e| e.is_a("PROCESS_LOG") || e.is_a("PROCESS_COMMUNICATION"))
        .map(Event::payload)
        .collect();
    assert_eq!(
        payloads,
        vec![
            "processname:comm groupname:comm pid:100 channel:stdout\nbefore",
            "processname:comm groupname:comm pid:100\ncaptured data",
        ]
    );
    h.exit("comm", exit(0));
    assert!(!h.outputs.contains(&Output::Exit));
}

fn buffered(h: &Harness, pool: &str) -> Vec<(u64, u64, &'static str)> {
    h.sup
        .groups
        .iter()
        .find(|g| g.config.name == pool)
        .and_then(|g| g.pool.as_ref())
        .map(|p| {
            p.buffer
                .iter()
                .map(|b| (b.serial, b.poolserial, b.event.type_name()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn pools_share_the_global_serial_and_count_their_own() {
    let mut h = Harness::new(
        "[eventlistener:p1]\ncommand=/bin/l\nevents=REMOTE_COMMUNICATION\nautostart=false\n\
         [eventlistener:p2]\ncommand=/bin/l\nevents=REMOTE_COMMUNICATION,PROCESS_GROUP\nautostart=false\n",
    );
    h.sup.send_remote_comm_event("t", "d");
    // p2 saw its own PROCESS_GROUP_ADDED (serial 0); the remote event has serial 1 in both.
    assert_eq!(buffered(&h, "p1"), vec![(1, 0, "REMOTE_COMMUNICATION")]);
    assert_eq!(
        buffered(&h, "p2"),
        vec![
            (0, 0, "PROCESS_GROUP_ADDED"),
            (1, 1, "REMOTE_COMMUNICATION")
        ]
    );
}

#[test]
fn a_type_and_its_parent_buffer_the_event_twice_as_in_the_source() {
    let mut h = Harness::new(
        "[eventlistener:p]\ncommand=/bin/l\nevents=REMOTE_COMMUNICATION,EVENT\nautostart=false\n",
    );
    h.forget();
    h.sup.send_remote_comm_event("t", "d");
    let remote: Vec<_> = buffered(&h, "p")
        .into_iter()
        .filter(|b| b.2 == "REMOTE_COMMUNICATION")
        .collect();
    assert_eq!(
        remote,
        vec![
            (2, 2, "REMOTE_COMMUNICATION"),
            (2, 2, "REMOTE_COMMUNICATION")
        ]
    );
}
