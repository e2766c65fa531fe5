//! The command line, option by option, and every error text (checked against supervisord
//! 4.3.0 by hand and by the differential e2e test `tests/e2e/daemon_cli.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use supvisors_rules::context::{HostEntry, LoadContext, Resolver, StaticAccounts};
use supvisors_rules::supervisor::MainLogFile;
use supvisors_rules::values::LogLevel;

use super::*;

struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _host: &str) -> Option<HostEntry> {
        None
    }
}

static ACCOUNTS: StaticAccounts = StaticAccounts::empty();

fn context(cwd: &Path) -> LoadContext<'static> {
    LoadContext {
        env: BTreeMap::new(),
        host_node_name: "host".into(),
        cwd: cwd.to_path_buf(),
        local_addresses: Vec::new(),
        accounts: &ACCOUNTS,
        resolver: &NoResolver,
    }
}

fn parse_in(cwd: &Path, args: &[&str]) -> Result<Invocation, UsageError> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    parse(&args, &context(cwd))
}

fn command_line(cwd: &Path, args: &[&str]) -> CommandLine {
    match parse_in(cwd, args) {
        Ok(Invocation::Run(cli)) => *cli,
        other => panic!("{args:?} gave {other:?}"),
    }
}

fn error(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    match parse_in(dir.path(), args) {
        Err(UsageError(text)) => text,
        other => panic!("{args:?} gave {other:?}"),
    }
}

#[test]
fn every_short_option_sets_its_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().display().to_string();
    let cli = command_line(
        dir.path(),
        &[
            "-c", "s.conf", "-n", "-s", "-u", "nobody", "-m", "027", "-d", &d, "-l", "main.log",
            "-y", "1KB", "-z", "3", "-e", "debug", "-j", "d.pid", "-i", "me", "-q", &d, "-k", "-a",
            "64", "-t",
        ],
    );
    let expected = CommandLine {
        configuration: Some(PathBuf::from("s.conf")),
        nodaemon: Some(true),
        silent: Some(true),
        user: Some("nobody".into()),
        umask: Some(0o27),
        directory: Some(PathBuf::from(&d)),
        logfile: Some(MainLogFile::Path(dir.path().join("main.log"))),
        logfile_maxbytes: Some(1024),
        logfile_backups: Some(3),
        loglevel: Some(LogLevel::Debug),
        pidfile: Some(dir.path().join("d.pid")),
        identifier: Some("me".into()),
        childlogdir: Some(PathBuf::from(&d)),
        nocleanup: Some(true),
        minfds: Some(64),
        strip_ansi: Some(true),
        ..CommandLine::default()
    };
    assert_eq!(cli, expected);
}

#[test]
fn every_long_option_sets_its_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().display().to_string();
    let cli = command_line(
        dir.path(),
        &[
            "--configuration=s.conf",
            "--nodaemon",
            "--silent",
            "--user",
            "nobody",
            "--umask=0o22",
            "--directory",
            &d,
            "--logfile=syslog",
            "--logfile_maxbytes=0",
            "--logfile_backups",
            "0",
            "--loglevel=BLATHER",
            "--pidfile=/tmp/./d.pid",
            "--identifier=",
            "--childlogdir",
            &d,
            "--nocleanup",
            "--minfds=10",
            "--minprocs",
            "20",
            "--strip_ansi",
            "--profile_options=cumulative",
        ],
    );
    let expected = CommandLine {
        configuration: Some(PathBuf::from("s.conf")),
        nodaemon: Some(true),
        silent: Some(true),
        user: Some("nobody".into()),
        umask: Some(0o22),
        directory: Some(PathBuf::from(&d)),
        logfile: Some(MainLogFile::Syslog),
        logfile_maxbytes: Some(0),
        logfile_backups: Some(0),
        loglevel: Some(LogLevel::Blather),
        pidfile: Some(PathBuf::from("/tmp/d.pid")),
        identifier: Some(String::new()),
        childlogdir: Some(PathBuf::from(&d)),
        nocleanup: Some(true),
        minfds: Some(10),
        minprocs: Some(20),
        strip_ansi: Some(true),
        profile_options: Some("cumulative".into()),
        ..CommandLine::default()
    };
    assert_eq!(cli, expected);
}

#[test]
fn combined_flags_and_unique_prefixes_work_as_in_getopt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = command_line(dir.path(), &["-kc", "s.conf", "-ts", "--nod"]);
    assert_eq!(cli.configuration, Some(PathBuf::from("s.conf")));
    assert_eq!(cli.nocleanup, Some(true));
    assert_eq!(cli.strip_ansi, Some(true));
    assert_eq!(cli.silent, Some(true));
    assert_eq!(cli.nodaemon, Some(true));
    let cli = command_line(dir.path(), &["-cs.conf", "--minf=5"]);
    assert_eq!(cli.configuration, Some(PathBuf::from("s.conf")));
    assert_eq!(cli.minfds, Some(5));
}

