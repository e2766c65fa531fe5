//! The syslog destination (spec §6.1 and §6.3): `logfile=syslog` for the main log, and
//! `*_syslog=true` for child output, each line sent as one RFC 3164 message from
//! `supervisord` at facility user, priority info, like Python's `syslog.syslog(line)`.
//!
//! The socket is `/dev/log`; `SUPVISORS_SYSLOG_SOCKET` names another one (tests bind their own
//! datagram socket there). Sending never blocks the caller for long and never fails loudly: a
//! missing syslog daemon must not stop supervision.

use std::sync::{Arc, Mutex};

use syslog::{Facility, Formatter3164, Logger, LoggerBackend};

/// Where syslog messages go when `SUPVISORS_SYSLOG_SOCKET` is not set.
pub const DEFAULT_SOCKET: &str = "/dev/log";

/// A shared connection to the local syslog daemon.
#[derive(Clone)]
pub struct Syslog(Arc<Mutex<Option<Logger<LoggerBackend, Formatter3164>>>>);

impl std::fmt::Debug for Syslog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Syslog")
    }
}

impl Syslog {
    /// Connects to the socket; without a syslog daemon every send is dropped.
    pub fn connect() -> Self {
        let path =
            std::env::var("SUPVISORS_SYSLOG_SOCKET").unwrap_or_else(|_| DEFAULT_SOCKET.into());
        let formatter = Formatter3164 {
            facility: Facility::LOG_USER,
            hostname: None,
            process: "supervisord".into(),
            pid: std::process::id(),
        };
        Self(Arc::new(Mutex::new(
            syslog::unix_custom(formatter, path).ok(),
        )))
    }

    /// Sends every line of `text` as its own message.
    pub fn send_lines(&self, text: &str) {
        let Ok(mut logger) = self.0.lock() else {
            return;
        };
        if let Some(logger) = logger.as_mut() {
            for line in text.lines() {
                let _ = logger.info(line);
            }
        }
    }

    /// Child output of `process`: each line as `<process> <line>` (§6.3).
    pub fn send_output(&self, process: &str, data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        let Ok(mut logger) = self.0.lock() else {
            return;
        };
        if let Some(logger) = logger.as_mut() {
            for line in text.lines() {
                let _ = logger.info(format!("{process} {line}"));
            }
        }
    }
}
