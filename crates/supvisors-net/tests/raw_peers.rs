//! Links facing hand-written peers: silent ones, garbage, a subscriber that never reads.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use supvisors_core::messages::InternalMessage;
use supvisors_net::links::{LinkEvent, LinksConfig, PeerAddress, bind};
use supvisors_net::wire::{Frame, FrameKind, PbChallenge, PbEmpty, PbHello};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SILENCE: Duration = Duration::from_millis(300);

async fn write_raw(stream: &mut TcpStream, bytes: &[u8]) {
    let length = u32::try_from(bytes.len()).unwrap();
    stream.write_all(&length.to_be_bytes()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
}

async fn write_frame(stream: &mut TcpStream, kind: FrameKind) {
    write_raw(stream, &Frame::new(kind).encode_bytes()).await;
}

/// The next frame, or None at end of stream.
async fn read_frame(stream: &mut TcpStream) -> Option<FrameKind> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length).await.ok()?;
    let mut bytes = vec![0u8; u32::from_be_bytes(length) as usize];
    stream.read_exact(&mut bytes).await.ok()?;
    Some(Frame::decode_bytes(&bytes).unwrap())
}

/// Reads frames until the other side closes; returns how many came.
async fn read_to_end(stream: &mut TcpStream) -> usize {
    let counted = tokio::time::timeout(GUARD, async {
        let mut count = 0;
        while read_frame(stream).await.is_some() {
            count += 1;
        }
        count
    });
    counted.await.expect("the link was never closed")
}

/// One node "a" whose list also names a hand-written instance "x".
fn node_with_raw_peer() -> (Node, TcpListener) {
    node_with_raw_peer_tuned(|cfg| cfg.silence = SILENCE)
}

/// [`node_with_raw_peer`] with the configuration of "a" adjusted by `tune`.
fn node_with_raw_peer_tuned(tune: impl FnOnce(&mut LinksConfig)) -> (Node, TcpListener) {
    let raw = bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let (mut listeners, mut peers) = listeners(&["a"]);
    peers.push(PeerAddress::new(
        "x",
        "127.0.0.1",
        raw.local_addr().unwrap().port(),
    ));
    let mut cfg = config("a", &peers);
    tune(&mut cfg);
    (start(listeners.pop().unwrap(), cfg), raw)
}

/// Connects to `node` as instance `identifier` and goes through the challenge.
async fn subscribe_as(node: &Node, identifier: &str) -> TcpStream {
    let mut stream = TcpStream::connect(node.links.local_addr()).await.unwrap();
    let Some(FrameKind::Challenge(challenge)) = read_frame(&mut stream).await else {
        panic!("no challenge");
    };
    assert_eq!(challenge.identifier, "a");
    let hello = PbHello {
        identifier: identifier.into(),
        tick_period_ms: 5000,
        proof: Vec::new(),
    };
    write_frame(&mut stream, FrameKind::Hello(hello)).await;
    assert!(matches!(
        read_frame(&mut stream).await,
        Some(FrameKind::Welcome(_))
    ));
    stream
}

#[tokio::test]
async fn publisher_that_never_speaks_is_dropped_after_silence_and_retried() {
    let (_a, raw) = node_with_raw_peer();
    let (mut first, _) = raw.accept().await.unwrap();
    // Nothing is ever sent: a closes its side after `silence`.
    assert_eq!(read_to_end(&mut first).await, 0);
    let (mut second, _) = raw.accept().await.unwrap();
    assert_eq!(read_to_end(&mut second).await, 0);
}

/// Lower bounds only: a loaded machine can make the gaps longer, never shorter.
#[tokio::test]
async fn peer_that_drops_every_connection_is_retried_less_and_less_often() {
    let (_a, raw) = node_with_raw_peer_tuned(|cfg| {
        cfg.reconnect = Duration::from_millis(50);
        cfg.reconnect_max = Duration::from_millis(400);
    });
    let mut accepted = Vec::new();
    for _ in 0..7 {
        let (stream, _) = tokio::time::timeout(GUARD, raw.accept())
            .await
            .expect("a retries")
            .unwrap();
        accepted.push(tokio::time::Instant::now());
        // Closed before the challenge: the attempt fails.
        drop(stream);
    }
    let gaps: Vec<Duration> = accepted.windows(2).map(|w| w[1] - w[0]).collect();
    let least = [50, 100, 200, 400, 400, 400];
    for (gap, ms) in gaps.iter().zip(least) {
        assert!(
            *gap + Duration::from_millis(10) >= Duration::from_millis(ms),
            "gaps between attempts {gaps:?}, expected at least {least:?} ms"
        );
    }
}

