//! Each header and `event` variant against the exact text the reference would send.
#![allow(clippy::unwrap_used)]

use supvisors_core::enums::{
    ApplicationStates, ProcessStates, SupvisorsInstanceStates, SupvisorsStates,
};
use supvisors_core::messages::StateModes;

use super::*;

fn modes(fsm_state: SupvisorsStates, starting_jobs: bool) -> StateModes {
    StateModes {
        fsm_state,
        starting_jobs,
        stopping_jobs: false,
    }
}

#[test]
fn headers_are_prefix_free() {
    for a in Header::ALL {
        for b in Header::ALL {
            assert!(a == b || !a.as_str().starts_with(b.as_str()), "{a:?} {b:?}");
        }
    }
}

#[test]
fn supvisors_status() {
    let p = Publication::SupvisorsStatus(SupvisorsStatus {
        state_modes: modes(SupvisorsStates::Operation, true),
        starting_jobs: vec!["a".into(), "b".into()],
        stopping_jobs: vec![],
    });
    assert_eq!(
        encode(&p),
        (
            Header::Supvisors,
            r#"{"fsm_statecode": 3, "fsm_statename": "OPERATION", "starting_jobs": ["a", "b"], "stopping_jobs": []}"#.into()
        )
    );
}

#[test]
fn instance_dates_are_capped_ints() {
    let p = Publication::Instance(InstanceInfo {
        identifier: "<x>".into(),
        node_name: "host".into(),
        port: 60000,
        state: SupvisorsInstanceStates::Running,
        sequence_counter: 12,
        remote_time: 1_700_000_000.9,
        local_time: 1e12,
        loading: 35,
        state_modes: modes(SupvisorsStates::Deployment, false),
    });
    let expected = concat!(
        r#"{"identifier": "<x>", "node_name": "host", "port": 60000, "statecode": 2, "#,
        r#""statename": "RUNNING", "sequence_counter": 12, "remote_time": 1700000000, "#,
        r#""local_time": 2147483647, "loading": 35, "fsm_statecode": 2, "#,
        r#""fsm_statename": "DEPLOYMENT", "starting_jobs": false, "stopping_jobs": false}"#
    );
    assert_eq!(encode(&p), (Header::Instance, expected.into()));
}

#[test]
fn application_status() {
    let p = Publication::Application(ApplicationInfo {
        application_name: "app".into(),
        managed: true,
        state: ApplicationStates::Deleted,
        major_failure: false,
        minor_failure: true,
    });
    let expected = r#"{"application_name": "app", "managed": true, "statecode": 4, "statename": "DELETED", "major_failure": false, "minor_failure": true}"#;
    assert_eq!(encode(&p), (Header::Application, expected.into()));
}

fn status() -> ProcessStatusInfo {
    ProcessStatusInfo {
        application_name: "app".into(),
        process_name: "p".into(),
        state: ProcessStates::Fatal,
        expected_exit: false,
        last_event_time: 1_700_000_001.25,
        identifiers: vec!["a".into()],
        extra_args: "-x".into(),
    }
}

#[test]
fn process_status_and_deletion() {
    let head = r#"{"application_name": "app", "process_name": "p", "#;
    let tail = r#", "expected_exit": false, "last_event_time": 1700000001.25, "identifiers": ["a"], "extra_args": "-x"}"#;
    let live = format!(r#"{head}"statecode": 200, "statename": "FATAL"{tail}"#);
    let gone = format!(r#"{head}"statecode": -1, "statename": "DELETED"{tail}"#);
    assert_eq!(
        encode(&Publication::Process(status())),
        (Header::Process, live)
    );
    assert_eq!(
        encode(&Publication::ProcessDeleted(status())),
        (Header::Process, gone)
    );
}

#[test]
fn event_state_change_and_removal() {
    let event = ProcessEvent {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Exited,
        now: 1_700_000_002.5,
        pid: 0,
        expected: false,
        spawnerr: String::new(),
        extra_args: "é".into(),
        disabled: true,
    };
    let change = Publication::ProcessEvent {
        identifier: "b".into(),
        group: "app".into(),
        name: "p".into(),
        event: Some(event),
    };
    let expected = r#"{"name": "p", "group": "app", "state": 100, "now": 1700000002.5, "pid": 0, "expected": false, "spawnerr": null, "extra_args": "\u00e9", "disabled": true, "identifier": "b"}"#;
    assert_eq!(encode(&change), (Header::Event, expected.into()));
    let Publication::ProcessEvent {
        event: Some(event), ..
    } = &change
    else {
        unreachable!("built above");
    };
    let failed = Publication::ProcessEvent {
        identifier: "b".into(),
        group: "app".into(),
        name: "p".into(),
        event: Some(ProcessEvent {
            spawnerr: "Bad exit code 1".into(),
            ..event.clone()
        }),
    };
    assert!(
        encode(&failed)
            .1
            .contains(r#""spawnerr": "Bad exit code 1", "#)
    );
    let removal = Publication::ProcessEvent {
        identifier: "b".into(),
        group: "app".into(),
        name: "p".into(),
        event: None,
    };
    let expected = r#"{"name": "p", "group": "app", "state": -1, "identifier": "b"}"#;
    assert_eq!(encode(&removal), (Header::Event, expected.into()));
}

#[test]
fn event_forced_uses_the_sender_identifier() {
    let p = Publication::ForcedProcessEvent {
        identifier: "master".into(),
        event: ForcedProcessEvent {
            group: "app".into(),
            name: "p".into(),
            state: ProcessStates::Fatal,
            identifier: "target".into(),
            now: 1_700_000_003.0,
            reason: "process RUNNING event not received in time".into(),
            extra_args: String::new(),
        },
    };
    let expected = r#"{"group": "app", "name": "p", "state": 200, "now": 1700000003.0, "pid": 0, "expected": false, "spawnerr": "process RUNNING event not received in time", "extra_args": "", "identifier": "master"}"#;
    assert_eq!(encode(&p), (Header::Event, expected.into()));
}

#[test]
fn event_disability_is_the_local_info() {
    let info = LocalProcessInfo {
        group: "app".into(),
        name: "p".into(),
        state: ProcessStates::Running,
        start: 1_700_000_000.7,
        stop: 0.0,
        now: 1_700_000_010.0,
        pid: 1234,
        spawnerr: String::new(),
        expected: true,
        startsecs: 1,
        stopwaitsecs: 10,
        extra_args: String::new(),
        disabled: true,
        description: "pid 1234, uptime 0:00:10".into(),
    };
    let p = Publication::ProcessDisability {
        identifier: "a".into(),
        info,
    };
    let expected = concat!(
        r#"{"name": "p", "group": "app", "state": 20, "statename": "RUNNING", "#,
        r#""start": 1700000000, "stop": 0, "now": 1700000010.0, "pid": 1234, "#,
        r#""description": "pid 1234, uptime 0:00:10", "spawnerr": "", "expected": true, "#,
        r#""startsecs": 1, "stopwaitsecs": 10, "extra_args": "", "disabled": true, "#,
        r#""identifier": "a"}"#
    );
    assert_eq!(encode(&p), (Header::Event, expected.into()));
}
