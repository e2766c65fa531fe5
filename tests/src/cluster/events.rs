//! A subscriber to the event publisher of one instance (`event_link = ZMQ`): a thread with
//! its own tokio runtime keeps every (header, JSON body) received, for the tests to search.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use zeromq::{Socket, SocketRecv, SubSocket};

/// The events received so far from one publisher.
pub struct EventLog {
    received: Arc<Mutex<Vec<(String, Json)>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EventLog {
    /// Subscribes to every header published on `127.0.0.1:<port>`; events before the
    /// connection are lost (PUB/SUB), see [`EventLog::wait_connected`].
    pub fn subscribe(port: u16) -> EventLog {
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sink, flag) = (Arc::clone(&received), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime for the subscriber");
            runtime.block_on(receive(port, sink, flag));
        });
        EventLog {
            received,
            stop,
            thread: Some(thread),
        }
    }

    /// Waits (bounded by `timeout`, never asserted) until one event came: the subscription
    /// is then in place. Returns false if nothing came.
    pub fn wait_connected(&self, timeout: Duration) -> bool {
        self.wait(timeout, |_, _| true)
    }

    /// Waits until an event satisfies `check`; false when `timeout` ran out.
    pub fn wait(&self, timeout: Duration, mut check: impl FnMut(&str, &Json) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.events().iter().any(|(h, b)| check(h, b)) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every event received so far, in order.
    pub fn events(&self) -> Vec<(String, Json)> {
        self.received
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn receive(port: u16, sink: Arc<Mutex<Vec<(String, Json)>>>, stop: Arc<AtomicBool>) {
    let mut socket = SubSocket::new();
    // The publisher may not be bound yet: retry until it is, or until dropped.
    while socket
        .connect(&format!("tcp://127.0.0.1:{port}"))
        .await
        .is_err()
    {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if socket.subscribe("").await.is_err() {
        return;
    }
    while !stop.load(Ordering::Relaxed) {
        let message = match tokio::time::timeout(Duration::from_millis(200), socket.recv()).await {
            Ok(Ok(message)) => message,
            // A broken connection: the socket reconnects by itself, do not spin meanwhile.
            Ok(Err(_)) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Err(_elapsed) => continue,
        };
        let frames: Vec<String> = message
            .into_vec()
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        if let [header, body] = frames.as_slice() {
            let body = serde_json::from_str(body).unwrap_or(Json::String(body.clone()));
            sink.lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .push((header.clone(), body));
        }
    }
}
