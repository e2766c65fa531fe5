//! supervisord's command line (`ServerOptions` of Supervisor 4.3.0) plus our extensions
//! (`--check-config`, `--json`, `--host-node-name`, `--hosts`).
//!
//! Values are validated while the options are processed, in the order given, with the value
//! parsers of the configuration file, exactly when and as the reference validates them: a bad
//! value is reported before the configuration file is even looked for.

use std::path::PathBuf;

use supvisors_rules::context::LoadContext;
use supvisors_rules::pystr::repr;
use supvisors_rules::supervisor::MainLogFile;
use supvisors_rules::values::{self, LogLevel};

use super::getopt::{OptionTable, getopt};

/// The version supervisord reports (`-v`): clients compare against it.
pub const VERSION: &str = "4.3.0";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// Start (or, with `--check-config`, check) with these options.
    Run(Box<CommandLine>),
    /// `-h`, `-?`, `--help`: print the usage and exit 0.
    Help,
    /// `-v`, `--version`: print the version and exit 0.
    Version,
}

/// A command-line error: the text printed after `Error: `, then exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Every option of the command line; `None` when not given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandLine {
    /// `-c`: the configuration file, as given.
    pub configuration: Option<PathBuf>,
    /// `-n`.
    pub nodaemon: Option<bool>,
    /// `-s`.
    pub silent: Option<bool>,
    /// `-u`: checked against the accounts once the configuration is read.
    pub user: Option<String>,
    /// `-m`.
    pub umask: Option<u32>,
    /// `-d`.
    pub directory: Option<PathBuf>,
    /// `-l`, made absolute against the startup directory unless `syslog`.
    pub logfile: Option<MainLogFile>,
    /// `-y`.
    pub logfile_maxbytes: Option<i64>,
    /// `-z`.
    pub logfile_backups: Option<i64>,
    /// `-e`.
    pub loglevel: Option<LogLevel>,
    /// `-j`, made absolute against the startup directory.
    pub pidfile: Option<PathBuf>,
    /// `-i`.
    pub identifier: Option<String>,
    /// `-q`.
    pub childlogdir: Option<PathBuf>,
    /// `-k`.
    pub nocleanup: Option<bool>,
    /// `-a`.
    pub minfds: Option<i64>,
    /// `--minprocs`.
    pub minprocs: Option<i64>,
    /// `-t`.
    pub strip_ansi: Option<bool>,
    /// `--profile_options`: accepted and ignored (no profiler here).
    pub profile_options: Option<String>,
    /// `--check-config`.
    pub check_config: Option<bool>,
    /// `--json` (with `--check-config`).
    pub json: Option<bool>,
    /// `--host-node-name` (with `--check-config`).
    pub host_node_name: Option<String>,
    /// `--hosts` (with `--check-config`).
    pub hosts: Option<PathBuf>,
}

/// The reference's short options, in its order (`h ? c: v n u: m: …`).
const SHORT: &str = "h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts";

/// The reference's long options.
const LONG: &[&str] = &[
    "help",
    "configuration=",
    "version",
    "nodaemon",
    "user=",
    "umask=",
    "directory=",
    "logfile=",
    "logfile_maxbytes=",
    "logfile_backups=",
    "loglevel=",
    "pidfile=",
    "identifier=",
    "childlogdir=",
    "minfds=",
    "minprocs=",
    "nocleanup",
    "strip_ansi",
    "profile_options=",
    "silent",
];

/// Our extensions, matched only when spelled in full.
const EXACT: &[&str] = &["check-config", "json", "host-node-name=", "hosts="];

/// Parses the arguments (without the program name).
///
/// `ctx` gives the startup directory and environment that directory and path values are
/// checked against.
pub fn parse(args: &[String], ctx: &LoadContext<'_>) -> Result<Invocation, UsageError> {
    let table = OptionTable {
        short: SHORT,
        long: LONG,
        exact: EXACT,
    };
    let (opts, rest) = getopt(args, &table).map_err(UsageError)?;
    if !rest.is_empty() {
        let items: Vec<String> = rest.iter().map(|a| repr(a)).collect();
        return Err(UsageError(format!(
            "positional arguments are not supported: [{}]",
            items.join(", ")
        )));
    }
    let mut cli = CommandLine::default();
    for (opt, arg) in &opts {
        match opt.as_str() {
            "-h" | "-?" | "--help" => return Ok(Invocation::Help),
            "-v" | "--version" => return Ok(Invocation::Version),
            _ => {}
        }
        let invalid =
            |msg: String| UsageError(format!("invalid value for {opt} {}: {msg}", repr(arg)));
        let conflict = || UsageError(format!("conflicting command line option {}", repr(opt)));
        set_option(&mut cli, opt, arg, ctx, invalid, conflict)?;
    }
    check_extensions(&cli)?;
    Ok(Invocation::Run(Box::new(cli)))
}

/// Stores `value` unless the option was already given (`conflicting command line option`).
fn store<T>(
    slot: &mut Option<T>,
    value: T,
    conflict: impl Fn() -> UsageError,
) -> Result<(), UsageError> {
    if slot.is_some() {
        return Err(conflict());
    }
    *slot = Some(value);
    Ok(())
}

