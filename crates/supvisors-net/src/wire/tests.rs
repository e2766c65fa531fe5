//! Round trips of every message through bytes, and bad bytes that must fail cleanly.

use proptest::prelude::*;
use prost::Message;

use supvisors_core::enums::{ProcessStates, SupvisorsInstanceStates, SupvisorsStates};
use supvisors_core::messages::{
    ForcedProcessEvent, Intent, InternalMessage, LocalProcessInfo, ProcessEvent, ProcessIntent,
    StateModes, TickPayload, TickStatus,
};

use super::*;
use crate::links::{HandshakeReply, PeerRequest, PeerResponse};

/// Any f64 but NaN (NaN != NaN; its bits are compared in `nan_dates_keep_their_bits`).
fn date() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("not NaN", |f| !f.is_nan()),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), ".{0,12}"]
}

fn process_state() -> impl Strategy<Value = ProcessStates> {
    proptest::sample::select(ProcessStates::ALL)
}

fn state_modes() -> impl Strategy<Value = StateModes> {
    (
        proptest::sample::select(SupvisorsStates::ALL),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(fsm_state, starting_jobs, stopping_jobs)| StateModes {
            fsm_state,
            starting_jobs,
            stopping_jobs,
        })
}

prop_compose! {
    fn local_info()(group in text(), name in text(), state in process_state(), start in date(),
        stop in date(), now in date(), pid in any::<u32>(), spawnerr in text(), expected in any::<bool>(),
        startsecs in any::<u32>(), stopwaitsecs in any::<u32>(), extra_args in text(),
        disabled in any::<bool>(), description in text()) -> LocalProcessInfo {
        LocalProcessInfo { group, name, state, start, stop, now, pid, spawnerr, expected, startsecs,
            stopwaitsecs, extra_args, disabled, description }
    }
}

prop_compose! {
    fn intent()(group in text(), name in text(), run in any::<bool>(), when in date(), origin in text())
        -> ProcessIntent {
        let intent = if run { Intent::Run } else { Intent::Stopped };
        ProcessIntent { group, name, intent, when, origin }
    }
}

fn tick() -> impl Strategy<Value = InternalMessage> {
    let status = proptest::option::of((text(), state_modes()).prop_map(|(master, state_modes)| {
        TickStatus {
            master,
            state_modes,
        }
    }));
    (date(), any::<u64>(), status).prop_map(|(when, sequence_counter, status)| {
        InternalMessage::Tick(TickPayload {
            when,
            sequence_counter,
            status,
        })
    })
}

prop_compose! {
    fn process()(group in text(), name in text(), state in process_state(), now in date(),
        pid in any::<u32>(), expected in any::<bool>(), spawnerr in text(), extra_args in text(),
        disabled in any::<bool>()) -> InternalMessage {
        InternalMessage::Process(ProcessEvent { group, name, state, now, pid, expected, spawnerr,
            extra_args, disabled })
    }
}

prop_compose! {
    fn forced()(group in text(), name in text(), state in process_state(), identifier in text(),
        now in date(), reason in text(), extra_args in text()) -> InternalMessage {
        InternalMessage::ForcedProcess(ForcedProcessEvent { group, name, state, identifier, now,
            reason, extra_args })
    }
}

fn internal_message() -> impl Strategy<Value = InternalMessage> {
    prop_oneof![
        tick(),
        process(),
        forced(),
        proptest::collection::vec(local_info(), 0..4).prop_map(InternalMessage::ProcessAdded),
        (text(), text()).prop_map(|(group, name)| InternalMessage::ProcessRemoved { group, name }),
        local_info().prop_map(InternalMessage::ProcessDisability),
        state_modes().prop_map(InternalMessage::State),
        proptest::collection::vec(intent(), 0..4).prop_map(InternalMessage::Intents),
    ]
}

fn peer_request() -> impl Strategy<Value = PeerRequest> {
    prop_oneof![
        Just(PeerRequest::Handshake),
        (text(), text()).prop_map(|(namespec, extra_args)| PeerRequest::StartArgs {
            namespec,
            extra_args
        }),
        text().prop_map(|namespec| PeerRequest::StopProcess { namespec }),
        Just(PeerRequest::RestartSequence),
        Just(PeerRequest::RestartAll),
        Just(PeerRequest::ShutdownAll),
    ]
}

fn peer_response() -> impl Strategy<Value = PeerResponse> {
    let seen = proptest::option::of(proptest::sample::select(SupvisorsInstanceStates::ALL));
    let reply = (
        text(),
        seen,
        state_modes(),
        proptest::collection::vec(local_info(), 0..3),
        proptest::collection::vec(intent(), 0..3),
    )
        .prop_map(
            |(master, how_you_see_me, state_modes, processes, intents)| {
                PeerResponse::Handshake(HandshakeReply {
                    master,
                    how_you_see_me,
                    state_modes,
                    processes,
                    intents,
                })
            },
        );
    prop_oneof![
        reply,
        Just(PeerResponse::Done(Ok(()))),
        text().prop_map(|reason| PeerResponse::Done(Err(reason))),
    ]
}

fn through_bytes(kind: FrameKind) -> FrameKind {
    Frame::decode_bytes(&Frame::new(kind).encode_bytes()).unwrap()
}

