//! The links between Supvisors instances (spec §10.1): one publication server per instance and
//! one subscription link from every instance to every instance of the list, itself included.
//!
//! ```text
//!   instance A                                  instance X
//!   subscriber link to X ── TCP ──────────────> publication server of X
//!      <- Challenge{X, nonce}                      (sent on accept)
//!      -> Hello{A, tick_period, proof}
//!      <- Welcome | Refused{reason} + close
//!      <- Message (every Links::publish of X), Heartbeat, Response{id}
//!      -> Heartbeat, Request{id}                   (LinkEvent::Request on X)
//! ```
//!
//! Both sides send a HEARTBEAT every `heartbeat` and close a link that received nothing for
//! `silence`; the subscriber then reconnects with a growing delay (`reconnect` doubled after each
//! failed attempt, up to `reconnect_max`), unless the peer was isolated.
//! A subscriber whose queue overflows is dropped (it reconnects): publishing never blocks.
//! HEARTBEATs, challenges and refusals never reach the daemon as messages.

mod auth;
mod framing;
mod request;
mod server;
mod shared;
mod subscriber;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, oneshot};
use tokio_util::task::TaskTracker;

use supvisors_core::messages::{Identifier, InternalMessage};

pub use request::{HandshakeReply, PeerRequest, PeerResponse, handshake, handshake_result};
use shared::Shared;

/// Where the publication server of an instance listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAddress {
    /// Deduced identifier of the instance.
    pub identifier: Identifier,
    /// Host name or address to connect to.
    pub host: String,
    /// Its `internal_port`.
    pub port: u16,
}

impl PeerAddress {
    /// An instance listening on `host:port`.
    pub fn new(identifier: &str, host: &str, port: u16) -> Self {
        PeerAddress {
            identifier: identifier.to_owned(),
            host: host.to_owned(),
            port,
        }
    }
}

/// Everything the links need to know.
#[derive(Debug, Clone)]
pub struct LinksConfig {
    /// The local identifier.
    pub local: Identifier,
    /// Where the publication server binds (the daemon passes 0.0.0.0:internal_port).
    pub bind: SocketAddr,
    /// Every instance of `supvisors_list`, the local one included.
    pub peers: Vec<PeerAddress>,
    /// The tick period; a peer using another one is refused.
    pub tick_period: Duration,
    /// Shared secret (`internal_secret`); None disables the proof.
    pub secret: Option<String>,
    /// Period of the HEARTBEATs (2 s).
    pub heartbeat: Duration,
    /// A link that received nothing for this long is closed (10 s).
    pub silence: Duration,
    /// Delay before the first new connection attempt of a link that is down (1 s); it doubles
    /// after each failed attempt, up to `reconnect_max`, and starts again from here once a
    /// link has been open.
    pub reconnect: Duration,
    /// Longest delay between two connection attempts (5 s).
    pub reconnect_max: Duration,
    /// How long [`Links::request`] waits for an answer (10 s).
    pub request_timeout: Duration,
    /// Frames waiting for one subscriber before it is dropped as too slow (4096).
    pub queue_capacity: usize,
}

impl LinksConfig {
    /// A configuration with the reference's keep-alive durations and no secret.
    pub fn new(
        local: &str,
        bind: SocketAddr,
        peers: Vec<PeerAddress>,
        tick_period: Duration,
    ) -> Self {
        LinksConfig {
            local: local.to_owned(),
            bind,
            peers,
            tick_period,
            secret: None,
            heartbeat: Duration::from_secs(2),
            silence: Duration::from_secs(10),
            reconnect: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            queue_capacity: 4096,
        }
    }
}