fn set_option(
    cli: &mut CommandLine,
    opt: &str,
    arg: &str,
    ctx: &LoadContext<'_>,
    invalid: impl Fn(String) -> UsageError,
    conflict: impl Fn() -> UsageError,
) -> Result<(), UsageError> {
    let text = arg.to_string();
    match opt {
        "-c" | "--configuration" => store(&mut cli.configuration, PathBuf::from(arg), conflict),
        "-n" | "--nodaemon" => store(&mut cli.nodaemon, true, conflict),
        "-s" | "--silent" => store(&mut cli.silent, true, conflict),
        "-k" | "--nocleanup" => store(&mut cli.nocleanup, true, conflict),
        "-t" | "--strip_ansi" => store(&mut cli.strip_ansi, true, conflict),
        "-u" | "--user" => store(&mut cli.user, text, conflict),
        "-i" | "--identifier" => store(&mut cli.identifier, text, conflict),
        "-m" | "--umask" => store(
            &mut cli.umask,
            values::octal(arg).map_err(invalid)?,
            conflict,
        ),
        "-d" | "--directory" => {
            let dir = values::existing_directory(arg, ctx).map_err(invalid)?;
            store(&mut cli.directory, dir, conflict)
        }
        "-q" | "--childlogdir" => {
            let dir = values::existing_directory(arg, ctx).map_err(invalid)?;
            store(&mut cli.childlogdir, dir, conflict)
        }
        "-l" | "--logfile" => {
            let path = values::existing_dirpath(arg, ctx).map_err(invalid)?;
            // As the reference's `realize`: `syslog` is a destination, not a file name.
            let logfile = if arg == "syslog" {
                MainLogFile::Syslog
            } else {
                MainLogFile::Path(values::normalize_path(&path.display().to_string(), ctx))
            };
            store(&mut cli.logfile, logfile, conflict)
        }
        "-j" | "--pidfile" => {
            let path = values::existing_dirpath(arg, ctx).map_err(invalid)?;
            let path = values::normalize_path(&path.display().to_string(), ctx);
            store(&mut cli.pidfile, path, conflict)
        }
        "-y" | "--logfile_maxbytes" => store(
            &mut cli.logfile_maxbytes,
            values::byte_size(arg).map_err(invalid)?,
            conflict,
        ),
        "-z" | "--logfile_backups" => store(
            &mut cli.logfile_backups,
            values::integer(arg).map_err(invalid)?,
            conflict,
        ),
        "-e" | "--loglevel" => store(
            &mut cli.loglevel,
            values::logging_level(arg).map_err(invalid)?,
            conflict,
        ),
        "-a" | "--minfds" => store(
            &mut cli.minfds,
            values::integer(arg).map_err(invalid)?,
            conflict,
        ),
        "--minprocs" => store(
            &mut cli.minprocs,
            values::integer(arg).map_err(invalid)?,
            conflict,
        ),
        "--profile_options" => store(&mut cli.profile_options, text, conflict),
        "--check-config" => store(&mut cli.check_config, true, conflict),
        "--json" => store(&mut cli.json, true, conflict),
        "--host-node-name" => store(&mut cli.host_node_name, text, conflict),
        "--hosts" => store(&mut cli.hosts, PathBuf::from(arg), conflict),
        // getopt only returns options of the table, all handled above.
        other => Err(UsageError(format!("option {other} not recognized"))),
    }
}

/// Our `--check-config` companions mean nothing without it.
fn check_extensions(cli: &CommandLine) -> Result<(), UsageError> {
    if cli.check_config.is_some() {
        return Ok(());
    }
    let given = [
        ("--json", cli.json.is_some()),
        ("--host-node-name", cli.host_node_name.is_some()),
        ("--hosts", cli.hosts.is_some()),
    ];
    match given.iter().find(|(_, present)| *present) {
        Some((name, _)) => Err(UsageError(format!("{name} requires --check-config"))),
        None => Ok(()),
    }
}

/// The `-h` text; `%s` stands for the program name, as in the reference.
pub fn help_text(progname: &str) -> String {
    HELP.replace("%s", progname)
}

const HELP: &str =
    "supvisorsd -- run a set of programs as daemons, optionally as one Supvisors instance.

Usage: %s [options]

Options:
-c/--configuration FILENAME -- the configuration file (searched for when not given)
-n/--nodaemon -- stay in the foreground (as 'nodaemon=true' in the configuration)
-s/--silent -- do not copy the main log to stdout (as 'silent=true')
-h/--help -- print this message and exit
-v/--version -- print the supervisord version this daemon is compatible with and exit
-u/--user USER -- run as this user name or numeric uid
-m/--umask UMASK -- umask of the daemon and its children (default 022)
-d/--directory DIRECTORY -- directory to change to once daemonized
-l/--logfile FILENAME -- path of the main log
-y/--logfile_maxbytes BYTES -- size at which the main log is rotated
-z/--logfile_backups NUM -- number of rotated main logs kept
-e/--loglevel LEVEL -- level of the main log (critical, error, warn, info, debug, trace, blather)
-j/--pidfile FILENAME -- file where the daemon's pid is written
-i/--identifier STR -- identifier of this instance
-q/--childlogdir DIRECTORY -- directory of the AUTO child logs
-k/--nocleanup -- keep old AUTO child logs at startup
-a/--minfds NUM -- file descriptors that must be available to start
-t/--strip_ansi -- strip ANSI escape sequences from child output
--minprocs NUM -- processes that must be available to start
--profile_options OPTIONS -- accepted for compatibility and ignored

Supvisors for Rust extensions:
--check-config -- load the configuration and the rules, print a summary or every error, exit
--json -- with --check-config: print the resolved options and rules as JSON
--host-node-name NAME -- with --check-config: the host name to assume
--hosts FILE -- with --check-config: resolve host names from this JSON table
";

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
