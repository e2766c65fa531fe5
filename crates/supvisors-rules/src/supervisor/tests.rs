//! Loader tests: `[supervisord]`, programs, expansions, includes, servers (spec §1, §8 1–15).

use std::path::Path;

use tempfile::TempDir;

use super::*;
use crate::testutil::ctx;
use crate::values::{AutoRestart, LogFile, LogLevel};

pub(super) fn tmp() -> TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

pub(super) fn write(dir: &Path, name: &str, text: &str) {
    if let Some(parent) = dir.join(name).parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("write: {e}"));
}

pub(super) fn load_in(dir: &Path, text: &str) -> Result<SupervisorConfig, Vec<ConfigError>> {
    write(dir, "s.conf", text);
    load_supervisor_config(Path::new("s.conf"), &ctx(dir))
}

pub(super) fn ok(text: &str) -> SupervisorConfig {
    let dir = tmp();
    match load_in(dir.path(), text) {
        Ok(c) => c,
        Err(e) => panic!("unexpected errors: {e:#?}"),
    }
}

pub(super) fn errs(text: &str) -> Vec<ConfigError> {
    let dir = tmp();
    match load_in(dir.path(), text) {
        Ok(c) => panic!("expected an error, got {c:#?}"),
        Err(e) => e,
    }
}

/// Asserts one error is at `line` and contains `text`.
pub(super) fn assert_err(errors: &[ConfigError], line: u32, text: &str) {
    assert!(
        errors
            .iter()
            .any(|e| e.line == Some(line) && e.problem.contains(text)),
        "no error at line {line} containing {text:?} in {errors:#?}"
    );
}

pub(super) fn proc<'a>(c: &'a SupervisorConfig, group: &str, name: &str) -> &'a ProcessConfig {
    c.groups
        .iter()
        .find(|g| g.name == group)
        .and_then(|g| g.processes.iter().find(|p| p.name == name))
        .unwrap_or_else(|| panic!("no process {group}:{name} in {:#?}", c.groups))
}

#[test]
fn supervisord_defaults() {
    let dir = tmp();
    let c = load_in(dir.path(), "[supervisord]\n").unwrap_or_else(|e| panic!("{e:?}"));
    let s = &c.supervisord;
    assert_eq!(
        s.logfile,
        MainLogFile::Path(dir.path().join("supervisord.log"))
    );
    assert_eq!(s.pidfile, dir.path().join("supervisord.pid"));
    assert_eq!(
        (s.logfile_maxbytes, s.logfile_backups),
        (50 * 1024 * 1024, 10)
    );
    assert_eq!(s.loglevel, LogLevel::Info);
    assert_eq!(s.umask, 0o22);
    assert_eq!(
        (s.nodaemon, s.silent, s.nocleanup, s.strip_ansi),
        (false, false, false, false)
    );
    assert_eq!((s.minfds, s.minprocs), (1024, 200));
    assert_eq!(s.identifier, "supervisor");
    assert_eq!(s.user, None);
    assert_eq!(s.directory, None);
    assert!(s.environment.is_empty());
    assert_eq!(c.path, dir.path().join("s.conf"));
    assert_eq!(c.here, dir.path());
    assert!(c.groups.is_empty() && c.unix_http_servers.is_empty() && c.supervisorctl.is_none());
}

#[test]
fn supervisord_values_and_errors() {
    let c = ok(
        "[supervisord]\nlogfile=syslog\nloglevel=BLATHER\numask=077\nnodaemon=true\n\
                minfds=4_096\nidentifier=%(here)s-id\nlogfile_maxbytes=1KB\nuser=bob\n",
    );
    assert_eq!(c.supervisord.logfile, MainLogFile::Syslog);
    assert_eq!(c.supervisord.loglevel, LogLevel::Blather);
    assert_eq!((c.supervisord.umask, c.supervisord.minfds), (0o77, 4096));
    assert!(c.supervisord.nodaemon);
    assert_eq!(c.supervisord.identifier, format!("{}-id", c.here.display()));
    assert_eq!(c.supervisord.user.as_deref(), Some("bob"));
    assert_eq!(c.supervisord.uid, Some(1001));
    let e = errs(
        "[supervisord]\nloglevel=warning\nminfds=x\nchildlogdir=/no/such/dir\nlogfile=/no/such/x.log\nnodaemon=maybe\nuser=nobody\n",
    );
    assert_err(&e, 7, "Invalid user name nobody");
    assert_err(&e, 2, "bad logging level name 'warning'");
    assert_err(&e, 3, "invalid literal for int() with base 10: 'x'");
    assert_err(&e, 4, "/no/such/dir is not an existing directory");
    assert_err(
        &e,
        5,
        "The directory named as part of the path /no/such/x.log does not exist",
    );
    assert_err(&e, 6, "not a valid boolean value: 'maybe'");
    assert_eq!(e[0].section.as_deref(), Some("supervisord"));
}

