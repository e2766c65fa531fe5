//! The publisher against the reference Python client (`supvisors.supvisorszmq.EventSubscriber`
//! of Supvisors 0.15 over PyZMQ): one message of each header and `event` variant, key order and
//! Python types checked on the Python side (`zmq_subscriber.py`), plus prefix filtering.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use supvisors_core::boundary::Publication;
use supvisors_core::enums::{
    ApplicationStates, ProcessStates, SupvisorsInstanceStates, SupvisorsStates,
};
use supvisors_core::messages::{ForcedProcessEvent, LocalProcessInfo, ProcessEvent, StateModes};
use supvisors_core::status::{ApplicationInfo, InstanceInfo, ProcessStatusInfo, SupvisorsStatus};
use supvisors_net::events::EventPublisher;

const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
/// Guards against a hang only; nothing is asserted on durations.
const GIVE_UP: Duration = Duration::from_secs(60);

/// Kills the Python child (by its own pid, through `Child`) if the test ends early.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Binds the publisher on a port that was free a moment ago: the reference client only
/// connects to a fixed `tcp://127.0.0.1:<port>`, so port 0 cannot be handed to it directly.
async fn bind_free_port() -> EventPublisher {
    for _ in 0..20 {
        let port = {
            let probe = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            probe.local_addr().unwrap().port()
        };
        match EventPublisher::bind(port).await {
            Ok(publisher) => return publisher,
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
            Err(e) => panic!("bind {port}: {e}"),
        }
    }
    panic!("no free port found");
}

fn modes(fsm_state: SupvisorsStates) -> StateModes {
    StateModes {
        fsm_state,
        starting_jobs: true,
        stopping_jobs: false,
    }
}

fn supvisors_status(starting_jobs: &[&str]) -> Publication {
    Publication::SupvisorsStatus(SupvisorsStatus {
        state_modes: modes(SupvisorsStates::Operation),
        starting_jobs: starting_jobs.iter().map(|s| (*s).to_owned()).collect(),
        stopping_jobs: vec![],
    })
}

fn process_status(name: &str) -> ProcessStatusInfo {
    ProcessStatusInfo {
        application_name: "app".into(),
        process_name: name.into(),
        state: ProcessStates::Running,
        expected_exit: true,
        last_event_time: 1_700_000_000.0,
        identifiers: vec!["a".into(), "b✪".into()],
        extra_args: "-v \"x\"".into(),
    }
}

/// One publication of each header and `event` variant, in the order the script expects.
fn sequence() -> Vec<Publication> {
    let event = ProcessEvent {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Exited,
        now: 1_700_000_002.5,
        pid: 0,
        expected: false,
        // non-empty: an empty one is published as null (Supervisor's None)
        spawnerr: "Bad exit code 1".into(),
        extra_args: String::new(),
        disabled: false,
    };
    let forced = ForcedProcessEvent {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Fatal,
        identifier: "b".into(),
        now: 1_700_000_003.0,
        reason: "no resource available".into(),
        extra_args: String::new(),
    };
    let info = LocalProcessInfo {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Stopped,
        start: 0.0,
        stop: 1_700_000_004.0,
        now: 1_700_000_005.0,
        pid: 0,
        spawnerr: String::new(),
        expected: true,
        startsecs: 1,
        stopwaitsecs: 10,
        extra_args: String::new(),
        disabled: true,
        description: "Not started".into(),
    };
    vec![
        supvisors_status(&["a"]),
        Publication::Instance(InstanceInfo {
            identifier: "a".into(),
            node_name: "localhost".into(),
            port: 60000,
            state: SupvisorsInstanceStates::Running,
            sequence_counter: 3,
            remote_time: 1_700_000_000.5,
            local_time: 1_700_000_000.75,
            loading: 10,
            state_modes: modes(SupvisorsStates::Operation),
        }),
        Publication::Application(ApplicationInfo {
            application_name: "app".into(),
            managed: true,
            state: ApplicationStates::Running,
            major_failure: false,
            minor_failure: false,
        }),
        Publication::Process(process_status("p")),
        Publication::ProcessDeleted(process_status("q")),
        Publication::ProcessEvent {
            identifier: "a".into(),
            group: "app".into(),
            name: "p".into(),
            event: Some(event),
        },
        Publication::ProcessEvent {
            identifier: "a".into(),
            group: "app".into(),
            name: "q".into(),
            event: None,
        },
        Publication::ForcedProcessEvent {
            identifier: "a".into(),
            event: forced,
        },
        Publication::ProcessDisability {
            identifier: "a".into(),
            info,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_python_subscriber_gets_every_header_and_variant() {
    let publisher = bind_free_port().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zmq_subscriber.py");
    let child = Command::new(PYTHON)
        .arg(script)
        .arg(publisher.port().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = ChildGuard(child);
    let stdout = child.0.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    // slow joiner: ping both subscriptions until the script says it got them
    let pings = [
        supvisors_status(&["__ping__"]),
        Publication::Process(process_status("__ping__")),
    ];
    let start = Instant::now();
    let mut said = Vec::new();
    loop {
        for ping in &pings {
            publisher.publish(ping);
        }
        match tokio::task::block_in_place(|| lines.recv_timeout(Duration::from_millis(20))) {
            Ok(line) if line == "ready" => break,
            Ok(line) => said.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) if start.elapsed() < GIVE_UP => {}
            Err(e) => panic!("script not ready ({e}): {said:?} {}", stderr(&mut child)),
        }
    }
    for publication in sequence() {
        publisher.publish(&publication);
    }
    publisher.publish(&Publication::Process(process_status("__end__")));
    let status = tokio::task::block_in_place(|| {
        loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() > GIVE_UP {
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    said.extend(lines.try_iter());
    let err = stderr(&mut child);
    assert!(
        status.is_some_and(|s| s.success()),
        "status {status:?}, stdout {said:?}, stderr:\n{err}"
    );
    assert_eq!(said, ["OK"]);
    assert_eq!(publisher.dropped(), 0);
    publisher.close().await;
}

/// The child's stderr, once it has exited (killed first if still running, as it then failed).
fn stderr(child: &mut ChildGuard) -> String {
    if let Ok(None) = child.0.try_wait() {
        let _ = child.0.kill();
        let _ = child.0.wait();
    }
    let mut text = String::new();
    if let Some(mut err) = child.0.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}
