//! Links between real instances on 127.0.0.1: publication, requests, handshake, restart,
//! isolation, secret and tick period checks.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use supvisors_core::enums::{ProcessStates, SupvisorsInstanceStates, SupvisorsStates};
use supvisors_core::messages::{HandshakeResult, LocalProcessInfo, StateModes};
use supvisors_net::links::{
    HandshakeReply, LinkError, LinkEvent, Links, PeerRequest, PeerResponse, handshake,
};

fn info(name: &str) -> LocalProcessInfo {
    LocalProcessInfo {
        group: "g".into(),
        name: name.into(),
        state: ProcessStates::Running,
        start: 1.5,
        stop: 0.0,
        now: 2.5,
        pid: 42,
        spawnerr: String::new(),
        expected: true,
        startsecs: 1,
        stopwaitsecs: 10,
        extra_args: String::new(),
        disabled: false,
        description: "pid 42, uptime 0:00:01".into(),
    }
}

#[tokio::test]
async fn publish_reaches_every_instance_including_the_sender_in_order() {
    let mut nodes = cluster(&["a", "b", "c"], |_| {});
    for node in &mut nodes {
        wait_connected(node, &["a", "b", "c"]).await;
    }
    for n in 0..50 {
        nodes[0].links.publish(&numbered(n));
    }
    for node in &mut nodes {
        for n in 0..50 {
            let event = wait_for(
                &mut node.inbox,
                |e| matches!(e, LinkEvent::Message { from, .. } if from == "a"),
            )
            .await;
            let LinkEvent::Message { msg, .. } = event else {
                unreachable!()
            };
            assert_eq!(msg, numbered(n));
        }
    }
}

/// Answers the next request on `events` with `answer` and returns what was asked, by whom.
async fn answer_next(node: &mut Inbox, answer: Option<PeerResponse>) -> (String, PeerRequest) {
    let event = wait_for(node, |e| matches!(e, LinkEvent::Request { .. })).await;
    let LinkEvent::Request {
        from,
        request,
        reply,
    } = event
    else {
        unreachable!()
    };
    if let Some(answer) = answer {
        reply.send(answer).unwrap();
    }
    (from, request)
}

#[tokio::test]
async fn requests_travel_both_ways() {
    let mut nodes = cluster(&["a", "b"], |_| {});
    let (mut a, mut b) = {
        let b = nodes.pop().unwrap();
        (nodes.pop().unwrap(), b)
    };
    wait_connected(&mut a, &["a", "b"]).await;
    wait_connected(&mut b, &["a", "b"]).await;

    let start = PeerRequest::StartArgs {
        namespec: "g:p".into(),
        extra_args: "-x 1".into(),
    };
    let (answer, asked) = tokio::join!(
        a.links.request("b", start.clone()),
        answer_next(&mut b.inbox, Some(PeerResponse::Done(Ok(()))))
    );
    assert_eq!(answer, Ok(PeerResponse::Done(Ok(()))));
    assert_eq!(asked, ("a".to_string(), start));

    let stop = PeerRequest::StopProcess {
        namespec: "g:p".into(),
    };
    let refusal = PeerResponse::Done(Err("NOT_RUNNING".into()));
    let (answer, asked) = tokio::join!(
        b.links.request("a", stop.clone()),
        answer_next(&mut a.inbox, Some(refusal.clone()))
    );
    assert_eq!(answer, Ok(refusal));
    assert_eq!(asked, ("b".to_string(), stop));

    // A request dropped by the daemon is reported as unanswered, not left to time out.
    let (answer, _) = tokio::join!(
        a.links.request("b", PeerRequest::RestartAll),
        answer_next(&mut b.inbox, None)
    );
    assert_eq!(answer, Err(LinkError::Unanswered("b".into())));

    // A request to the local instance goes through its own link.
    let (answer, asked) = tokio::join!(
        a.links.request("a", PeerRequest::ShutdownAll),
        answer_next(&mut a.inbox, Some(PeerResponse::Done(Ok(()))))
    );
    assert_eq!(answer, Ok(PeerResponse::Done(Ok(()))));
    assert_eq!(asked, ("a".to_string(), PeerRequest::ShutdownAll));

    assert_eq!(
        a.links
            .request("nobody", PeerRequest::RestartSequence)
            .await,
        Err(LinkError::NotConnected("nobody".into()))
    );
}

