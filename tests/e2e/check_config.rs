//! `supvisorsd --check-config` as a user meets it: summaries, every error in one run with its
//! place, exit codes.

use std::path::Path;
use std::process::{Command, Output};

use supvisors_tests::{binary, describe, run};

fn check(dir: &Path, args: &[&str]) -> (Output, String) {
    let mut cmd = Command::new(binary("supvisorsd"));
    cmd.current_dir(dir).arg("--check-config").args(args);
    let out = run(&mut cmd);
    let text = describe(&cmd, &out);
    (out, text)
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

const SUPVISORS_SECTION: &str = "[inet_http_server]\nport=127.0.0.1:61500\n\n\
    [rpcinterface:supvisors]\n\
    supervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
    supvisors_list = <alpha>127.0.0.1:61500:,<beta>127.0.0.1:61600:\n";

#[test]
fn every_error_is_reported_once_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        "[supervisord]\nlogfile=%(here)s/s.log\n\n\
         [program:a]\ncommand=/bin/true\nautorestart=maybe\n\n\
         [program:b]\ncommand=/bin/true\nnumprocs=2\n\n\
         [program:c]\ncommand=/bin/true\nstopsignal=FOO\n",
    );
    let (out, text) = check(dir.path(), &["-c", "supervisord.conf"]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "supervisord.conf:6: [program:a] invalid 'autorestart' value 'maybe'",
        "supervisord.conf:8: [program:b] %(process_num) must be present within process_name when numprocs > 1",
        "supervisord.conf:14: [program:c] value 'FOO' is not a valid signal name",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?}\n{text}");
    }
    assert!(
        stderr.contains("configuration rejected: 3 errors"),
        "{text}"
    );
    assert!(out.stdout.is_empty(), "no summary on errors\n{text}");
}

#[test]
fn plain_supervisord_configuration_is_summarized() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        "[supervisord]\nlogfile=%(here)s/s.log\n\n\
         [program:web]\ncommand=/bin/sleep 10\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)d\n",
    );
    let (out, text) = check(dir.path(), &["-c", "supervisord.conf"]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Supvisors: not configured (plain supervisord)"),
        "{text}"
    );
    assert!(stdout.contains("web:web_0"), "{text}");
    assert!(stdout.contains("web:web_1"), "{text}");
}

#[test]
fn lenient_option_is_a_warning_and_the_default_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        &format!(
            "[supervisord]\nlogfile=%(here)s/s.log\nidentifier=alpha\n\n{SUPVISORS_SECTION}\
             synchro_timeout=5\n\n[program:x]\ncommand=/bin/true\n"
        ),
    );
    let (out, text) = check(dir.path(), &["-c", "supervisord.conf", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("supervisord.conf:11: warning: [rpcinterface:supvisors]")
            && stderr.contains("synchro_timeout"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["options"]["synchro_timeout"], 15, "{text}");
    assert_eq!(json["local_identifier"], "alpha", "{text}");
}

#[test]
fn invalid_rules_file_is_an_error_for_check_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        &format!(
            "[supervisord]\nlogfile=%(here)s/s.log\nidentifier=beta\n\n{SUPVISORS_SECTION}\
             rules_files=rules.xml\n\n[program:x]\ncommand=/bin/true\n"
        ),
    );
    write(
        dir.path(),
        "rules.xml",
        "<root>\n  <application name=\"x\">\n    <start_sequence>300</start_sequence>\n  </application>\n</root>\n",
    );
    let (out, text) = check(dir.path(), &["-c", "supervisord.conf"]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("would run without any rules"), "{text}");
    assert!(stderr.contains("rules.xml:3:"), "{text}");
}

#[test]
fn missing_configuration_file_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, text) = check(dir.path(), &["-c", "nowhere.conf"]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not find config file nowhere.conf"),
        "{text}"
    );
}

#[test]
fn identifier_flag_selects_the_local_instance() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        &format!(
            "[supervisord]\nlogfile=%(here)s/s.log\n\n{SUPVISORS_SECTION}\n[program:x]\ncommand=/bin/true\n"
        ),
    );
    let (out, text) = check(
        dir.path(),
        &["-c", "supervisord.conf", "-i", "beta", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["local_identifier"], "beta", "{text}");
    assert_eq!(json["instances"][1]["internal_port"], 61601, "{text}");
}

#[test]
fn supervisor_and_supvisors_problems_come_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "supervisord.conf",
        "[supervisord]\nlogfile=%(here)s/s.log\nidentifier=alpha\n\n\
         [inet_http_server]\nport=127.0.0.1:61500\n\n\
         [rpcinterface:supvisors]\n\
         supervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
         supvisors_list = <alpha>127.0.0.1:61500:,bad item\n\
         stats_periods = 5,7\n\n\
         [program:web]\ncommand = /bin/sleep 10\nstartsecs = ten\n",
    );
    let (out, text) = check(dir.path(), &["-c", "supervisord.conf"]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "supervisord.conf:15: [program:web] invalid literal for int() with base 10: 'ten'",
        "supervisord.conf:10: [rpcinterface:supvisors] could not define a Supvisors identification from \"bad item\"",
        "supervisord.conf:11: warning: [rpcinterface:supvisors]",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?}\n{text}");
    }
    assert!(
        stderr.contains("configuration rejected: 2 errors"),
        "{text}"
    );
}
