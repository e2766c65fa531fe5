//! The main loop: the process manager, the main log and the HTTP servers of one run of the
//! daemon (a restart ends the run and the caller starts a new one, same pid).
//!
//! Startup steps 3–10 of spec §1.18 happen here in the reference's order: main log and the
//! queued messages, AUTO log cleanup, groups (the model creates their AUTO logs), servers,
//! pidfile, `supervisord started with pid`, then the manager runs until its shutdown or
//! restart sequence completes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use supvisors_proc::autolog;
use supvisors_proc::driver::{HostSettings, Manager, RealHost, RunEnd};
use supvisors_proc::mainlog::{self, MainLog, MainLogConfig, MainLogHandle};
use supvisors_proc::model::Supervisor;
use supvisors_proc::reaper::Reaped;
use supvisors_rpc::dispatch::Dispatcher;
use supvisors_rpc::server::{ListenerConfig, Server, ServerLog, Services};
use supvisors_rpc::supervisor_ns::{Reload, SupervisorNamespace, Tails};
use supvisors_rpc::supvisors_ns::SupvisorsNamespace;
use supvisors_rules::LoadedConfig;
use supvisors_rules::context::LoadContext;
use supvisors_rules::supervisor::MainLogFile;
use supvisors_rules::values::LogLevel;
use supvisors_web::supervisor_ui::SupervisorUi;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::args::{CommandLine, UsageError};
use super::cluster::Cluster;
use super::cluster::backend::ClusterBackend;
use super::daemonize::Pidfile;
use super::messages::StartupMessages;
use super::signals::{SignalEvent, Signals};

/// What is set up before daemonizing: the reference binds its HTTP servers before forking so
/// that a port in use is reported on the terminal (`Error: Another program is already
/// listening …`, exit 2).
#[derive(Default)]
pub struct Prepared {
    server: Option<Server>,
    listeners: Vec<ListenerConfig>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("listeners", &self.listeners.len())
            .finish()
    }
}

/// Binds the HTTP servers (step 6), before daemonizing and again on each restart.
pub fn before_daemonize(
    config: &LoadedConfig,
    _messages: &mut StartupMessages,
) -> Result<Prepared, UsageError> {
    let sup = &config.supervisor;
    let listeners: Vec<ListenerConfig> = sup
        .unix_http_servers
        .iter()
        .map(ListenerConfig::from)
        .chain(sup.inet_http_servers.iter().map(ListenerConfig::from))
        .collect();
    let server = Server::bind(&listeners).map_err(|e| UsageError(e.to_string()))?;
    Ok(Prepared {
        server: Some(server),
        listeners,
    })
}

/// How the main loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopExit {
    /// Exit the process (status 0).
    Shutdown,
    /// Re-read the configuration and run the main loop again (same pid).
    Restart,
    /// Startup could not complete (exit status 2, the message is already on stderr).
    Failed,
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

