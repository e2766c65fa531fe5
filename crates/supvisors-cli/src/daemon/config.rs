//! Finding and loading the configuration for the daemon, then laying the command-line values
//! over `[supervisord]` (command line first, as the reference's option priorities say).

use std::path::{Path, PathBuf};

use supvisors_rules::context::LoadContext;
use supvisors_rules::error::ConfigError;
use supvisors_rules::paths::dirname;
use supvisors_rules::supervisor::SupervisordConfig;
use supvisors_rules::values;
use supvisors_rules::{LoadedConfig, Overrides};

use super::args::{CommandLine, UsageError};
use super::messages::StartupMessages;

/// Why the configuration cannot be used: a usage error (one line) or the loader's errors.
#[derive(Debug)]
pub enum ConfigFailure {
    /// Printed as `Error: <text>`.
    Usage(UsageError),
    /// Every problem the loader found, each printed as `Error: <problem>`.
    Errors(Vec<ConfigError>),
}

/// supervisord's search list when `-c` is absent; `argv0` is the program name as invoked
/// (the reference uses `dirname(dirname(argv[0]))`, not the resolved executable).
pub fn search_paths(argv0: &str) -> Vec<String> {
    let here = dirname(dirname(argv0));
    let join = |name: &str| {
        if here.is_empty() {
            name.to_string()
        } else if here.ends_with('/') {
            format!("{here}{name}")
        } else {
            format!("{here}/{name}")
        }
    };
    vec![
        join("etc/supervisord.conf"),
        join("supervisord.conf"),
        "supervisord.conf".into(),
        "etc/supervisord.conf".into(),
        "/etc/supervisord.conf".into(),
        "/etc/supervisor/supervisord.conf".into(),
    ]
}

/// The configuration file: `-c` when given (it must exist), else the first existing path of
/// the search list (relative paths are taken against `cwd`).
pub fn locate(cli: &CommandLine, argv0: &str, cwd: &Path) -> Result<PathBuf, UsageError> {
    if let Some(path) = &cli.configuration {
        return if cwd.join(path).exists() {
            Ok(path.clone())
        } else {
            Err(UsageError(format!(
                "could not find config file {}",
                path.display()
            )))
        };
    }
    let candidates = search_paths(argv0);
    match candidates.iter().find(|p| cwd.join(p).exists()) {
        Some(found) => Ok(PathBuf::from(found)),
        None => Err(UsageError(format!(
            "No config file found at default paths ({}); use the -c option to specify a config \
             file at a different path",
            candidates.join(", ")
        ))),
    }
}

/// Loads the configuration and applies the command line; warnings are queued in `messages`.
pub fn load(
    path: &Path,
    cli: &CommandLine,
    ctx: &LoadContext<'_>,
    messages: &mut StartupMessages,
) -> Result<LoadedConfig, ConfigFailure> {
    let overrides = Overrides {
        identifier: cli.identifier.clone(),
    };
    let mut loaded = supvisors_rules::load(path, ctx, &overrides).map_err(ConfigFailure::Errors)?;
    queue_load_messages(&loaded, messages);
    apply(&mut loaded.supervisor.supervisord, cli, ctx).map_err(ConfigFailure::Usage)?;
    Ok(loaded)
}

/// The reference's parse messages: one INFO per included file, the Supervisor warnings in its
/// words; Supvisors problems (which the reference logs in its own log) with their place.
fn queue_load_messages(loaded: &LoadedConfig, messages: &mut StartupMessages) {
    let supervisor = &loaded.supervisor;
    messages.infos.extend(
        supervisor
            .included_files
            .iter()
            .map(|file| format!("Included extra file \"{}\" during parsing", file.display())),
    );
    messages
        .warnings
        .extend(supervisor.warnings.iter().map(|w| w.problem.clone()));
    if let Some(supvisors) = &loaded.supvisors {
        let problems = supvisors
            .options
            .warnings
            .iter()
            .chain(&supvisors.resolved.reports)
            // The reference logs invalid rules files and runs without rules.
            .chain(&supvisors.rules_errors);
        messages
            .warnings
            .extend(problems.map(|problem| problem.to_string()));
    }
}

