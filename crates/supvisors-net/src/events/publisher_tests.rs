//! The publisher against a Rust ZeroMQ SUB socket on the loopback.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use supvisors_core::enums::{ApplicationStates, SupvisorsStates};
use supvisors_core::messages::StateModes;
use supvisors_core::status::{ApplicationInfo, SupvisorsStatus};
use zeromq::{SocketRecv, SubSocket};

use super::*;
use crate::events::Header;

fn status(fsm_state: SupvisorsStates) -> Publication {
    Publication::SupvisorsStatus(SupvisorsStatus {
        state_modes: StateModes {
            fsm_state,
            starting_jobs: false,
            stopping_jobs: false,
        },
        starting_jobs: vec![],
        stopping_jobs: vec![],
    })
}

fn application(name: &str) -> Publication {
    Publication::Application(ApplicationInfo {
        application_name: name.into(),
        managed: false,
        state: ApplicationStates::Stopped,
        major_failure: false,
        minor_failure: false,
    })
}

fn frames(message: ZmqMessage) -> (String, String) {
    let mut parts = message.into_vec().into_iter();
    let text = |b: Option<Bytes>| String::from_utf8(b.unwrap_or_default().to_vec()).unwrap();
    let header = text(parts.next());
    let body = text(parts.next());
    assert!(parts.next().is_none(), "exactly two frames");
    (header, body)
}

/// Publishes `ping` until the subscriber gets one message (slow joiner), which is returned.
async fn join(publisher: &EventPublisher, sub: &mut SubSocket, ping: &Publication) -> ZmqMessage {
    loop {
        publisher.publish(ping);
        if let Ok(received) = tokio::time::timeout(Duration::from_millis(50), sub.recv()).await {
            return received.unwrap();
        }
    }
}

async fn subscriber(port: u16, prefix: &str) -> SubSocket {
    let mut sub = SubSocket::new();
    sub.connect(&format!("tcp://127.0.0.1:{port}"))
        .await
        .unwrap();
    sub.subscribe(prefix).await.unwrap();
    sub
}

#[tokio::test]
async fn subscriber_receives_header_and_json_in_order() {
    let publisher = EventPublisher::bind(0).await.unwrap();
    let mut sub = subscriber(publisher.port(), "").await;
    let ping = status(SupvisorsStates::Initialization);
    let first = frames(join(&publisher, &mut sub, &ping).await);
    assert_eq!(first, (Header::Supvisors.as_str().into(), encode(&ping).1));
    let sequence: Vec<Publication> = (0..20).map(|i| application(&format!("app{i}"))).collect();
    for p in &sequence {
        publisher.publish_owned(p.clone());
    }
    let mut received = Vec::new();
    while received.len() < sequence.len() {
        let (header, body) = frames(sub.recv().await.unwrap());
        // pings still queued before the sequence may arrive first
        if header == "application" {
            received.push(body);
        }
    }
    let expected: Vec<String> = sequence.iter().map(|p| encode(p).1).collect();
    assert_eq!(received, expected);
    assert_eq!(publisher.dropped(), 0);
    publisher.close().await;
}

#[tokio::test]
async fn prefix_subscription_filters_other_headers() {
    let publisher = EventPublisher::bind(0).await.unwrap();
    let mut sub = subscriber(publisher.port(), "application").await;
    for _ in 0..3 {
        // each round publishes a `supvisors` message before the `application` one
        let (header, _) = loop {
            publisher.publish(&status(SupvisorsStates::Operation));
            publisher.publish(&application("app"));
            if let Ok(m) = tokio::time::timeout(Duration::from_millis(50), sub.recv()).await {
                break frames(m.unwrap());
            }
        };
        assert_eq!(header, "application");
    }
    publisher.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn full_queue_drops_and_counts_without_waiting() {
    let publisher = EventPublisher::bind_with_capacity(0, 2).await.unwrap();
    // the socket task cannot run before this test yields: the queue holds 2, 3 are dropped
    for i in 0..5 {
        publisher.publish(&application(&format!("app{i}")));
    }
    assert_eq!(publisher.dropped(), 3);
    publisher.close().await;
}

#[tokio::test]
async fn close_releases_the_port() {
    let publisher = EventPublisher::bind(0).await.unwrap();
    let port = publisher.port();
    assert_eq!(
        EventPublisher::bind(port).await.unwrap_err().kind(),
        io::ErrorKind::AddrInUse
    );
    publisher.close().await;
    let again = EventPublisher::bind(port).await.unwrap();
    assert_eq!(again.port(), port);
    again.close().await;
}