#[test]
fn missing_supervisord_section_is_an_error() {
    let e = errs("[program:x]\ncommand=ls\n");
    assert!(
        e.iter()
            .any(|e| e.problem == ".ini file does not include supervisord section")
    );
}

#[test]
fn missing_explicit_file_is_reported() {
    let dir = tmp();
    let e = load_supervisor_config(Path::new("nope.conf"), &ctx(dir.path()))
        .err()
        .unwrap_or_default();
    assert_eq!(
        e.first().map(|e| e.problem.as_str()),
        Some("could not find config file nope.conf")
    );
}

#[test]
fn program_defaults() {
    let c = ok("[supervisord]\n[program:x]\ncommand=/bin/cat\n");
    let p = proc(&c, "x", "x");
    assert_eq!(
        (p.priority, p.autostart, p.autorestart),
        (999, true, AutoRestart::Unexpected)
    );
    assert_eq!(
        (p.startsecs, p.startretries, p.stopsignal, p.stopwaitsecs),
        (1, 3, 15, 10)
    );
    assert_eq!(
        (p.stopasgroup, p.killasgroup, p.redirect_stderr),
        (false, false, false)
    );
    assert_eq!(p.exitcodes, vec![0]);
    assert_eq!(
        (
            p.uid,
            p.umask,
            p.directory.as_deref(),
            p.serverurl.as_deref()
        ),
        (None, None, None, None)
    );
    assert_eq!(p.stdout.logfile, LogFile::Auto);
    assert_eq!(
        (p.stdout.logfile_maxbytes, p.stdout.logfile_backups),
        (50 * 1024 * 1024, 10)
    );
    assert_eq!(
        (
            p.stdout.capture_maxbytes,
            p.stdout.events_enabled,
            p.stdout.syslog
        ),
        (0, false, false)
    );
    assert_eq!(p.stderr, p.stdout);
    assert_eq!((p.process_num, p.numprocs, p.procnumber), (0, 1, 0));
    assert_eq!(p.kind, ProcessKind::Program);
    assert_eq!(p.namespec(), "x");
    assert_eq!(c.groups[0].kind, GroupKind::Homogeneous);
    assert_eq!(c.groups[0].priority, 999);
    assert_eq!((p.section.as_str(), p.line), ("program:x", 2));
}

#[test]
fn program_values() {
    let c = ok(
        "[supervisord]\n[program:x]\ncommand=/bin/cat\nPriority=7\nautostart=false\nautorestart=TRUE\n\
                startsecs=-1\nstopsignal=sigusr1\nexitcodes=1, 2\nstopasgroup=true\nuser=alice\numask=002\n\
                stdout_logfile=NONE\nstderr_capture_maxbytes=1MB\nserverurl=AUTO\ndirectory=/no/check\n",
    );
    let p = proc(&c, "x", "x");
    assert_eq!(
        (p.priority, p.autostart, p.autorestart),
        (7, false, AutoRestart::Unconditional)
    );
    assert_eq!((p.startsecs, p.stopsignal), (-1, 10));
    assert_eq!(p.exitcodes, vec![1, 2]);
    assert_eq!((p.stopasgroup, p.killasgroup), (true, true));
    assert_eq!((p.uid, p.umask), (Some(1000), Some(0o2)));
    assert_eq!(p.stdout.logfile, LogFile::None);
    assert_eq!(p.stderr.capture_maxbytes, 1 << 20);
    assert_eq!(p.serverurl, None);
    assert_eq!(p.directory.as_deref(), Some("/no/check"));
    assert_eq!(c.groups[0].priority, 7);
}

#[test]
fn checklist_1_numprocs_needs_process_num() {
    let e = errs("[supervisord]\n[program:x]\ncommand=ls\nnumprocs=2\n");
    assert_err(
        &e,
        2,
        "%(process_num) must be present within process_name when numprocs > 1 in section 'program:x' (file: 's.conf')",
    );
}

