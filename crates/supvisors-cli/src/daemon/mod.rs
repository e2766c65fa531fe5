//! The `supvisorsd` daemon shell: everything around the main loop.
//!
//! [`run`] follows the reference's startup order (spec §1.18) as far as it needs no process
//! model: command line ([`args`], on a Python-compatible [`getopt`]), configuration and
//! overrides ([`config`]), privileges and limits ([`privileges`]), detaching ([`daemonize`]),
//! then a tokio runtime with the [`signals`] stream, and the main loop ([`main_loop`]) in
//! which the lead plugs the process manager, the logs and the servers. Messages that the main
//! log must print once open are gathered in [`messages::StartupMessages`].
//!
//! It never decides anything about processes or the cluster.

pub mod args;
pub mod cluster;
pub mod config;
pub mod daemonize;
pub mod getopt;
pub mod main_loop;
pub mod memory;
pub mod messages;
pub mod privileges;
pub mod signals;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use supvisors_rules::context::LoadContext;
use supvisors_rules::error::Severity;

use crate::check_config::{self, CheckOptions};
use crate::host::{self, SystemAccounts, SystemResolver};
use args::{CommandLine, Invocation, UsageError};
use config::ConfigFailure;
use main_loop::{DaemonContext, Lifetime, LoopExit};
use messages::StartupMessages;
use signals::Signals;

/// Runs `supvisorsd` with its full argument list (program name first); returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let mut args = args.into_iter().map(|a| a.to_string_lossy().into_owned());
    let progname = args.next().unwrap_or_else(|| "supvisorsd".into());
    let rest: Vec<String> = args.collect();
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(err) => {
            return usage_error(
                &progname,
                &UsageError(format!("cannot read the working directory: {err}")),
            );
        }
    };
    let ctx = load_context(cwd);
    match args::parse(&rest, &ctx) {
        Err(err) => usage_error(&progname, &err),
        Ok(Invocation::Help) => {
            print!("{}", args::help_text(&progname));
            ExitCode::SUCCESS
        }
        Ok(Invocation::Version) => {
            println!("{}", args::VERSION);
            ExitCode::SUCCESS
        }
        Ok(Invocation::Run(cli)) if cli.check_config.is_some() => {
            check_config::run(&CheckOptions {
                configuration: cli.configuration,
                identifier: cli.identifier,
                json: cli.json.is_some(),
                host_node_name: cli.host_node_name,
                hosts: cli.hosts,
            })
        }
        Ok(Invocation::Run(cli)) => start(&progname, *cli, &ctx),
    }
}

/// Host facts for loading the configuration, read once at startup.
fn load_context(cwd: PathBuf) -> LoadContext<'static> {
    LoadContext {
        // Lossy: a variable that is not UTF-8 must not stop the daemon.
        env: std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect(),
        host_node_name: host::host_node_name(),
        cwd,
        local_addresses: host::local_addresses(),
        accounts: &SystemAccounts,
        resolver: &SystemResolver,
    }
}

/// The reference's `usage()`: two lines on stderr, exit 2.
fn usage_error(progname: &str, err: &UsageError) -> ExitCode {
    eprintln!("Error: {}\nFor help, use {progname} -h", err.0);
    ExitCode::from(2)
}

fn config_failure(progname: &str, failure: &ConfigFailure) -> ExitCode {
    match failure {
        ConfigFailure::Usage(err) => usage_error(progname, err),
        ConfigFailure::Errors(errors) => {
            // In the reference's words (`problem`), so that scripts matching its message keep
            // working. The reference stops at its first error; ours are all found in one pass
            // and all worth fixing, so each is printed the same way (`--check-config` adds
            // the line numbers).
            let problems = errors.iter().filter(|e| e.severity == Severity::Error);
            for error in problems {
                eprintln!("Error: {}", error.problem);
            }
            eprintln!("For help, use {progname} -h");
            ExitCode::from(2)
        }
    }
}

