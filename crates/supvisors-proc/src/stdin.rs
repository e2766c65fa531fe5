//! Ordered asynchronous writes to a child's stdin pipe (spec §3.5.9).
//!
//! `sendProcessStdin` queues bytes and returns at once; one task writes them in order without
//! blocking. A broken pipe closes the channel for good: later sends fail, which the RPC layer
//! answers with `NO_FILE`.

use std::io;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::net::unix::pipe;
use tokio::sync::mpsc;

/// The stdin channel is closed (child closed its end, a write failed, or it was closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stdin channel is closed")]
pub struct StdinClosed;

/// Writer side of a child's stdin; dropping it closes the pipe once the queue is written.
///
/// The writer task starts at the first send: most children never receive anything on stdin,
/// and a thousand idle tasks would cost memory for nothing.
#[derive(Debug)]
pub struct StdinWriter {
    fd: Mutex<Option<OwnedFd>>,
    tx: OnceLock<mpsc::UnboundedSender<Vec<u8>>>,
    closed: Arc<AtomicBool>,
}

impl StdinWriter {
    /// A writer for the write end `fd`; the task runs on the runtime of the first send.
    pub fn start(fd: OwnedFd) -> io::Result<Self> {
        Ok(Self {
            fd: Mutex::new(Some(fd)),
            tx: OnceLock::new(),
            closed: Arc::new(AtomicBool::new(false)),
        })
    }

    fn sender(&self) -> &mpsc::UnboundedSender<Vec<u8>> {
        self.tx.get_or_init(|| {
            let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
            let fd = self.fd.lock().ok().and_then(|mut fd| fd.take());
            let pipe = fd.map(pipe::Sender::from_owned_fd);
            let flag = Arc::clone(&self.closed);
            match pipe {
                Some(Ok(pipe)) => {
                    tokio::spawn(async move {
                        while let Some(data) = rx.recv().await {
                            if write_all(&pipe, &data).await.is_err() {
                                // EPIPE or any other error: the reference closes the dispatcher.
                                flag.store(true, Ordering::Release);
                                rx.close();
                                return;
                            }
                        }
                    });
                }
                _ => {
                    flag.store(true, Ordering::Release);
                    rx.close();
                }
            }
            tx
        })
    }

    /// Queues `data`; fails once the channel is closed.
    pub fn send(&self, data: impl Into<Vec<u8>>) -> Result<(), StdinClosed> {
        if self.is_closed() {
            return Err(StdinClosed);
        }
        self.sender().send(data.into()).map_err(|_| StdinClosed)
    }

    /// True when writes can no longer reach the child.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire) || self.tx.get().is_some_and(|tx| tx.is_closed())
    }
}

async fn write_all(pipe: &pipe::Sender, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        pipe.writable().await?;
        match pipe.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e)
                if e.kind() == io::ErrorKind::WouldBlock
                    || e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn writes_arrive_in_order_and_broken_pipe_closes() {
        let (r, w) = nix::unistd::pipe().expect("pipe");
        let writer = StdinWriter::start(w).expect("start");
        writer.send(b"one ".to_vec()).expect("send");
        writer.send("two").expect("send");
        let rx = pipe::Receiver::from_owned_fd(r).expect("rx");
        let mut got = Vec::new();
        while got.len() < 7 {
            rx.readable().await.expect("readable");
            let mut buf = Vec::with_capacity(64);
            if let Ok(n) = rx.try_read_buf(&mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
        }
        assert_eq!(got, b"one two");
        drop(rx);
        // With the reader gone the next write gets EPIPE; wait for the task to notice it.
        let mut tries = 0;
        while !writer.is_closed() && tries < 200 {
            let _ = writer.send("x");
            tokio::time::sleep(Duration::from_millis(10)).await;
            tries += 1;
        }
        assert!(writer.is_closed());
        assert_eq!(writer.send("y"), Err(StdinClosed));
    }
}
