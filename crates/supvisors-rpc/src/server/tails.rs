//! The seam through which the HTTP server streams log files it does not own.

use std::pin::Pin;
use std::time::SystemTime;

use bytes::Bytes;
use futures_core::Stream;

/// An endless stream of log bytes: the tail of the file, then what gets appended.
pub struct TailStream {
    /// Modification time of the file, sent as `Last-Modified`.
    pub last_modified: SystemTime,
    /// The bytes to send, one chunk per item; the response ends when the stream does.
    pub body: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
}

/// What a [`LogTails`] method returns: resolving a name may need the process manager.
pub type TailFuture = Pin<Box<dyn std::future::Future<Output = Option<TailStream>> + Send>>;

/// Provides the streams of `/logtail/<namespec>[/<channel>]` and `/mainlogtail`.
pub trait LogTails: Send + Sync {
    /// The stream of a process log; `None` answers 404 (unknown name, channel other than
    /// `stdout`/`stderr`, no log file, file missing). `namespec` is percent-decoded.
    fn process_tail(&self, namespec: &str, channel: &str) -> TailFuture;
    /// The stream of the main log; `None` answers 404.
    fn main_tail(&self) -> TailFuture;
}

/// A `LogTails` that has no logs at all (every tail request answers 404).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTails;

impl LogTails for NoTails {
    fn process_tail(&self, _namespec: &str, _channel: &str) -> TailFuture {
        Box::pin(std::future::ready(None))
    }

    fn main_tail(&self) -> TailFuture {
        Box::pin(std::future::ready(None))
    }
}
