//! The main activity log (spec §6.1): line format, levels, destinations, reopen and clear.
//!
//! One writer owns the file. Emitters hold a cheap [`MainLogHandle`]: the level test happens
//! on their side (a copied integer, no lock), so filtered-out messages cost nothing, and kept
//! messages are queued with their timestamp to a dedicated thread that does the blocking
//! writes, so no async worker ever waits on the disk. Local time comes from `chrono` (it reads
//! `TZ` and `/etc/localtime` itself), which avoids `unsafe` calls to `localtime_r`.
//! Syslog as a destination (`logfile=syslog`) is not implemented yet (TODO).

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, mpsc};

use chrono::{DateTime, Local};

use crate::rotating::RotatingFile;

/// Main log levels: the configuration's type, one for the whole daemon.
pub use supvisors_rules::values::LogLevel as Level;

/// Formats one record: `<YYYY-MM-DD HH:MM:SS,mmm> <LEVEL> <msg>\n`.
pub fn format_line(when: DateTime<Local>, level: Level, msg: &str) -> String {
    format!(
        "{} {} {msg}\n",
        when.format("%Y-%m-%d %H:%M:%S,%3f"),
        level.code()
    )
}

/// Where the main log goes.
#[derive(Debug, Clone, Default)]
pub struct MainLogConfig {
    /// `logfile`; None writes no file.
    pub path: Option<PathBuf>,
    /// `logfile_maxbytes` (0: no rotation).
    pub maxbytes: u64,
    /// `logfile_backups`.
    pub backups: u32,
    /// Copy lines to stdout (`nodaemon=true` and `silent=false`).
    pub echo_stdout: bool,
    /// `logfile=syslog`: send each line to the local syslog daemon.
    pub syslog: bool,
}

/// The writer side: owns the file; used directly or through [`spawn_writer`].
#[derive(Debug)]
pub struct MainLog {
    file: Option<RotatingFile>,
    echo_stdout: bool,
    syslog: Option<crate::syslog::Syslog>,
}

impl MainLog {
    /// Opens the configured destinations.
    pub fn open(cfg: &MainLogConfig) -> io::Result<Self> {
        let file = match &cfg.path {
            Some(p) => Some(RotatingFile::open(p, cfg.maxbytes, cfg.backups)?),
            None => None,
        };
        Ok(Self {
            file,
            echo_stdout: cfg.echo_stdout,
            syslog: cfg.syslog.then(crate::syslog::Syslog::connect),
        })
    }

    /// Writes one record to every destination; a failing destination does not stop the others.
    pub fn write(&mut self, when: DateTime<Local>, level: Level, msg: &str) -> io::Result<()> {
        let line = format_line(when, level, msg);
        if self.echo_stdout {
            // Like the reference's stream handler, errors on stdout are not fatal.
            let _ = io::stdout().lock().write_all(line.as_bytes());
        }
        if let Some(syslog) = &self.syslog {
            // Each line on its own, the timestamp and level prefix included (spec §6.1).
            syslog.send_lines(&line);
        }
        match &mut self.file {
            Some(f) => f.write(line.as_bytes()),
            None => Ok(()),
        }
    }

    /// Reopens the file (SIGUSR2).
    pub fn reopen(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), RotatingFile::reopen)
    }

    /// Deletes and reopens the file (`clearLog`).
    pub fn clear(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), RotatingFile::clear)
    }
}

enum Command {
    Record(DateTime<Local>, Level, String),
    Reopen(tokio::sync::oneshot::Sender<io::Result<()>>),
    Clear(tokio::sync::oneshot::Sender<io::Result<()>>),
}

/// A cloneable sender of main log records; filters by level before queueing.
#[derive(Debug, Clone)]
pub struct MainLogHandle {
    /// Shared by every clone so that `change_log_level` applies everywhere at once.
    level: Arc<AtomicU8>,
    tx: mpsc::Sender<Command>,
}

/// Every level, to turn the stored number back into a level.
const LEVELS: [Level; 7] = [
    Level::Blather,
    Level::Trace,
    Level::Debug,
    Level::Info,
    Level::Warn,
    Level::Error,
    Level::Critical,
];

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

impl MainLogHandle {
    /// The current level.
    pub fn level(&self) -> Level {
        let number = self.level.load(Ordering::Relaxed);
        LEVELS
            .into_iter()
            .find(|l| *l as u8 == number)
            .unwrap_or(Level::Info)
    }

    /// Changes the level for every handle (`supvisors.change_log_level`).
    pub fn set_level(&self, level: Level) {
        self.level.store(level as u8, Ordering::Relaxed);
    }

