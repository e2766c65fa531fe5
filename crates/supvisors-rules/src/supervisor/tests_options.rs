//! Per-option tests for the stream options and the remaining program keys.

use super::tests::{assert_err, errs, ok, proc};
use crate::values::LogFile;

#[test]
fn stream_options_are_read_per_stream() {
    let c = ok(
        "[supervisord]\n[program:x]\ncommand=ls\nstdout_logfile=OFF\nstdout_logfile_maxbytes=1KB\n\
                stdout_logfile_backups=0\nstdout_capture_maxbytes=2KB\nstdout_events_enabled=yes\nstdout_syslog=1\n\
                stderr_logfile=/tmp/%(program_name)s.err\nstderr_logfile_backups=3\nstderr_events_enabled=false\n",
    );
    let p = proc(&c, "x", "x");
    assert_eq!(p.stdout.logfile, LogFile::None);
    assert_eq!(
        (
            p.stdout.logfile_maxbytes,
            p.stdout.logfile_backups,
            p.stdout.capture_maxbytes
        ),
        (1024, 0, 2048)
    );
    assert_eq!((p.stdout.events_enabled, p.stdout.syslog), (true, true));
    assert_eq!(p.stderr.logfile, LogFile::Path("/tmp/x.err".into()));
    assert_eq!(
        (
            p.stderr.logfile_backups,
            p.stderr.events_enabled,
            p.stderr.syslog
        ),
        (3, false, false)
    );
}

#[test]
fn stream_option_errors() {
    // Per-instance options are only read once the per-section ones are valid, as in the
    // reference, which stops at its first error.
    let e = errs(
        "[supervisord]\n[program:x]\ncommand=ls\nstdout_logfile_backups=x\nstderr_logfile_maxbytes=1.0\nstdout_syslog=2\n",
    );
    assert_err(&e, 4, "invalid literal for int() with base 10: 'x'");
    assert_err(&e, 5, "invalid literal for int() with base 10: '1.0'");
    assert_err(&e, 6, "not a valid boolean value: '2'");
    let e = errs(
        "[supervisord]\n[program:x]\ncommand=ls\nstdout_logfile_backups=x\nstdout_capture_maxbytes=KB\n",
    );
    assert_err(&e, 5, "invalid literal for int() with base 10: ''");
    assert!(e.iter().all(|e| e.line != Some(4)), "{e:?}");
}

#[test]
fn custom_serverurl_umask_and_numprocs_start() {
    let c = ok(
        "[supervisord]\n[program:x]\ncommand=ls\nserverurl=http://h:1\nnumprocs_start=4\nprocess_name=%(program_name)s\n",
    );
    let p = proc(&c, "x", "x");
    assert_eq!(
        (p.serverurl.as_deref(), p.process_num),
        (Some("http://h:1"), 4)
    );
    let e = errs("[supervisord]\n[program:x]\ncommand=ls\numask=8\nnumprocs=x\n");
    assert_err(&e, 4, "8 can not be converted to an octal type");
    assert_err(&e, 5, "invalid literal for int() with base 10: 'x'");
    // A bad priority fails the implicit group first, without the section suffix.
    let e = errs("[supervisord]\n[program:x]\ncommand=ls\npriority=\n");
    assert_err(&e, 4, "invalid literal for int() with base 10: ''");
    assert!(!e[0].problem.contains("in section"), "{e:?}");
}

#[test]
fn huge_numprocs_is_refused_instead_of_allocated() {
    let e = errs(
        "[supervisord]\n[program:x]\ncommand=ls\nnumprocs=99999999999\nprocess_name=%(process_num)d\n",
    );
    assert_err(&e, 4, "numprocs 99999999999 is above the supported maximum");
}

#[test]
fn duplicate_expanded_names_are_all_listed() {
    // The reference keeps a list here too; duplicates collide only later, by name.
    let c =
        ok("[supervisord]\n[program:x]\ncommand=ls\nnumprocs=2\nprocess_name=p%(process_num)d\n");
    let names: Vec<&str> = c.groups[0]
        .processes
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["p0", "p1"]);
}