#[tokio::test]
async fn subscriber_that_never_says_hello_is_dropped_after_silence() {
    let (a, _raw) = node_with_raw_peer();
    let mut stream = TcpStream::connect(a.links.local_addr()).await.unwrap();
    // The challenge, then the end of the link.
    assert_eq!(read_to_end(&mut stream).await, 1);
}

#[tokio::test]
async fn publisher_that_goes_silent_after_welcome_is_disconnected() {
    let (mut a, raw) = node_with_raw_peer();
    let (mut stream, _) = raw.accept().await.unwrap();
    let challenge = PbChallenge {
        identifier: "x".into(),
        nonce: vec![0; 16],
        secret_required: false,
    };
    write_frame(&mut stream, FrameKind::Challenge(challenge)).await;
    let Some(FrameKind::Hello(hello)) = read_frame(&mut stream).await else {
        panic!("no hello");
    };
    assert_eq!(hello.identifier, "a");
    write_frame(&mut stream, FrameKind::Welcome(PbEmpty {})).await;
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Connected { peer } if peer == "x"),
    )
    .await;
    // Heartbeats come from a, none go back: a closes the link.
    assert!(read_to_end(&mut stream).await > 0);
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "x"),
    )
    .await;
}

#[tokio::test]
async fn garbage_from_a_publisher_closes_only_that_link() {
    let (mut a, raw) = node_with_raw_peer();
    wait_connected(&mut a, &["a"]).await;
    let (mut stream, _) = raw.accept().await.unwrap();
    let challenge = PbChallenge {
        identifier: "x".into(),
        nonce: vec![0; 16],
        secret_required: false,
    };
    write_frame(&mut stream, FrameKind::Challenge(challenge)).await;
    assert!(matches!(
        read_frame(&mut stream).await,
        Some(FrameKind::Hello(_))
    ));
    write_frame(&mut stream, FrameKind::Welcome(PbEmpty {})).await;
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Connected { peer } if peer == "x"),
    )
    .await;
    write_raw(&mut stream, &[0xff, 0xfe, 0x00, 0x13, 0x37]).await;
    wait_for(
        &mut a.inbox,
        |e| matches!(e, LinkEvent::Disconnected { peer } if peer == "x"),
    )
    .await;
    // The link of a with itself carries on.
    a.links.publish(&numbered(9));
    let event = wait_for(&mut a.inbox, |e| matches!(e, LinkEvent::Message { .. })).await;
    assert!(matches!(event, LinkEvent::Message { from, msg } if from == "a" && msg == numbered(9)));
}

#[tokio::test]
async fn garbage_from_a_subscriber_closes_only_that_link() {
    let (mut a, _raw) = node_with_raw_peer();
    wait_connected(&mut a, &["a"]).await;
    let mut stream = subscribe_as(&a, "x").await;
    write_raw(&mut stream, b"certainly not protobuf").await;
    read_to_end(&mut stream).await;
    // An oversized length prefix is refused the same way, without allocating it.
    let mut stream = subscribe_as(&a, "x").await;
    stream.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
    read_to_end(&mut stream).await;

    a.links.publish(&numbered(4));
    let event = wait_for(&mut a.inbox, |e| matches!(e, LinkEvent::Message { .. })).await;
    assert!(matches!(event, LinkEvent::Message { from, msg } if from == "a" && msg == numbered(4)));
    assert!(
        !a.inbox
            .drain()
            .iter()
            .any(|e| matches!(e, LinkEvent::Disconnected { peer } if peer == "a"))
    );
}

#[tokio::test]
async fn subscriber_that_never_reads_is_dropped_without_blocking_the_publisher() {
    let raw = bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let (mut listeners, mut peers) = listeners(&["a"]);
    peers.push(PeerAddress::new(
        "x",
        "127.0.0.1",
        raw.local_addr().unwrap().port(),
    ));
    let mut cfg = config("a", &peers);
    cfg.queue_capacity = 4;
    cfg.silence = GUARD; // only the overflow may close the link here
    let mut a = start(listeners.pop().unwrap(), cfg);
    wait_connected(&mut a, &["a"]).await;
    let mut stream = subscribe_as(&a, "x").await;

    // Far more than the socket buffers and the queue hold; publish returns every time.
    let big = InternalMessage::ProcessRemoved {
        group: "g".repeat(16 * 1024),
        name: "*".into(),
    };
    let published = 2000;
    for _ in 0..published {
        a.links.publish(&big);
    }
    let received = read_to_end(&mut stream).await;
    assert!(received < published, "{received} frames: never dropped");
}