/// Something that happened on the links, for the daemon.
#[derive(Debug)]
pub enum LinkEvent {
    /// A message published by `from` (in arrival order for each link).
    Message {
        /// The publisher.
        from: Identifier,
        /// What it published.
        msg: InternalMessage,
    },
    /// A request from the subscriber `from`; answer through `reply` (dropping it answers
    /// "unanswered").
    Request {
        /// The asking instance.
        from: Identifier,
        /// What it asks.
        request: PeerRequest,
        /// Where the answer goes.
        reply: oneshot::Sender<PeerResponse>,
    },
    /// A link with `peer` was refused, by this instance or by `peer` (reported once per reason).
    Refused {
        /// The other instance (as it named itself when it asked).
        peer: Identifier,
        /// Why.
        reason: String,
    },
    /// The subscription link to `peer` is open.
    Connected {
        /// The publishing instance.
        peer: Identifier,
    },
    /// The subscription link to `peer` closed (it will be re-established unless isolated).
    Disconnected {
        /// The publishing instance.
        peer: Identifier,
    },
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// No open subscription link to that instance.
    #[error("no link to {0}")]
    NotConnected(Identifier),
    /// No answer within `request_timeout`.
    #[error("no answer from {0} in time")]
    Timeout(Identifier),
    /// The link closed before the answer came.
    #[error("link to {0} closed before the answer")]
    Closed(Identifier),
    /// The peer received the request but nobody answered it there.
    #[error("{0} did not answer the request")]
    Unanswered(Identifier),
}

/// The running links of one instance; dropping it stops every task.
pub struct Links {
    shared: Arc<Shared>,
    tracker: TaskTracker,
    local_addr: SocketAddr,
}

impl Links {
    /// Binds `cfg.bind` and starts the server and the subscription links.
    ///
    /// A bind failure is an error: the caller logs it and carries on without links.
    pub async fn start(
        cfg: LinksConfig,
        events: mpsc::UnboundedSender<LinkEvent>,
    ) -> io::Result<Links> {
        let listener = bind(cfg.bind)?;
        Links::start_on(listener, cfg, events)
    }

    /// Starts the links on a listener bound by the caller (`cfg.bind` is then ignored).
    pub fn start_on(
        listener: TcpListener,
        cfg: LinksConfig,
        events: mpsc::UnboundedSender<LinkEvent>,
    ) -> io::Result<Links> {
        let local_addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(cfg, events));
        let tracker = TaskTracker::new();
        tracker.spawn(server::accept_loop(
            shared.clone(),
            listener,
            tracker.clone(),
        ));
        for peer in &shared.cfg.peers {
            let stop = shared.link_token(&peer.identifier);
            tracker.spawn(subscriber::run_link(shared.clone(), peer.clone(), stop));
        }
        Ok(Links {
            shared,
            tracker,
            local_addr,
        })
    }

    /// The address the publication server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The local identifier.
    pub fn local(&self) -> &str {
        &self.shared.cfg.local
    }

    /// Sends `msg` to every welcomed subscriber, the local instance included, without waiting.
    pub fn publish(&self, msg: &InternalMessage) {
        self.shared.publish(crate::wire::encode_message(msg));
    }

    /// Sends `req` to instance `to` on the subscription link and waits for its answer.
    pub async fn request(&self, to: &str, req: PeerRequest) -> Result<PeerResponse, LinkError> {
        let link = self
            .shared
            .link(to)
            .ok_or_else(|| LinkError::NotConnected(to.to_owned()))?;
        let (reply, answer) = oneshot::channel();
        link.send(subscriber::LinkCommand { req, reply })
            .map_err(|_| LinkError::NotConnected(to.to_owned()))?;
        match tokio::time::timeout(self.shared.cfg.request_timeout, answer).await {
            Err(_) => Err(LinkError::Timeout(to.to_owned())),
            Ok(Err(_)) => Err(LinkError::Closed(to.to_owned())),
            Ok(Ok(result)) => result,
        }
    }

    /// Closes the links with these instances for good and refuses their HELLO from now on.
    pub fn isolate(&self, ids: &[Identifier]) {
        self.shared.isolate(ids);
    }

    /// Stops every task and closes every link and the server; returns when all are gone.
    pub async fn shutdown(self) {
        self.shared.cancel.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

impl Drop for Links {
    fn drop(&mut self) {
        // Without an explicit shutdown, the tasks still stop (without being awaited).
        self.shared.cancel.cancel();
    }
}

/// Binds a listener with SO_REUSEADDR, so that a restarted instance gets its port back at once.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}