    /// True when a message at `level` would be written (use it to skip costly formatting).
    pub fn enabled(&self, level: Level) -> bool {
        level as u8 >= self.level.load(Ordering::Relaxed)
    }

    /// Queues `msg` at `level`, stamped now; dropped silently once the writer has stopped.
    pub fn log(&self, level: Level, msg: impl Into<String>) {
        if self.enabled(level) {
            let _ = self
                .tx
                .send(Command::Record(Local::now(), level, msg.into()));
        }
    }

    /// Reopens the file and waits until done.
    pub async fn reopen(&self) -> io::Result<()> {
        self.ask(Command::Reopen).await
    }

    /// Deletes and reopens the file and waits until done.
    pub async fn clear(&self) -> io::Result<()> {
        self.ask(Command::Clear).await
    }

    async fn ask(
        &self,
        make: fn(tokio::sync::oneshot::Sender<io::Result<()>>) -> Command,
    ) -> io::Result<()> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let gone = || io::Error::new(io::ErrorKind::BrokenPipe, "main log writer stopped");
        self.tx.send(make(tx)).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

/// Starts the writer thread; it stops (returning the log) when every handle is dropped.
/// Write errors are counted, not propagated: logging never stops the daemon.
pub fn spawn_writer(
    mut log: MainLog,
    level: Level,
) -> io::Result<(MainLogHandle, std::thread::JoinHandle<MainLog>)> {
    let (tx, rx) = mpsc::channel::<Command>();
    let join = std::thread::Builder::new()
        .name("mainlog".to_owned())
        .spawn(move || {
            while let Ok(cmd) = rx.recv() {
                match cmd {
                    Command::Record(when, level, msg) => {
                        let _ = log.write(when, level, &msg);
                    }
                    Command::Reopen(reply) => {
                        let _ = reply.send(log.reopen());
                    }
                    Command::Clear(reply) => {
                        let _ = reply.send(log.clear());
                    }
                }
            }
            log
        })?;
    let level = Arc::new(AtomicU8::new(level as u8));
    Ok((MainLogHandle { level, tx }, join))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn line_format_pads_milliseconds() {
        let when = Local
            .with_ymd_and_hms(2026, 11, 24, 3, 33, 37)
            .single()
            .expect("time")
            + chrono::Duration::milliseconds(7);
        assert_eq!(
            format_line(when, Level::Info, "supervisord started with pid 7585"),
            "2026-11-24 03:33:37,007 INFO supervisord started with pid 7585\n"
        );
    }

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(
            supvisors_rules::values::logging_level("WARN"),
            Ok(Level::Warn)
        );
        assert_eq!(
            supvisors_rules::values::logging_level("blather").map(|l| l as u8),
            Ok(3)
        );
        assert!(supvisors_rules::values::logging_level("loud").is_err());
        assert!(Level::Critical > Level::Error && Level::Trace > Level::Blather);
    }

    #[tokio::test]
    async fn writer_filters_by_level_and_clears() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("main.log");
        let cfg = MainLogConfig {
            path: Some(path.clone()),
            ..Default::default()
        };
        let (h, join) =
            spawn_writer(MainLog::open(&cfg).expect("open"), Level::Info).expect("spawn");
        h.log(Level::Debug, "hidden");
        h.log(Level::Warn, "shown\nsecond line");
        h.reopen().await.expect("reopen");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.ends_with(" WARN shown\nsecond line\n"), "{text:?}");
        assert!(!text.contains("hidden"));
        h.clear().await.expect("clear");
        h.log(Level::Critical, "after");
        drop(h);
        join.join().expect("join");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.ends_with(" CRIT after\n") && !text.contains("shown"),
            "{text:?}"
        );
    }

    #[test]
    fn the_level_changes_for_every_clone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = MainLog::open(&MainLogConfig {
            path: Some(dir.path().join("main.log")),
            maxbytes: 0,
            backups: 0,
            echo_stdout: false,
            syslog: false,
        })
        .expect("open");
        let (handle, _writer) = spawn_writer(log, Level::Info).expect("writer");
        let clone = handle.clone();
        assert!(!clone.enabled(Level::Debug));
        handle.set_level(Level::Blather);
        assert_eq!(clone.level(), Level::Blather);
        assert!(clone.enabled(Level::Debug));
        handle.set_level(Level::Error);
        assert!(!clone.enabled(Level::Warn));
        assert!(clone.enabled(Level::Critical));
    }
}
