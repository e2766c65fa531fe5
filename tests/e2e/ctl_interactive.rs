//! `supvisorsctl` at a real terminal (a pseudo-terminal driven by a Python script): completion
//! of command and process names, history recall, and the login prompt after a 401.

use std::process::Command;

use supvisors_tests::supervisord::RealSupervisord;
use supvisors_tests::{binary, describe, run, venv_python, workspace_root};

const PROGRAMS: &str = "[program:sleeper]\ncommand=sleep 1000\n";

/// Runs `supvisorsctl ARGS` in a terminal through `steps`; returns what the terminal showed.
fn session(steps: &[(&str, &str)], args: &[&str]) -> String {
    let steps: Vec<[&str; 2]> = steps.iter().map(|(k, t)| [*k, *t]).collect();
    let mut cmd = Command::new(venv_python());
    cmd.arg(workspace_root().join("tests/fixtures/ctl/pty_session.py"))
        .arg(serde_json::to_string(&steps).expect("steps as JSON"))
        .arg(binary("supvisorsctl"))
        .args(args)
        .env("TERM", "xterm")
        .env("HOME", std::env::temp_dir());
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn completion_and_history_at_a_terminal() {
    let daemon = RealSupervisord::start_on(&binary("supvisorsd"), PROGRAMS, false);
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("history");
    let history_arg = format!("--history-file={}", history.display());
    let shown = session(
        &[
            ("expect", "supervisor> "),
            // Command name completion: `vers` + TAB runs `version`.
            ("send", "vers\t\r"),
            ("expect", r"4\.3\.0"),
            ("expect", "supervisor> "),
            // Process name completion from the server: `sle` + TAB gives `sleeper`.
            ("send", "status sle\t\r"),
            ("expect", r"sleeper\s+RUNNING"),
            ("expect", "supervisor> "),
            // History: up twice recalls `version`.
            ("send", "\x1b[A\x1b[A\r"),
            ("expect", r"4\.3\.0"),
            ("expect", "supervisor> "),
            ("send", "quit\r"),
        ],
        &["-c", &daemon.conf.display().to_string(), &history_arg],
    );
    assert!(shown.contains("version"), "{shown}");
    let saved = std::fs::read_to_string(&history).unwrap_or_default();
    assert!(saved.contains("status sleeper"), "history file: {saved:?}");
}

#[test]
fn login_prompt_after_a_401() {
    let daemon = RealSupervisord::start_on(&binary("supvisorsd"), PROGRAMS, true);
    let url = daemon.url.clone();
    let shown = session(
        &[
            // As supervisorctl, the shell asks the server first and meets the 401 at once.
            ("expect", "Server requires authentication"),
            ("expect", "Username:"),
            ("send", "u\r"),
            ("expect", "Password:"),
            ("send", "p\r"),
            ("expect", r"sleeper\s+RUNNING"),
            ("expect", "supervisor> "),
            ("send", "quit\r"),
        ],
        &["-s", &url],
    );
    assert!(
        !shown.contains("Password:p"),
        "the password is not echoed: {shown}"
    );
}
