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
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (cargo build --workspace --bins, as cargo xtask test does)",
        path.display()
    );
    path
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

/// Root of the workspace.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(PathBuf::from)
        .expect("the tests crate sits inside the workspace")
}

/// Python interpreter of the project's venv, made by `scripts/setup-python.sh`.
///
/// Panics (never skips) when the venv is missing: the differential tests need the reference.
pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("SUPVISORS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv"));
    let python = venv.join("bin").join("python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh (cargo xtask test does it)",
        python.display()
    );
    python
}
