//! The main loop hook and what it is handed.
//!
//! For now a placeholder the lead replaces: it prints the queued startup messages, writes the
//! pidfile, and reacts to signals with the reference's log lines until asked to stop.

use std::path::PathBuf;

use supvisors_rules::LoadedConfig;
use supvisors_rules::values::LogLevel;

use super::args::{CommandLine, UsageError};
use super::daemonize::Pidfile;
use super::messages::{PlaceholderLog, StartupMessages};
use super::signals::{SignalEvent, Signals};

/// What is set up before daemonizing: the reference binds its HTTP servers before forking so
/// that a port in use is reported on the terminal (`Error: Another program is already
/// listening …`, exit 2). Placeholder: the lead adds the bound std listeners here.
#[derive(Debug, Default)]
pub struct Prepared {}

/// Startup steps 4–6 that may fail on the terminal (AUTO log cleanup, groups, binding the
/// servers), run before daemonizing and again on each restart. Placeholder: nothing to do yet.
pub fn before_daemonize(
    _config: &LoadedConfig,
    _messages: &mut StartupMessages,
) -> Result<Prepared, UsageError> {
    Ok(Prepared::default())
}

/// How the main loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopExit {
    /// Exit the process (status 0).
    Shutdown,
    /// Re-read the configuration and run the main loop again (same pid).
    Restart,
}

/// Everything the main loop starts from.
#[derive(Debug)]
pub struct DaemonContext {
    /// `argv[0]`, for messages.
    pub progname: String,
    /// The configuration file in use.
    pub config_path: PathBuf,
    /// The command line, kept to re-apply it on restart.
    pub command_line: CommandLine,
    /// The configuration with the command line applied.
    pub config: LoadedConfig,
    /// Messages for the main log, to print once it is open.
    pub messages: StartupMessages,
    /// False after a restart (no rlimits, no daemonizing again).
    pub first: bool,
    /// What [`before_daemonize`] set up.
    pub prepared: Prepared,
    pidfile: Option<Pidfile>,
}

impl DaemonContext {
    /// A context for one run of the main loop.
    pub fn new(
        progname: String,
        config_path: PathBuf,
        command_line: CommandLine,
        config: LoadedConfig,
        messages: StartupMessages,
        prepared: Prepared,
    ) -> DaemonContext {
        DaemonContext {
            progname,
            config_path,
            command_line,
            config,
            messages,
            first: true,
            prepared,
            pidfile: None,
        }
    }

    /// Writes the pidfile (step 9) and returns the line to log: INFO `supervisord started
    /// with pid <pid>`, or CRIT `could not write pidfile <path>` (not fatal, as in the
    /// reference). The file is removed after the main loop returns.
    pub fn write_pidfile(&mut self) -> (LogLevel, String) {
        let pid = std::process::id();
        match Pidfile::write(&self.config.supervisor.supervisord.pidfile, pid) {
            Ok(pidfile) => {
                self.pidfile = Some(pidfile);
                (
                    LogLevel::Info,
                    format!("supervisord started with pid {pid}"),
                )
            }
            Err(crit) => (LogLevel::Critical, crit),
        }
    }

    /// Removes the pidfile if this run wrote it.
    pub fn remove_pidfile(&mut self) {
        self.pidfile = None;
    }
}

/// The main loop. Placeholder: logs to stdout (nodaemon and not silent), handles signals.
pub async fn main_loop(ctx: &mut DaemonContext, signals: &mut Signals) -> LoopExit {
    let section = &ctx.config.supervisor.supervisord;
    let log = PlaceholderLog {
        level: section.loglevel,
        to_stdout: section.nodaemon && !section.silent,
    };
    for (level, message) in ctx.messages.in_log_order() {
        log.log(level, message);
    }
    let (level, line) = ctx.write_pidfile();
    log.log(level, &line);
    while let Some(event) = signals.recv().await {
        let (level, line) = event.log_line(false);
        log.log(level, &line);
        match event {
            SignalEvent::Shutdown(_) => return LoopExit::Shutdown,
            SignalEvent::Restart => return LoopExit::Restart,
            SignalEvent::ReopenLogs => {
                let (level, line) = SignalEvent::reopened_line();
                log.log(level, line);
            }
        }
    }
    LoopExit::Shutdown
}