#[test]
fn checklist_3_4_5_program_value_errors_carry_the_section_suffix() {
    let e = errs(
        "[supervisord]\n[program:x]\ncommand=ls\nautorestart=maybe\nexitcodes=0,256\nstopsignal=FOO\nuser=nobody\n",
    );
    assert_err(
        &e,
        4,
        "invalid 'autorestart' value 'maybe' in section 'program:x' (file: 's.conf')",
    );
    assert_err(&e, 5, "not a valid list of exit codes: '0,256'");
    assert_err(&e, 6, "value 'FOO' is not a valid signal name");
    assert_err(&e, 7, "Invalid user name nobody");
    let e = errs("[supervisord]\n[program:x]\ncommand=ls\nstopasgroup=true\nkillasgroup=false\n");
    assert_err(&e, 5, "Cannot set stopasgroup=true and killasgroup=false");
}

#[test]
fn missing_command_and_bad_names() {
    let e = errs("[supervisord]\n[program:x]\nautostart=true\n");
    assert_err(
        &e,
        2,
        "program section program:x does not specify a command",
    );
    let e = errs("[supervisord]\n[program:x y]\ncommand=ls\n");
    assert_err(&e, 2, "Invalid name: 'x y' because of character: ' '");
    let e = errs("[supervisord]\n[program:x]\ncommand=ls\nprocess_name=a/b\n");
    assert_err(&e, 4, "Invalid name: 'a/b' because of character: '/'");
}

#[test]
fn checklist_7_8_key_case_and_section_case() {
    let c = ok("[supervisord]\n[program:p]\ncommand=ls\nPriority=7\n[Program:p2]\ncommand=ls\n");
    assert_eq!(proc(&c, "p", "p").priority, 7);
    assert_eq!(c.groups.len(), 1);
}

#[test]
fn checklist_9_10_comments_and_continuations() {
    let c = ok(
        "[supervisord]\n[program:x]\ncommand=/bin/echo a;b # c ; d\n[program:y]\ncommand=/bin/echo\n  first\n  second\n",
    );
    assert_eq!(proc(&c, "x", "x").command, "/bin/echo a;b");
    assert_eq!(proc(&c, "y", "y").command, "/bin/echo\nfirst\nsecond");
}

#[test]
fn checklist_11_unknown_name() {
    let e = errs("[supervisord]\n[program:x]\ncommand=%(ENV_NOPE)s\n");
    assert_err(
        &e,
        3,
        "Format string '%(ENV_NOPE)s' for 'program:x.command' contains names ('ENV_NOPE') which cannot be expanded. Available names: ENV_HOME, ENV_USER, group_name, here, host_node_name, numprocs, process_num, program_name",
    );
}

#[test]
fn checklist_12_double_expansion_of_global_environment() {
    let e = errs("[supervisord]\nenvironment=URI=\"/first%%20name\"\n");
    assert_err(
        &e,
        2,
        "Format string 'URI=\"/first%20name\"' for 'environment' is badly formatted: unsupported format character 'n' (0x6e) at index 14",
    );
    let c = ok(
        "[supervisord]\nenvironment=A=\"%%%%x\",H=\"%%(host_node_name)s\"\n[program:x]\ncommand=ls\nenvironment=URI=\"/first%%20name\"\n",
    );
    assert_eq!(
        c.supervisord.environment,
        vec![("A".into(), "%x".into()), ("H".into(), "node1".into())]
    );
    let p = proc(&c, "x", "x");
    assert!(
        p.environment
            .contains(&("URI".into(), "/first%20name".into()))
    );
    let e = errs("[supervisord]\nenvironment=H=%(host_node_name)s\n");
    assert_err(&e, 2, "contains names ('host_node_name')");
}

#[test]
fn checklist_13_numprocs_start_and_sorting() {
    let c = ok(
        "[supervisord]\n[program:p3]\ncommand=echo %(process_num)03d\nnumprocs=3\nnumprocs_start=8\nprocess_name=%(program_name)s-%(process_num)s\n",
    );
    let g = &c.groups[0];
    let names: Vec<&str> = g.processes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["p3-10", "p3-8", "p3-9"]);
    assert_eq!(proc(&c, "p3", "p3-8").command, "echo 008");
    assert_eq!(proc(&c, "p3", "p3-10").procnumber, 0);
    assert_eq!(proc(&c, "p3", "p3-9").process_num, 9);
    assert_eq!(proc(&c, "p3", "p3-9").namespec(), "p3:p3-9");
    let c = ok("[supervisord]\n[program:z]\ncommand=ls\nnumprocs=0\n");
    assert!(c.groups[0].processes.is_empty());
}

