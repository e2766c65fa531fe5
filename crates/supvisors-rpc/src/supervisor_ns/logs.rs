//! Log reading for the `supervisor` namespace (read/tail methods, spec §3.5.7) and the
//! `/logtail` and `/mainlogtail` streams (spec §4.2–§4.3). File reads run on blocking threads:
//! a slow disk must never hold the process manager or other connections.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use supvisors_proc::driver::ManagerHandle;
use supvisors_proc::logread::{self, FOLLOW_INTERVAL, LogFollower, ReadError};
use supvisors_proc::model::Channel;

use crate::fault::{Fault, FaultCode};
use crate::server::{LogTails, TailFuture, TailStream};
use crate::value::Value;

use super::convert::int;

/// `readLog`-style read of `path`, faults as the reference raises them.
pub async fn read(path: PathBuf, offset: i64, length: i64) -> Result<Value, Fault> {
    let shown = path.display().to_string();
    let result = tokio::task::spawn_blocking(move || logread::read_log(&path, offset, length))
        .await
        .map_err(|_| Fault::bare(FaultCode::Failed))?;
    match result {
        Ok(text) => Ok(Value::string(text)),
        Err(ReadError::BadArguments) => Err(Fault::bare(FaultCode::BadArguments)),
        Err(ReadError::NoFile) => Err(Fault::new(FaultCode::NoFile, Some(shown))),
        Err(_) => Err(Fault::bare(FaultCode::Failed)),
    }
}

/// `tail*Log`: `[data, new offset, overflow]`; a missing file or no log is `['', 0, false]`.
pub async fn tail(path: Option<PathBuf>, offset: i64, length: i64) -> Result<Value, Fault> {
    let (data, size, overflow) = match path {
        None => (String::new(), 0, false),
        Some(path) => tokio::task::spawn_blocking(move || logread::tail_log(&path, offset, length))
            .await
            .map_err(|_| Fault::bare(FaultCode::Failed))?,
    };
    Ok(Value::Array(vec![
        Value::string(data),
        int(i64::try_from(size).unwrap_or(i64::MAX)),
        Value::Bool(overflow),
    ]))
}

/// The streams of `/logtail` and `/mainlogtail`, resolved through the process manager.
#[derive(Debug, Clone)]
pub struct Tails {
    manager: ManagerHandle,
    main_log: Option<PathBuf>,
}

impl Tails {
    /// Tails of the manager's processes and of the main log file, if any.
    pub fn new(manager: ManagerHandle, main_log: Option<PathBuf>) -> Arc<Self> {
        Arc::new(Self { manager, main_log })
    }
}

/// Follows `path`: the last 1024 bytes, then what is appended (rotation and truncation
/// handled by [`LogFollower`]). `None` when the file cannot be opened (404).
fn follow(path: &Path) -> Option<TailStream> {
    let last_modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    let follower = LogFollower::open(path).ok()?;
    let body = futures_util::stream::unfold(Some(follower), |state| async move {
        let mut follower = state?;
        match follower.next_chunk(FOLLOW_INTERVAL).await {
            Ok(chunk) => Some((Bytes::from(chunk), Some(follower))),
            // An unusable file ends the stream, as the reference's producer does.
            Err(_) => None,
        }
    });
    Some(TailStream {
        last_modified,
        body: Box::pin(body),
    })
}

impl LogTails for Tails {
    fn process_tail(&self, namespec: &str, channel: &str) -> TailFuture {
        let channel = match channel {
            "stdout" => Channel::Stdout,
            "stderr" => Channel::Stderr,
            _ => return Box::pin(std::future::ready(None)),
        };
        let manager = self.manager.clone();
        let namespec = namespec.to_owned();
        Box::pin(async move {
            let path = manager
                .with(move |core, _| core.model.log_path(&namespec, channel).ok().flatten())
                .await
                .ok()
                .flatten()?;
            follow(Path::new(&path))
        })
    }

    fn main_tail(&self) -> TailFuture {
        Box::pin(std::future::ready(
            self.main_log.as_deref().and_then(follow),
        ))
    }
}
