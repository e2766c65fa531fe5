//! `supvisorsctl` additions to the reference client: `--json` on read commands and the
//! generated shell completion scripts.

use std::process::Command;

use supvisors_tests::supervisord::RealSupervisord;
use supvisors_tests::{binary, describe, run};

const PROGRAMS: &str = "\
[program:sleeper]\ncommand=sleep 1000\nstopsignal=KILL\n\
[program:idle]\ncommand=sleep 1000\nautostart=false\n";

fn json_of(daemon: &RealSupervisord, args: &[&str]) -> (serde_json::Value, Option<i32>) {
    let out = daemon.ours(&[&["--json"], args].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\n{}",
            describe(&Command::new("x"), &out)
        )
    });
    (value, out.status.code())
}

#[test]
fn json_read_commands() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let (status, code) = json_of(&daemon, &["status"]);
    let names: Vec<&str> = status
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["idle", "sleeper"]);
    assert_eq!(status[1]["statename"], "RUNNING");
    // Same exit status as the text form: a stopped process listed.
    assert_eq!(code, Some(3));
    let (pids, _) = json_of(&daemon, &["pid", "all"]);
    assert_eq!(pids[0], 0, "idle is not running");
    assert!(pids[1].as_i64().is_some_and(|p| p > 0), "{pids}");
    let (version, _) = json_of(&daemon, &["version"]);
    assert_eq!(version, "4.3.0");
    let (avail, _) = json_of(&daemon, &["avail"]);
    assert_eq!(avail.as_array().map(Vec::len), Some(2));
    // Unknown names go to stderr, keeping stdout parseable.
    let out = daemon.ours(&["--json", "status", "nosuch", "sleeper"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "nosuch: ERROR (no such process)\n"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok());
}

#[test]
fn completion_scripts_for_three_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let mut cmd = Command::new(binary("supvisorsctl"));
        cmd.args(["--completions", shell]);
        let out = run(&mut cmd);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", describe(&cmd, &out));
        for word in ["supvisorsctl", "maintail", "serverurl"] {
            assert!(text.contains(word), "{shell} script lacks {word}");
        }
    }
}