/// What outlives one run of the main loop: the single owner of child exit statuses, and the
/// host facts used to re-read the configuration.
pub struct Lifetime {
    /// Reaped children, from the one SIGCHLD handler of the process (lent to each run).
    pub reaped: Option<mpsc::UnboundedReceiver<Reaped>>,
    /// Host facts for re-reading the configuration (`reloadConfig`).
    pub load_context: Arc<LoadContext<'static>>,
    /// Monotonic origin of the model's clock.
    pub origin: Instant,
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

/// The main log sink of the HTTP layer.
struct HttpLog(MainLogHandle);

impl ServerLog for HttpLog {
    fn log(&self, level: LogLevel, message: &str) {
        self.0.log(level, message);
    }
}

fn main_log_path(config: &LoadedConfig) -> Option<PathBuf> {
    match &config.supervisor.supervisord.logfile {
        MainLogFile::Path(p) => Some(p.clone()),
        MainLogFile::Syslog => None,
    }
}

fn open_main_log(
    config: &LoadedConfig,
) -> std::io::Result<(MainLogHandle, std::thread::JoinHandle<MainLog>)> {
    let s = &config.supervisor.supervisord;
    let log = MainLog::open(&MainLogConfig {
        path: main_log_path(config),
        maxbytes: u64::try_from(s.logfile_maxbytes).unwrap_or(0),
        backups: u32::try_from(s.logfile_backups).unwrap_or(0),
        echo_stdout: s.nodaemon && !s.silent,
        syslog: s.logfile == MainLogFile::Syslog,
    })?;
    mainlog::spawn_writer(log, s.loglevel)
}

fn clean_auto_logs(config: &LoadedConfig, log: &MainLogHandle) {
    let s = &config.supervisor.supervisord;
    if s.nocleanup {
        return;
    }
    let cleanup = autolog::clear_auto_logs(&s.childlogdir, &s.identifier);
    for warning in cleanup.warnings {
        log.log(LogLevel::Warn, warning);
    }
}

fn reload_fn(ctx: &DaemonContext, lifetime: &Lifetime) -> Reload {
    let path = ctx.config_path.clone();
    let command_line = ctx.command_line.clone();
    let load_context = Arc::clone(&lifetime.load_context);
    // Re-read as at startup: same file, same command-line overrides, same rules.
    Arc::new(move || {
        let mut messages = StartupMessages::default();
        match super::config::load(&path, &command_line, &load_context, &mut messages) {
            Ok(loaded) => Ok(loaded.supervisor),
            Err(super::config::ConfigFailure::Usage(err)) => Err(err.0),
            Err(super::config::ConfigFailure::Errors(errors)) => Err(errors
                .iter()
                .find(|e| e.severity == supvisors_rules::error::Severity::Error)
                .map_or_else(|| "unknown error".to_owned(), |e| e.problem.clone())),
        }
    })
}

/// One run of the daemon: returns when the model's shutdown or restart sequence completes.
pub async fn main_loop(
    ctx: &mut DaemonContext,
    signals: &mut Signals,
    lifetime: &mut Lifetime,
) -> LoopExit {
    let (log, writer) = match open_main_log(&ctx.config) {
        Ok(opened) => opened,
        Err(err) => {
            let path = main_log_path(&ctx.config).unwrap_or_default();
            eprintln!("Error: cannot open the main log {}: {err}", path.display());
            return LoopExit::Failed;
        }
    };
    for (level, message) in ctx.messages.in_log_order() {
        log.log(level, message);
    }
    clean_auto_logs(&ctx.config, &log);

    let section = &ctx.config.supervisor.supervisord;
    let (reports_tx, reports_rx) = mpsc::unbounded_channel();
    let mut host = RealHost::new(
        HostSettings {
            daemon_env: std::env::vars().collect(),
            childlogdir: section.childlogdir.clone(),
            identifier: section.identifier.clone(),
            debug_output: section.loglevel <= LogLevel::Debug,
            log: Some(log.clone()),
        },
        reports_tx,
    );
    let mut model = Supervisor::new(
        &ctx.config.supervisor,
        section.identifier.clone(),
        &mut host,
    );
    let (notices_tx, notices_rx) = mpsc::unbounded_channel();
    if let Some(supvisors) = &ctx.config.supvisors {
        model.enable_supvisors(supvisors.options.disabilities.clone());
    }
    let (manager, handle) = Manager::new(model, host, reports_rx, log.clone(), lifetime.origin);
    let manager = manager.with_notices(notices_tx);

    let namespace = SupervisorNamespace::new(
        handle.clone(),
        main_log_path(&ctx.config),
        log.clone(),
        reload_fn(ctx, lifetime),
    );
    let mut dispatcher = Dispatcher::new().with(Arc::new(namespace));
    let mut cluster = None;
    if let Some(supvisors) = &ctx.config.supvisors {
        let load_context = Arc::clone(&lifetime.load_context);
        let started = Cluster::start(
            &ctx.config,
            supvisors,
            handle.clone(),
            notices_rx,
            log.clone(),
            load_context,
        )
        .await;
        match started {
            Ok(started) => {
                let backend = ClusterBackend::new(started.local.clone());
                let namespace = SupvisorsNamespace::new(Arc::new(backend));
                dispatcher = dispatcher.with(Arc::new(namespace));
                cluster = Some(started);
            }
            Err(err) => log.log(LogLevel::Critical, err),
        }
    }
    let dispatcher = Arc::new(dispatcher);
    let services = Services {
        dispatcher,
        tails: Tails::new(handle.clone(), main_log_path(&ctx.config)),
        pages: Some(Arc::new(SupervisorUi::new(handle.clone()))),
        log: Some(Arc::new(HttpLog(log.clone()))),
    };
    let stop_servers = CancellationToken::new();
    for listener in &ctx.prepared.listeners {
        log.log(LogLevel::Info, "RPC interface 'supervisor' initialized");
        if cluster.is_some() {
            log.log(LogLevel::Info, "RPC interface 'supvisors' initialized");
        }
        if let Some(warning) = listener.startup_warning() {
            log.log(LogLevel::Critical, warning);
        }
    }
    let servers = ctx
        .prepared
        .server
        .take()
        .map(|server| tokio::spawn(server.serve_services(services, stop_servers.clone())));

    let (level, line) = ctx.write_pidfile();
    log.log(level, line);

    let Some(reaped) = lifetime.reaped.take() else {
        log.log(
            LogLevel::Critical,
            "no SIGCHLD handler: cannot supervise children",
        );
        return LoopExit::Failed;
    };
    // A task of its own: signal handling below calls into the manager and must not starve it.
    let mut run = tokio::spawn(manager.run(reaped));
    let end = loop {
        tokio::select! {
            joined = &mut run => match joined {
                Ok((end, reaped)) => {
                    lifetime.reaped = Some(reaped);
                    break end;
                }
                Err(err) => {
                    log.log(LogLevel::Critical, format!("the process manager failed: {err}"));
                    break RunEnd::Exit;
                }
            },
            Some(event) = signals.recv() => {
                let sig = event.number();
                let reopen = event == SignalEvent::ReopenLogs;
                let children = handle
                    .with(move |core, _| {
                        core.model.handle_signal(sig);
                        if reopen { core.host.all_children() } else { Vec::new() }
                    })
                    .await
                    .unwrap_or_default();
                if reopen {
                    let _ = log.reopen().await;
                    for io in children {
                        for capture in io.captures() {
                            let _ = capture.reopen().await;
                        }
                    }
                    log.log(LogLevel::Info, "supervisord logreopen");
                }
            }
        }
    };

    stop_servers.cancel();
    if let Some(servers) = servers {
        let _ = servers.await;
    }
    if let Some(cluster) = cluster {
        cluster.stop().await;
    }
    drop(handle);
    drop(log);
    // Every line is on disk before the process exits or restarts; bounded, so that a handle
    // kept by a stray task can never keep the daemon from exiting.
    let joined = tokio::task::spawn_blocking(move || writer.join());
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), joined).await;
    match end {
        RunEnd::Exit => LoopExit::Shutdown,
        RunEnd::Restart => LoopExit::Restart,
    }
}