/// Lays the command-line values over `[supervisord]`; the user name is checked here, after
/// the file is read, as the reference's `realize` does.
pub fn apply(
    section: &mut SupervisordConfig,
    cli: &CommandLine,
    ctx: &LoadContext<'_>,
) -> Result<(), UsageError> {
    fn over<T: Clone>(slot: &mut T, value: &Option<T>) {
        if let Some(value) = value {
            *slot = value.clone();
        }
    }
    over(&mut section.nodaemon, &cli.nodaemon);
    over(&mut section.silent, &cli.silent);
    over(&mut section.umask, &cli.umask);
    over(&mut section.logfile, &cli.logfile);
    over(&mut section.logfile_maxbytes, &cli.logfile_maxbytes);
    over(&mut section.logfile_backups, &cli.logfile_backups);
    over(&mut section.loglevel, &cli.loglevel);
    over(&mut section.pidfile, &cli.pidfile);
    over(&mut section.identifier, &cli.identifier);
    over(&mut section.childlogdir, &cli.childlogdir);
    over(&mut section.nocleanup, &cli.nocleanup);
    over(&mut section.minfds, &cli.minfds);
    over(&mut section.minprocs, &cli.minprocs);
    over(&mut section.strip_ansi, &cli.strip_ansi);
    if let Some(dir) = &cli.directory {
        section.directory = Some(dir.clone());
    }
    if let Some(user) = &cli.user {
        let uid = values::name_to_uid(user, ctx.accounts).map_err(UsageError)?;
        section.user = Some(user.clone());
        section.uid = Some(uid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use supvisors_rules::context::{HostEntry, Resolver, StaticAccounts};
    use supvisors_rules::values::LogLevel;

    use super::*;

    struct NoResolver;

    impl Resolver for NoResolver {
        fn resolve(&self, _host: &str) -> Option<HostEntry> {
            None
        }
    }

    #[test]
    fn command_line_values_override_the_file_and_parse_messages_are_queued() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("inc")).expect("mkdir");
        std::fs::write(
            dir.path().join("s.conf"),
            "[supervisord]\nlogfile=%(here)s/s.log\nloglevel=warn\nminfds=100\n\
             identifier=conf\n\n[include]\nfiles = inc/*.ini\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("inc/a.ini"),
            "[program:p]\ncommand=/bin/true\nstdout_logfile=AUTO\nstdout_logfile_maxbytes=0\n",
        )
        .expect("write");
        let accounts = StaticAccounts::root_only();
        let ctx = LoadContext {
            env: BTreeMap::new(),
            host_node_name: "host".into(),
            cwd: dir.path().to_path_buf(),
            local_addresses: Vec::new(),
            accounts: &accounts,
            resolver: &NoResolver,
        };
        let cli = CommandLine {
            nodaemon: Some(true),
            loglevel: Some(LogLevel::Debug),
            minfds: Some(5),
            identifier: Some("cli".into()),
            user: Some("root".into()),
            ..CommandLine::default()
        };
        let mut messages = StartupMessages::default();
        let loaded = load(Path::new("s.conf"), &cli, &ctx, &mut messages).expect("loads");
        let section = &loaded.supervisor.supervisord;
        assert!(section.nodaemon);
        assert_eq!(section.loglevel, LogLevel::Debug);
        assert_eq!(section.minfds, 5);
        assert_eq!(
            section.minprocs, 200,
            "not given: the file's (default) value stays"
        );
        assert_eq!(section.identifier, "cli");
        assert_eq!(section.uid, Some(0));
        assert_eq!(
            messages.infos,
            vec![format!(
                "Included extra file \"{}\" during parsing",
                dir.path().join("inc/a.ini").display()
            )]
        );
        assert_eq!(
            messages.warnings,
            vec![
                "For [program:p], AUTO logging used for stdout_logfile without rollover, set \
                 maxbytes > 0 to avoid filling up filesystem unintentionally"
                    .to_string()
            ]
        );
        let unknown = CommandLine {
            user: Some("nobody-here".into()),
            ..CommandLine::default()
        };
        match load(Path::new("s.conf"), &unknown, &ctx, &mut messages) {
            Err(ConfigFailure::Usage(err)) => {
                assert_eq!(err, UsageError("Invalid user name nobody-here".into()))
            }
            other => panic!("an unknown user is a usage error: {other:?}"),
        }
    }

    #[test]
    fn search_list_follows_the_program_name_as_invoked() {
        assert_eq!(
            search_paths("/opt/sv/bin/supvisorsd")[..2],
            ["/opt/sv/etc/supervisord.conf", "/opt/sv/supervisord.conf"]
        );
        assert_eq!(
            search_paths("supvisorsd"),
            [
                "etc/supervisord.conf",
                "supervisord.conf",
                "supervisord.conf",
                "etc/supervisord.conf",
                "/etc/supervisord.conf",
                "/etc/supervisor/supervisord.conf",
            ]
        );
        assert_eq!(search_paths("/supvisorsd")[0], "/etc/supervisord.conf");
    }

    #[test]
    fn missing_explicit_file_is_a_usage_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cli = CommandLine {
            configuration: Some(PathBuf::from("nope.conf")),
            ..CommandLine::default()
        };
        assert_eq!(
            locate(&cli, "supvisorsd", dir.path()),
            Err(UsageError("could not find config file nope.conf".into()))
        );
    }

    #[test]
    fn search_list_finds_the_working_directory_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("supervisord.conf"), "").expect("write");
        let found = locate(&CommandLine::default(), "/nonexistent/bin/x", dir.path());
        assert_eq!(found, Ok(PathBuf::from("supervisord.conf")));
    }
}