proptest! {
    #[test]
    fn internal_messages_round_trip(msg in internal_message()) {
        let FrameKind::Message(pb) = Frame::decode_bytes(&encode_message(&msg)).unwrap() else {
            panic!("not a message frame");
        };
        prop_assert_eq!(InternalMessage::try_from(pb).unwrap(), msg);
    }

    #[test]
    fn requests_round_trip(req in peer_request(), id in any::<u64>()) {
        let sent = PbRequest { id, kind: Some(PbRequestKind::from(&req)) };
        let FrameKind::Request(got) = through_bytes(FrameKind::Request(sent)) else {
            panic!("not a request frame");
        };
        prop_assert_eq!(got.id, id);
        prop_assert_eq!(PeerRequest::from(got.kind.unwrap()), req);
    }

    #[test]
    fn responses_round_trip(resp in peer_response(), id in any::<u64>()) {
        let sent = PbResponse { id, kind: Some(PbResponseKind::from(&resp)) };
        let FrameKind::Response(got) = through_bytes(FrameKind::Response(sent)) else {
            panic!("not a response frame");
        };
        prop_assert_eq!(got.id, id);
        prop_assert_eq!(response_from(got.kind.unwrap()).unwrap(), Some(resp));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Either an error or some frame: never a panic, whatever the content.
        if let Ok(FrameKind::Message(pb)) = Frame::decode_bytes(&bytes) {
            let _ = InternalMessage::try_from(pb);
        }
    }
}

#[test]
fn handshake_frames_round_trip() {
    let hello = PbHello {
        identifier: "a".into(),
        tick_period_ms: 5000,
        proof: vec![1, 2, 3],
    };
    assert_eq!(
        through_bytes(FrameKind::Hello(hello.clone())),
        FrameKind::Hello(hello)
    );
    let challenge = PbChallenge {
        identifier: "x".into(),
        nonce: vec![9; 16],
        secret_required: true,
    };
    assert_eq!(
        through_bytes(FrameKind::Challenge(challenge.clone())),
        FrameKind::Challenge(challenge)
    );
}

#[test]
fn nan_dates_keep_their_bits() {
    let when = f64::from_bits(0x7ff8_0000_dead_beef);
    let msg = InternalMessage::Tick(TickPayload {
        when,
        sequence_counter: 3,
        status: None,
    });
    let FrameKind::Message(pb) = Frame::decode_bytes(&encode_message(&msg)).unwrap() else {
        panic!("not a message frame");
    };
    let InternalMessage::Tick(tick) = InternalMessage::try_from(pb).unwrap() else {
        panic!("not a tick");
    };
    assert_eq!(tick.when.to_bits(), when.to_bits());
}

#[test]
fn negative_zero_survives() {
    let msg = InternalMessage::Tick(TickPayload {
        when: -0.0,
        sequence_counter: 0,
        status: None,
    });
    let FrameKind::Message(pb) = Frame::decode_bytes(&encode_message(&msg)).unwrap() else {
        panic!("not a message frame");
    };
    let InternalMessage::Tick(tick) = InternalMessage::try_from(pb).unwrap() else {
        panic!("not a tick");
    };
    assert!(tick.when.is_sign_negative());
}

#[test]
fn unknown_codes_are_decode_errors() {
    let mut pb = PbInternalMessage::from(&InternalMessage::State(StateModes::default()));
    if let Some(PbBody::State(modes)) = &mut pb.body {
        modes.fsm_state = 42;
    }
    let err = InternalMessage::try_from(pb).unwrap_err();
    assert_eq!(err.to_string(), "unknown SupvisorsStates code 42");

    let pb = PbInternalMessage {
        body: Some(PbBody::Process(PbProcessEvent {
            state: 11,
            ..Default::default()
        })),
    };
    assert!(matches!(
        InternalMessage::try_from(pb),
        Err(WireError::UnknownCode {
            kind: "ProcessStates",
            code: 11
        })
    ));

    let pb = PbIntent {
        intent: 7,
        ..Default::default()
    };
    assert!(ProcessIntent::try_from(pb).is_err());

    let reply = PbResponseKind::Handshake(PbHandshakeReply {
        how_you_see_me: Some(9),
        state_modes: Some(PbStateModes::default()),
        ..Default::default()
    });
    assert!(response_from(reply).is_err());
}

#[test]
fn missing_required_parts_are_decode_errors() {
    assert!(matches!(
        Frame::decode_bytes(&[]),
        Err(WireError::Missing("Frame.kind"))
    ));
    assert!(InternalMessage::try_from(PbInternalMessage { body: None }).is_err());
    let tick = PbInternalMessage {
        body: Some(PbBody::Tick(PbTick {
            when: 0,
            sequence_counter: 1,
            status: Some(PbTickStatus {
                master: "m".into(),
                state_modes: None,
            }),
        })),
    };
    assert!(matches!(
        InternalMessage::try_from(tick),
        Err(WireError::Missing("TickStatus.state_modes"))
    ));
    let reply = PbResponseKind::Handshake(PbHandshakeReply::default());
    assert!(response_from(reply).is_err());
}

#[test]
fn truncated_frames_are_decode_errors() {
    let full = encode_message(&InternalMessage::ProcessRemoved {
        group: "group".into(),
        name: "name".into(),
    });
    assert!(Frame::decode_bytes(&full[..full.len() - 2]).is_err());
    // A length prefix larger than the rest is a decode error too, never a read past the end.
    let mut bogus = Frame::new(FrameKind::Heartbeat(PbEmpty {})).encode_to_vec();
    bogus.extend_from_slice(&[0x32, 0xff, 0x01]);
    assert!(Frame::decode_bytes(&bogus).is_err());
}