#[test]
fn help_and_version_win_when_reached_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["-h"][..],
        &["-?"],
        &["--help"],
        &["--he"],
        &["-nh"],
        &["-c", "x", "-h", "-m", "x"],
    ] {
        assert_eq!(parse_in(dir.path(), args), Ok(Invocation::Help), "{args:?}");
    }
    for args in [&["-v"][..], &["--version"], &["--vers"], &["-v", "-h"]] {
        assert_eq!(
            parse_in(dir.path(), args),
            Ok(Invocation::Version),
            "{args:?}"
        );
    }
    // Values are checked in order: a bad value before -h is an error.
    assert_eq!(
        parse_in(dir.path(), &["-m", "9", "-h"]),
        Err(UsageError(
            "invalid value for -m '9': 9 can not be converted to an octal type".into()
        ))
    );
}

#[test]
fn getopt_errors_and_positional_arguments() {
    for (args, text) in [
        (&["-x"][..], "option -x not recognized"),
        (&["-nx"], "option -x not recognized"),
        (&["-c"], "option -c requires argument"),
        (&["--user"], "option --user requires argument"),
        (&["--log"], "option --log not a unique prefix"),
        (&["--bogus"], "option --bogus not recognized"),
        (
            &["--nodaemon=1"],
            "option --nodaemon must not have an argument",
        ),
        (&["--json=1"], "option --json must not have an argument"),
        (&["foo"], "positional arguments are not supported: ['foo']"),
        (
            &["-n", "it's", "-n"],
            "positional arguments are not supported: [\"it's\", '-n']",
        ),
        (
            &["--", "-n"],
            "positional arguments are not supported: ['-n']",
        ),
    ] {
        assert_eq!(error(args), text, "{args:?}");
    }
}

#[test]
fn repeated_options_conflict_whatever_their_spelling() {
    for (args, text) in [
        (&["-n", "-n"][..], "conflicting command line option '-n'"),
        (
            &["-m", "022", "--umask", "033"],
            "conflicting command line option '--umask'",
        ),
        (
            &["-c", "a", "-c", "b"],
            "conflicting command line option '-c'",
        ),
        (
            &["-i", "", "-i", "x"],
            "conflicting command line option '-i'",
        ),
        (
            &["--check-config", "--check-config"],
            "conflicting command line option '--check-config'",
        ),
    ] {
        assert_eq!(error(args), text, "{args:?}");
    }
}

#[test]
fn invalid_values_name_the_option_as_typed_and_the_reason() {
    for (args, text) in [
        (
            &["-m", "9"][..],
            "invalid value for -m '9': 9 can not be converted to an octal type",
        ),
        (
            &["-d", "/nonexistent"],
            "invalid value for -d '/nonexistent': /nonexistent is not an existing directory",
        ),
        (
            &["--childlogdir=/nonexistent"],
            "invalid value for --childlogdir '/nonexistent': /nonexistent is not an existing directory",
        ),
        (
            &["-l", "/no/x.log"],
            "invalid value for -l '/no/x.log': The directory named as part of the path /no/x.log does not exist",
        ),
        (
            &["-j", "/no/x.pid"],
            "invalid value for -j '/no/x.pid': The directory named as part of the path /no/x.pid does not exist",
        ),
        (
            &["-y", "5XB"],
            "invalid value for -y '5XB': invalid literal for int() with base 10: '5xb'",
        ),
        (
            &["-z", "ten"],
            "invalid value for -z 'ten': invalid literal for int() with base 10: 'ten'",
        ),
        (
            &["-e", "loud"],
            "invalid value for -e 'loud': bad logging level name 'loud'",
        ),
        (
            &["-a", "it's"],
            "invalid value for -a \"it's\": invalid literal for int() with base 10: \"it's\"",
        ),
        (
            &["--minprocs", "x"],
            "invalid value for --minprocs 'x': invalid literal for int() with base 10: 'x'",
        ),
    ] {
        assert_eq!(error(args), text, "{args:?}");
    }
}

#[test]
fn check_config_companions_require_it() {
    assert_eq!(error(&["--json"]), "--json requires --check-config");
    assert_eq!(
        error(&["--hosts", "t.json"]),
        "--hosts requires --check-config"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = command_line(
        dir.path(),
        &[
            "--check-config",
            "--json",
            "--host-node-name",
            "h1",
            "--hosts=t.json",
            "-i",
            "x",
        ],
    );
    assert_eq!(cli.check_config, Some(true));
    assert_eq!(cli.json, Some(true));
    assert_eq!(cli.host_node_name.as_deref(), Some("h1"));
    assert_eq!(cli.hosts, Some(PathBuf::from("t.json")));
    assert_eq!(cli.identifier.as_deref(), Some("x"));
}

#[test]
fn help_text_names_the_program_as_invoked() {
    let text = help_text("/opt/bin/supvisorsd");
    assert!(
        text.contains("Usage: /opt/bin/supvisorsd [options]"),
        "{text}"
    );
    assert!(text.contains("--check-config"), "{text}");
}