/// Steps 1–3 and 8 of the startup, before any thread exists, then the runtime.
fn start(progname: &str, cli: CommandLine, ctx: &LoadContext<'static>) -> ExitCode {
    if cli.configuration.is_none() && nix::unistd::getuid().is_root() {
        // Cosmetic in the reference too (a Python warning on stderr).
        eprintln!(
            "{progname}: warning: running as root and searching the default locations \
             (including the working directory) for the configuration; give -c with an \
             absolute path instead"
        );
    }
    memory::single_arena();
    let path = match config::locate(&cli, progname, &ctx.cwd) {
        Ok(path) => path,
        Err(err) => return usage_error(progname, &err),
    };
    let mut messages = StartupMessages::default();
    let loaded = match config::load(&path, &cli, ctx, &mut messages) {
        Ok(loaded) => loaded,
        Err(failure) => return config_failure(progname, &failure),
    };
    let section = &loaded.supervisor.supervisord;
    if let Err(err) = privileges::set_uid_or_exit(section.uid, &mut messages) {
        return usage_error(progname, &err);
    }
    if let Err(err) =
        privileges::set_rlimits_or_exit(section.minfds, section.minprocs, &mut messages)
    {
        return usage_error(progname, &err);
    }
    let prepared = match main_loop::before_daemonize(&loaded, &mut messages) {
        Ok(prepared) => prepared,
        Err(err) => return usage_error(progname, &err),
    };
    if !section.nodaemon {
        let directory = section.directory.as_deref();
        if let Err(err) = daemonize::daemonize(directory, section.umask, &mut messages) {
            eprintln!("Error: cannot daemonize: {err}");
            return ExitCode::from(2);
        }
    }
    // Two workers: the control path (RPC server, engine) keeps a thread of its own while the
    // other drains a child flooding its pipes or writes logs; more would only compete with the
    // supervised programs for the host's cores. Built only now: `fork` above needs one thread.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("Error: cannot start the runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let first = DaemonContext::new(progname.into(), path, cli, loaded, messages, prepared);
    // The configuration's parse tree is gone: hand its pages back before the children come.
    memory::release_free_heap();
    runtime.block_on(serve(first, ctx))
}

/// Runs the main loop until a shutdown, reloading the configuration on each restart.
async fn serve(mut daemon: DaemonContext, ctx: &LoadContext<'static>) -> ExitCode {
    let mut signals = match Signals::install() {
        Ok(signals) => signals,
        Err(err) => {
            eprintln!("Error: cannot install the signal handlers: {err}");
            return ExitCode::from(2);
        }
    };
    tokio::spawn(memory::release_periodically());
    let reaped = match supvisors_proc::reaper::start_reaper() {
        Ok(reaped) => reaped,
        Err(err) => {
            eprintln!("Error: cannot install the SIGCHLD handler: {err}");
            return ExitCode::from(2);
        }
    };
    let mut lifetime = Lifetime {
        reaped: Some(reaped),
        load_context: std::sync::Arc::new(load_context(ctx.cwd.clone())),
        origin: std::time::Instant::now(),
    };
    loop {
        let exit = main_loop::main_loop(&mut daemon, &mut signals, &mut lifetime).await;
        daemon.remove_pidfile();
        match exit {
            LoopExit::Shutdown => return ExitCode::SUCCESS,
            LoopExit::Failed => return ExitCode::from(2),
            LoopExit::Restart => {}
        }
        // Restart: the reference builds its options anew from the same command line.
        let DaemonContext {
            progname,
            config_path,
            command_line,
            ..
        } = daemon;
        let mut messages = StartupMessages::default();
        let loaded = match config::load(&config_path, &command_line, ctx, &mut messages) {
            Ok(loaded) => loaded,
            Err(failure) => return config_failure(&progname, &failure),
        };
        let uid = loaded.supervisor.supervisord.uid;
        if let Err(err) = privileges::set_uid_or_exit(uid, &mut messages) {
            return usage_error(&progname, &err);
        }
        let prepared = match main_loop::before_daemonize(&loaded, &mut messages) {
            Ok(prepared) => prepared,
            Err(err) => return usage_error(&progname, &err),
        };
        daemon = DaemonContext::new(
            progname,
            config_path,
            command_line,
            loaded,
            messages,
            prepared,
        );
        daemon.first = false;
    }
}
