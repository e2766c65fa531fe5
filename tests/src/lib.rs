//! Helpers for the end-to-end tests: locating the built binaries, running them with a
//! per-test directory, and reporting command, status and output when something fails.

pub mod cluster;
pub mod events;
pub mod netns;
pub mod supervisord;
pub mod xmlrpc;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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

/// Runs a command with `input` on its standard input and returns its output, panicking with
/// everything useful if it cannot start.
pub fn run_with_input(cmd: &mut Command, input: &str) -> Output {
    use std::io::Write as _;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_owned();
    // Written from a thread: the command may fill its output pipe before reading everything.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|err| panic!("cannot wait for {cmd:?}: {err}"));
    if let Err(err) = writer.join().expect("the writer thread does not panic") {
        panic!("cannot write to {cmd:?}: {err}\n{}", describe(cmd, &out));
    }
    out
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

/// Seed of a generated differential test: `$var` when set (to replay a failure), else `default`.
pub fn seed(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{var}={text:?} is not an unsigned integer")),
        Err(_) => default,
    }
}

/// A small deterministic generator (SplitMix64) for the generated differential tests.
pub struct Rng(pub u64);

impl Rng {
    /// The generator of input `index` of a run seeded with `seed`.
    pub fn for_input(seed: u64, index: u64) -> Rng {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D).wrapping_add(index))
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// A number in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }
    /// One of `items`.
    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
    /// True with a probability of `percent` %.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// `count` distinct items, in a random order.
    pub fn sample<T: Clone>(&mut self, items: &[T], count: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        let mut out = Vec::new();
        while out.len() < count && !pool.is_empty() {
            out.push(pool.swap_remove(self.below(pool.len())));
        }
        out
    }
}

/// Where two JSON values differ: one line per differing leaf, `path: reference … ours …`.
pub fn json_diff(reference: &serde_json::Value, ours: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for key in keys {
                    let (u, v) = (x.get(key), y.get(key));
                    let (u, v) = (u.unwrap_or(&Value::Null), v.unwrap_or(&Value::Null));
                    walk(format!("{path}/{key}"), u, v, out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    walk(format!("{path}/{i}"), u, v, out);
                }
            }
            _ if a != b => out.push(format!("{path}: reference {a} ours {b}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(String::new(), reference, ours, &mut out);
    out
}

pub mod compat;