async fn handshake_answered(
    asker: &Links,
    target: &mut Node,
    how_you_see_me: Option<SupvisorsInstanceStates>,
) -> HandshakeResult {
    let reply = HandshakeReply {
        master: "b".into(),
        how_you_see_me,
        state_modes: StateModes {
            fsm_state: SupvisorsStates::Operation,
            starting_jobs: true,
            stopping_jobs: false,
        },
        processes: vec![info("p1"), info("p2")],
        intents: Vec::new(),
    };
    let (result, (_, asked)) = tokio::join!(
        handshake(asker, "a", "b"),
        answer_next(&mut target.inbox, Some(PeerResponse::Handshake(reply)))
    );
    assert_eq!(asked, PeerRequest::Handshake);
    result
}

#[tokio::test]
async fn handshake_maps_the_answer_like_the_reference() {
    let mut nodes = cluster(&["a", "b"], |_| {});
    let mut b = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    wait_connected(&mut a, &["b"]).await;

    let result =
        handshake_answered(&a.links, &mut b, Some(SupvisorsInstanceStates::Checking)).await;
    assert_eq!(result.authorized, Some(true));
    assert_eq!(result.master, "b");
    assert_eq!(result.state_modes.fsm_state, SupvisorsStates::Operation);
    assert!(result.state_modes.starting_jobs);
    assert_eq!(result.processes, vec![info("p1"), info("p2")]);

    for isolated in [
        SupvisorsInstanceStates::Isolating,
        SupvisorsInstanceStates::Isolated,
    ] {
        let result = handshake_answered(&a.links, &mut b, Some(isolated)).await;
        assert_eq!(result.authorized, Some(false));
        assert_eq!(result.master, "b");
        assert!(result.processes.is_empty());
    }

    // b goes away: the handshake fails as a whole.
    b.links.shutdown().await;
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "b"),
    )
    .await;
    assert_eq!(
        handshake(&a.links, "a", "b").await,
        HandshakeResult::failed()
    );
}

#[tokio::test]
async fn restarted_instance_on_the_same_port_is_linked_again() {
    let (mut listeners, peers) = listeners(&["a", "b"]);
    let b_listener = listeners.pop().unwrap();
    let b_addr = b_listener.local_addr().unwrap();
    let mut a = start(listeners.pop().unwrap(), config("a", &peers));
    let b = start(b_listener, config("b", &peers));
    wait_connected(&mut a, &["a", "b"]).await;

    b.links.shutdown().await;
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "b"),
    )
    .await;

    let mut cfg = config("b", &peers);
    cfg.bind = b_addr;
    let (tx, b_events) = tokio::sync::mpsc::unbounded_channel();
    let mut b = Node::new(Links::start(cfg, tx).await.unwrap(), b_events);
    assert_eq!(b.links.local_addr(), b_addr);
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Connected { peer } if peer == "b"),
    )
    .await;
    a.links.publish(&numbered(7));
    let event = wait_for(&mut b.inbox, |e| matches!(e, LinkEvent::Message { .. })).await;
    assert!(matches!(event, LinkEvent::Message { from, msg } if from == "a" && msg == numbered(7)));
}

#[tokio::test]
async fn bind_failure_is_an_error() {
    let taken = supvisors_net::links::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let mut cfg = config("a", &[]);
    cfg.bind = taken.local_addr().unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    assert!(Links::start(cfg, tx).await.is_err());
}

#[tokio::test]
async fn isolated_instance_is_never_linked_again() {
    let mut nodes = cluster(&["a", "b"], |_| {});
    let mut b = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    wait_connected(&mut a, &["a", "b"]).await;
    wait_connected(&mut b, &["a", "b"]).await;

    a.links.isolate(&["b".to_string()]);
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "b"),
    )
    .await;
    // a closed b's subscription too, and refuses b when it comes back.
    wait_for(
        &mut b.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "a"),
    )
    .await;
    let refused = wait_for(&mut b.inbox, |e| matches!(e, LinkEvent::Refused { .. })).await;
    assert!(
        matches!(&refused, LinkEvent::Refused { peer, reason }
        if peer == "a" && reason == "instance b is isolated by a"),
        "{refused:?}"
    );
    // b retries every 100 ms; several retries later a still has no link with b.
    for _ in 0..3 {
        let reconnect = tokio::time::sleep(std::time::Duration::from_millis(100));
        reconnect.await;
    }
    for event in a.inbox.drain() {
        assert!(
            !matches!(&event, LinkEvent::Connected { peer } if peer == "b"),
            "isolated instance reconnected"
        );
    }
    assert_eq!(
        a.links.request("b", PeerRequest::Handshake).await,
        Err(LinkError::NotConnected("b".into()))
    );
    // The link with itself is untouched.
    a.links.publish(&numbered(1));
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Message { from, .. } if from == "a"),
    )
    .await;
}

