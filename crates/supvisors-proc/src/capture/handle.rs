//! The handle on a capture task and the small state it shares with the task.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use super::TailBuffer;

pub(super) enum Control {
    Reopen(oneshot::Sender<io::Result<()>>),
    Clear(oneshot::Sender<io::Result<()>>),
    Finish,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Control")
    }
}

/// What the handle and its task share. One small allocation instead of an mpsc channel (two
/// allocations, ~1 KB with its first block) and a watch channel (~350 B): with two channels
/// per child this was about a third of the daemon's memory per running child.
#[derive(Debug, Default)]
pub(super) struct Shared {
    /// Requests not yet taken by the task; `None` once the task is gone (nobody will answer).
    controls: Mutex<Option<VecDeque<Control>>>,
    /// Wakes the task when a request is queued (a stored permit covers a send before the wait).
    control_ready: Notify,
    /// EOF was read and every byte was written and reported.
    pub(super) drained: AtomicBool,
    /// The task has ended (drained, or aborted).
    ended: AtomicBool,
    /// Wakes `drained()` waiters when `ended` is set.
    ended_notify: Notify,
}

impl Shared {
    pub(super) fn new() -> Self {
        Self {
            controls: Mutex::new(Some(VecDeque::new())),
            ..Self::default()
        }
    }

    /// Queues `c`; false when the task is gone.
    fn send(&self, c: Control) -> bool {
        let Ok(mut controls) = self.controls.lock() else {
            return false;
        };
        match controls.as_mut() {
            Some(queue) => {
                queue.push_back(c);
                self.control_ready.notify_one();
                true
            }
            None => false,
        }
    }

    /// The next request, waiting for one.
    pub(super) async fn recv(&self) -> Control {
        loop {
            let next = self
                .controls
                .lock()
                .ok()
                .and_then(|mut c| c.as_mut().and_then(VecDeque::pop_front));
            if let Some(c) = next {
                return c;
            }
            self.control_ready.notified().await;
        }
    }
}

/// Marks the task ended however it stops (returning or aborted): pending requests are
/// dropped, so their askers get `Ok`, and `drained()` waiters wake up.
pub(super) struct EndGuard(pub(super) Arc<Shared>);

impl Drop for EndGuard {
    fn drop(&mut self) {
        if let Ok(mut controls) = self.0.controls.lock() {
            *controls = None;
        }
        self.0.ended.store(true, Ordering::Release);
        self.0.ended_notify.notify_waiters();
    }
}

/// Handle on a running capture task.
#[derive(Debug)]
pub struct CaptureHandle {
    pub(super) shared: Arc<Shared>,
    pub(super) tail: TailBuffer,
    pub(super) task: JoinHandle<()>,
}

impl CaptureHandle {
    /// The in-memory tail of the log.
    pub fn tail(&self) -> &TailBuffer {
        &self.tail
    }

    /// True once EOF was read and every byte was written and reported.
    pub fn is_drained(&self) -> bool {
        self.shared.drained.load(Ordering::Acquire)
    }

    /// Waits until the channel is drained (the model handles an exit only after this).
    pub async fn drained(&self) {
        loop {
            let notified = self.shared.ended_notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so an end between the check and the wait wakes us.
            notified.as_mut().enable();
            // The task gone also means it is done.
            if self.shared.ended.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }

    /// Reopens the log file (SIGUSR2); Ok when there is no file or the task ended.
    pub async fn reopen(&self) -> io::Result<()> {
        self.ask(Control::Reopen).await
    }

    /// Deletes and reopens the log file (`clearProcessLogs`).
    pub async fn clear(&self) -> io::Result<()> {
        self.ask(Control::Clear).await
    }

    /// After the child was reaped: reads what is still buffered in the pipe (up to 1 MiB),
    /// writes it, then stops without waiting for EOF, which never comes while a grandchild
    /// keeps the pipe open. The reference does one read per channel in `drain()` and closes.
    pub async fn finish(&self) {
        let _ = self.shared.send(Control::Finish);
        self.drained().await;
    }

    /// Stops the task without waiting for EOF (the pipe is closed, pending data dropped).
    pub fn abort(&self) {
        self.task.abort();
    }

    async fn ask(&self, make: fn(oneshot::Sender<io::Result<()>>) -> Control) -> io::Result<()> {
        let (tx, rx) = oneshot::channel();
        if !self.shared.send(make(tx)) {
            return Ok(());
        }
        rx.await.unwrap_or(Ok(()))
    }
}
