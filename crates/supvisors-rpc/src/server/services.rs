//! What a server serves besides its listeners: the dispatcher, the log tails, optional extra
//! pages (the web UI lives in another crate) and an optional sink for the daemon's log lines.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use hyper::{HeaderMap, Method, Response, Uri};

use super::body::RespBody;
use super::tails::LogTails;
use crate::dispatch::Dispatcher;

/// The future of an extra page.
pub type PageFuture = Pin<Box<dyn Future<Output = Response<RespBody>> + Send>>;

/// A request handed to [`Pages`], its body already read (within the size limit).
#[derive(Debug, Clone)]
pub struct PageRequest {
    /// HTTP method.
    pub method: Method,
    /// Request URI (path and query).
    pub uri: Uri,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
}

/// Extra pages (web UI, dashboard) served for paths that `/RPC2`, `/logtail` and
/// `/mainlogtail` do not claim; auth has already been checked.
pub trait Pages: Send + Sync {
    /// The response for this request, or `None` to let the server answer (`/ok.html`, 404).
    fn handle(&self, request: PageRequest) -> Option<PageFuture>;
}

/// Levels of the lines the server logs (CRIT, ERRO, TRAC): the daemon's one level type.
pub use supvisors_rules::values::LogLevel;

/// Receives the log lines the reference server writes to the main log.
pub trait ServerLog: Send + Sync {
    /// Writes one line.
    fn log(&self, level: LogLevel, message: &str);
}

/// Everything a server needs to answer requests.
#[derive(Clone)]
pub struct Services {
    /// The XML-RPC namespaces.
    pub dispatcher: Arc<Dispatcher>,
    /// The log tails.
    pub tails: Arc<dyn LogTails>,
    /// Extra pages, if any.
    pub pages: Option<Arc<dyn Pages>>,
    /// Where log lines go, if anywhere.
    pub log: Option<Arc<dyn ServerLog>>,
}

impl Services {
    /// Services with no extra pages and no log sink.
    pub fn new(dispatcher: Arc<Dispatcher>, tails: Arc<dyn LogTails>) -> Self {
        Services {
            dispatcher,
            tails,
            pages: None,
            log: None,
        }
    }

    pub(crate) fn log(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log.log(level, &message());
        }
    }
}

/// Python `repr()` of a request body, as the reference puts it in its messages.
pub(crate) use supvisors_rules::pystr::repr as py_repr;

#[cfg(test)]
mod tests {
    use super::py_repr;

    #[test]
    fn repr_like_python() {
        // Python: repr("a'b\n\\\x01é") chooses double quotes around a single quote.
        assert_eq!(py_repr("a'b\n\\\x01é"), "\"a'b\\n\\\\\\x01é\"");
        assert_eq!(py_repr("ab"), "'ab'");
    }
}