/// The reason of the first refusal about `other` seen by `node`.
async fn refusal(node: &mut Inbox, other: &str) -> String {
    let event = wait_for(
        node,
        |e| matches!(e, LinkEvent::Refused { peer, .. } if peer == other),
    )
    .await;
    let LinkEvent::Refused { reason, .. } = event else {
        unreachable!()
    };
    reason
}

#[tokio::test]
async fn shared_secret_admits_only_the_right_proof() {
    // a and b share the secret; c has none; d has another one. Only a lists everyone.
    let mut nodes = cluster(&["a", "b", "c", "d"], |cfg| {
        cfg.secret = match cfg.local.as_str() {
            "a" | "b" => Some("open sesame".into()),
            "d" => Some("wrong guess".into()),
            _ => None,
        };
        if cfg.local != "a" {
            let local = cfg.local.clone();
            cfg.peers
                .retain(|p| p.identifier == "a" || p.identifier == local);
        }
    });
    let mut d = nodes.pop().unwrap();
    let mut c = nodes.pop().unwrap();
    let mut b = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    wait_connected(&mut b, &["a", "b"]).await;
    wait_connected(&mut a, &["a", "b"]).await;

    // No secret: refused by a, and both sides say why.
    let reason = refusal(&mut c.inbox, "a").await;
    assert!(reason.starts_with("missing proof"), "{reason}");
    let reason = refusal(&mut a.inbox, "c").await;
    assert!(reason.starts_with("missing proof"), "{reason}");

    // A wrong secret: refused with a reason that never shows either secret.
    for reason in [
        refusal(&mut d.inbox, "a").await,
        refusal(&mut a.inbox, "d").await,
    ] {
        assert!(reason.starts_with("wrong proof"), "{reason}");
        assert!(!reason.contains("open sesame") && !reason.contains("wrong guess"));
    }

    // The instances with the right secret exchange messages.
    a.links.publish(&numbered(3));
    let event = wait_for(&mut b.inbox, |e| matches!(e, LinkEvent::Message { .. })).await;
    assert!(matches!(event, LinkEvent::Message { from, .. } if from == "a"));
}

#[tokio::test]
async fn tick_period_mismatch_is_refused_and_reported_on_both_sides() {
    let mut nodes = cluster(&["a", "b"], |cfg| {
        if cfg.local == "b" {
            cfg.tick_period = std::time::Duration::from_millis(500);
        }
    });
    let mut b = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    // Each refuses the other's subscription and learns why its own was refused.
    let by_a = "tick_period mismatch: instance b uses 0.5 s, this instance (a) 5 s";
    let by_b = "tick_period mismatch: instance a uses 5 s, this instance (b) 0.5 s";
    for (node, other) in [(&mut a.inbox, "b"), (&mut b.inbox, "a")] {
        let mut reasons = Vec::new();
        for _ in 0..2 {
            let event = wait_for(
                node,
                |e| matches!(e, LinkEvent::Refused { peer, .. } if peer == other),
            )
            .await;
            let LinkEvent::Refused { reason, .. } = event else {
                unreachable!()
            };
            reasons.push(reason);
        }
        reasons.sort();
        assert_eq!(reasons, [by_b, by_a]);
    }
    // Never linked.
    assert!(
        !a.inbox
            .drain()
            .iter()
            .any(|e| matches!(e, LinkEvent::Connected { peer } if peer == "b"))
    );
}

#[tokio::test]
async fn request_without_answer_times_out() {
    let mut nodes = cluster(&["a", "b"], |cfg| {
        cfg.request_timeout = std::time::Duration::from_millis(200);
    });
    let mut b = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    wait_connected(&mut a, &["b"]).await;
    // b receives the request but keeps the reply without answering.
    let (answer, _held) = tokio::join!(
        a.links.request("b", PeerRequest::RestartSequence),
        wait_for(&mut b.inbox, |e| matches!(e, LinkEvent::Request { .. }))
    );
    assert_eq!(answer, Err(LinkError::Timeout("b".into())));
}

#[tokio::test]
async fn request_fails_as_closed_when_the_link_goes_down() {
    let mut nodes = cluster(&["a", "b"], |cfg| cfg.request_timeout = GUARD);
    let Node {
        links: b,
        inbox: mut b_inbox,
    } = nodes.pop().unwrap();
    let mut a = nodes.pop().unwrap();
    wait_connected(&mut a, &["b"]).await;
    let (answer, ()) = tokio::join!(a.links.request("b", PeerRequest::RestartAll), async {
        let _held = wait_for(&mut b_inbox, |e| matches!(e, LinkEvent::Request { .. })).await;
        b.shutdown().await;
    });
    assert_eq!(answer, Err(LinkError::Closed("b".into())));
}
