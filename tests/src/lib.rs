//! Helpers for the end-to-end tests: locating the built binaries, running them with a
//! per-test directory, and reporting command, status and output when something fails.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Path of a binary of the workspace, built by the same `cargo test` invocation's profile.
pub fn binary(name: &str) -> PathBuf {
    // Integration tests live in `target/<profile>/deps`; binaries in `target/<profile>`.
    let mut dir = std::env::current_exe().expect("the test binary knows its own path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join(name)
}

/// Runs a command and returns its output, panicking with everything useful if it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    match cmd.output() {
        Ok(out) => out,
        Err(err) => panic!("cannot run {cmd:?}: {err}"),
    }
}

/// Renders a command's outcome for an assertion message.
pub fn describe(cmd: &Command, out: &Output) -> String {
    format!(
        "command: {cmd:?}\nstatus: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
