//! The ZeroMQ PUB socket of the event interface (spec §3.1): one task owns the socket and takes
//! publications over a bounded channel, so that the engine never waits on subscribers.

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use supvisors_core::boundary::Publication;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use zeromq::{PubSocket, Socket, SocketSend, ZmqMessage};

use super::payload::encode;

/// Publications queued between the engine and the socket task before new ones are dropped.
///
/// The engine publishes a few messages per event; a burst (an instance lost with hundreds of
/// processes) stays well below this, while a stuck task cannot grow memory without bound.
pub const DEFAULT_CAPACITY: usize = 4096;

/// The PUB socket of the event interface, bound on `tcp://127.0.0.1:<port>`.
///
/// Must be created and used inside a tokio runtime (the socket task is spawned on it).
#[derive(Debug)]
pub struct EventPublisher {
    port: u16,
    queue: mpsc::Sender<Publication>,
    dropped: Arc<AtomicU64>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl EventPublisher {
    /// Binds the PUB socket on the loopback only (quirk Q13); port 0 picks a free port.
    pub async fn bind(port: u16) -> io::Result<EventPublisher> {
        Self::bind_with_capacity(port, DEFAULT_CAPACITY).await
    }

    /// Same as [`EventPublisher::bind`], with `capacity` queued publications at most.
    pub async fn bind_with_capacity(port: u16, capacity: usize) -> io::Result<EventPublisher> {
        // binding here (not through the zeromq endpoint string) reports the real io::Error,
        // e.g. EADDRINUSE, and the port chosen for port 0
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let port = listener.local_addr()?.port();
        let mut socket = PubSocket::new();
        socket
            .bind_listener(listener)
            .await
            .map_err(|e| io::Error::other(format!("event publisher on port {port}: {e}")))?;
        let (queue, receiver) = mpsc::channel(capacity.max(1));
        let (stop, stopped) = oneshot::channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(run(socket, receiver, stopped, dropped.clone()));
        Ok(EventPublisher {
            port,
            queue,
            dropped,
            stop,
            task,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Queues a publication without waiting; when the queue is full it is dropped and counted,
    /// as a PUB socket drops for slow subscribers.
    pub fn publish(&self, publication: &Publication) {
        self.publish_owned(publication.clone());
    }

    /// Same as [`EventPublisher::publish`] for a publication the caller no longer needs.
    pub fn publish_owned(&self, publication: Publication) {
        if self.queue.try_send(publication).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Publications dropped so far (queue full, or the socket failed to take them).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Closes the socket with linger 0: what is still queued here is discarded and the port is
    /// released before this returns; the subscriber connections close with the socket.
    ///
    /// Dropping the publisher without `close` stops the task too, without waiting for it.
    pub async fn close(self) {
        // the task may already be gone; then there is nothing left to stop
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// The socket task: publishes until stopped or until the publisher handle is dropped.
async fn run(
    mut socket: PubSocket,
    mut queue: mpsc::Receiver<Publication>,
    mut stopped: oneshot::Receiver<()>,
    dropped: Arc<AtomicU64>,
) {
    loop {
        let publication = tokio::select! {
            // a stop request wins over queued publications: linger 0
            biased;
            _ = &mut stopped => break,
            next = queue.recv() => match next {
                Some(publication) => publication,
                None => break,
            },
        };
        let (header, body) = encode(&publication);
        let mut message = ZmqMessage::from(Bytes::from_static(header.as_str().as_bytes()));
        message.push_back(Bytes::from(body));
        if socket.send(message).await.is_err() {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
    // unbinding releases the port; dropping the socket disconnects the subscribers
    let _ = socket.close().await;
}

#[cfg(test)]
#[path = "publisher_tests.rs"]
mod tests;
