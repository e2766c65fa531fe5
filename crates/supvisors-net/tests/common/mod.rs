//! Helpers shared by the link tests: clusters on 127.0.0.1 with ports chosen by the kernel.
#![allow(dead_code)] // each test file uses a part of the helpers

use std::collections::VecDeque;
use std::time::Duration;

use supvisors_core::messages::{InternalMessage, StateModes};
use supvisors_net::links::{LinkEvent, Links, LinksConfig, PeerAddress, bind};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A hang guard, not a timing assertion: far longer than anything a test waits for.
pub const GUARD: Duration = Duration::from_secs(30);

/// One instance under test.
pub struct Node {
    pub links: Links,
    pub inbox: Inbox,
}

impl Node {
    /// A node around running links.
    pub fn new(links: Links, events: mpsc::UnboundedReceiver<LinkEvent>) -> Self {
        Node {
            links,
            inbox: Inbox {
                events,
                backlog: VecDeque::new(),
            },
        }
    }
}

/// The events of one node.
pub struct Inbox {
    pub events: mpsc::UnboundedReceiver<LinkEvent>,
    /// Events received but not asked for yet, in arrival order.
    pub backlog: VecDeque<LinkEvent>,
}

impl Inbox {
    /// Every event received so far that nobody asked for.
    pub fn drain(&mut self) -> Vec<LinkEvent> {
        while let Ok(event) = self.events.try_recv() {
            self.backlog.push_back(event);
        }
        self.backlog.drain(..).collect()
    }
}

/// Short keep-alive durations so that tests run quickly; `silence` leaves room for slow CI.
pub fn config(local: &str, peers: &[PeerAddress]) -> LinksConfig {
    let mut cfg = LinksConfig::new(
        local,
        "127.0.0.1:0".parse().unwrap(),
        peers.to_vec(),
        Duration::from_secs(5),
    );
    cfg.heartbeat = Duration::from_millis(100);
    cfg.silence = Duration::from_secs(3);
    cfg.reconnect = Duration::from_millis(100);
    cfg.request_timeout = Duration::from_secs(10);
    cfg
}

/// Binds one listener per identifier and returns the addresses every node will use.
pub fn listeners(ids: &[&str]) -> (Vec<TcpListener>, Vec<PeerAddress>) {
    let listeners: Vec<TcpListener> = ids
        .iter()
        .map(|_| bind("127.0.0.1:0".parse().unwrap()).unwrap())
        .collect();
    let peers = ids
        .iter()
        .zip(&listeners)
        .map(|(id, l)| PeerAddress::new(id, "127.0.0.1", l.local_addr().unwrap().port()))
        .collect();
    (listeners, peers)
}

/// Starts a node on a listener.
pub fn start(listener: TcpListener, cfg: LinksConfig) -> Node {
    let (tx, events) = mpsc::unbounded_channel();
    Node::new(Links::start_on(listener, cfg, tx).unwrap(), events)
}

/// Starts every node with the same peer list, adjusted by `tweak`.
pub fn cluster(ids: &[&str], tweak: impl Fn(&mut LinksConfig)) -> Vec<Node> {
    let (listeners, peers) = listeners(ids);
    ids.iter()
        .zip(listeners)
        .map(|(id, l)| {
            let mut cfg = config(id, &peers);
            tweak(&mut cfg);
            start(l, cfg)
        })
        .collect()
}

/// The first event matching `pred`, earlier ones included (the others stay in the backlog).
pub async fn wait_for(node: &mut Inbox, mut pred: impl FnMut(&LinkEvent) -> bool) -> LinkEvent {
    if let Some(index) = node.backlog.iter().position(&mut pred) {
        return node.backlog.remove(index).unwrap();
    }
    let found = tokio::time::timeout(GUARD, async {
        loop {
            let event = node.events.recv().await.expect("events channel closed");
            if pred(&event) {
                return event;
            }
            node.backlog.push_back(event);
        }
    })
    .await;
    found.expect("expected event never came")
}

/// Waits until `node` has its links to every identifier of `ids` open.
pub async fn wait_connected(node: &mut Node, ids: &[&str]) {
    let mut missing: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    while !missing.is_empty() {
        if let LinkEvent::Connected { peer } = wait_for(&mut node.inbox, |e| {
            matches!(e, LinkEvent::Connected { .. })
        })
        .await
        {
            missing.retain(|m| *m != peer);
        }
    }
}

/// A recognisable message: a STATE whose flags encode nothing, distinguished by `n` in a TICK.
pub fn numbered(n: u64) -> InternalMessage {
    InternalMessage::Tick(supvisors_core::messages::TickPayload {
        when: n as f64 + 0.25,
        sequence_counter: n,
        status: Some(supvisors_core::messages::TickStatus {
            master: "a".into(),
            state_modes: StateModes::default(),
        }),
    })
}