#[test]
fn checklist_15_global_environment_feeds_env_names_and_children() {
    let c = ok(
        "[supervisord]\nenvironment=KEY=v1,SHARED=g\n[program:x]\ncommand=echo %(ENV_KEY)s\nenvironment=SHARED=p,OWN=%(ENV_KEY)s-%(process_num)d\n",
    );
    let p = proc(&c, "x", "x");
    assert_eq!(p.command, "echo v1");
    assert_eq!(
        p.environment,
        vec![
            ("KEY".into(), "v1".into()),
            ("SHARED".into(), "p".into()),
            ("OWN".into(), "v1-0".into())
        ]
    );
}

#[test]
fn a_bad_supervisord_option_does_not_hide_its_environment_names() {
    let e = errs("[supervisord]\nminfds=x\nenvironment=A=1\n[program:x]\ncommand=echo %(ENV_A)s\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_err(&e, 2, "invalid literal for int() with base 10: 'x'");
    let e = errs("[supervisord]\nenvironment=A=1 B=2\nminfds=x\n");
    assert!(e[0].problem.contains("invalid literal"), "{e:?}");
    assert!(
        e[1].problem.contains("Unexpected end of key/value pairs"),
        "{e:?}"
    );
}

#[test]
fn program_environment_names_reach_later_options() {
    let c = ok(
        "[supervisord]\n[program:x]\nenvironment=D=/tmp\ncommand=ls %(ENV_D)s\ndirectory=%(ENV_D)s\n",
    );
    let p = proc(&c, "x", "x");
    assert_eq!(
        (p.command.as_str(), p.directory.as_deref()),
        ("ls /tmp", Some("/tmp"))
    );
}

#[test]
fn here_is_limited_without_include() {
    let c = ok("[supervisord]\n[program:x]\ncommand=%(here)s/run\n");
    assert_eq!(
        proc(&c, "x", "x").command,
        format!("{}/run", c.here.display())
    );
    let e = errs("[supervisord]\n[inet_http_server]\nport=%(here)s\n");
    assert_err(&e, 3, "contains names ('here')");
}

#[test]
fn log_file_warnings_and_redirect() {
    let dir = tmp();
    let text = "[supervisord]\n[program:x]\ncommand=ls\nstdout_logfile=syslog\nstdout_logfile_maxbytes=0\n\
                stderr_logfile_maxbytes=0\nredirect_stderr=true\nstderr_logfile=%(here)s/err.log\n";
    let c = load_in(dir.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
    let p = proc(&c, "x", "x");
    assert_eq!((&p.stdout.logfile, p.stdout.syslog), (&LogFile::None, true));
    assert_eq!(p.stderr.logfile, LogFile::None);
    let w: Vec<&str> = c.warnings.iter().map(|w| w.problem.as_str()).collect();
    assert_eq!(
        w,
        [
            "For [program:x], stdout_logfile=syslog but this is deprecated and will be removed.  Use stdout_syslog=true to enable syslog instead.",
            "For [program:x], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored",
        ]
    );
    assert!(
        c.warnings
            .iter()
            .all(|w| w.severity == crate::error::Severity::Warning)
    );
    let c = ok("[supervisord]\n[program:x]\ncommand=ls\nstderr_logfile_maxbytes=0\n");
    let w: Vec<&str> = c.warnings.iter().map(|w| w.problem.as_str()).collect();
    assert_eq!(
        w,
        [
            "For [program:x], AUTO logging used for stderr_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally"
        ]
    );
    assert_eq!(c.warnings[0].line, Some(4));
}

#[test]
fn logfiles_are_expanded_twice() {
    let dir = tmp();
    let c = load_in(
        dir.path(),
        "[supervisord]\n[program:x]\ncommand=ls\nstdout_logfile=%(here)s/a%%%%b.log\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        proc(&c, "x", "x").stdout.logfile,
        LogFile::Path(dir.path().join("a%b.log"))
    );
}

#[test]
fn default_section_reaches_every_section() {
    let c = ok("[DEFAULT]\nautostart=false\n[supervisord]\n[program:x]\ncommand=ls\n");
    assert!(!proc(&c, "x", "x").autostart);
}
