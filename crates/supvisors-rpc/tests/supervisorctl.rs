//! The stock `supervisorctl` 4.3.0 against our server (with a stub `supervisor` namespace):
//! its XML-RPC transport, auth handling, UNIX URLs and its own HTTP client for `tail -f`.

mod common;

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;

use common::{Options, Running, start_with};
use supvisors_rpc::dispatch::{CallFuture, MethodInfo, Namespace};
use supvisors_rpc::server::Auth;
use supvisors_rpc::supervisor_api::SUPERVISOR_METHODS;
use supvisors_rpc::{Fault, FaultCode, Value};

const SUPERVISORCTL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/supervisorctl");

struct VersionOnly;

impl Namespace for VersionOnly {
    fn name(&self) -> &str {
        "supervisor"
    }
    fn methods(&self) -> &[MethodInfo] {
        SUPERVISOR_METHODS
    }
    fn call(&self, method: &str, _params: Vec<Value>) -> CallFuture {
        let answer = match method {
            "getVersion" | "getAPIVersion" => Ok(Value::string("3.0")),
            "getSupervisorVersion" => Ok(Value::string("4.3.0")),
            _ => Err(Fault::bare(FaultCode::Failed)),
        };
        Box::pin(async move { answer })
    }
}

fn running(auth: Option<Auth>) -> Running {
    start_with(
        Options {
            auth,
            unix: true,
            max_connections: None,
        },
        vec![Arc::new(VersionOnly)],
    )
}

fn ctl(running: &Running, server: &str, extra: &[&str]) -> Command {
    let conf = running.dir.path().join("ctl.conf");
    std::fs::write(&conf, "[supervisorctl]\n").expect("write conf");
    let mut cmd = Command::new(SUPERVISORCTL);
    cmd.arg("-c").arg(&conf).arg("-s").arg(server).args(extra);
    cmd
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Kills the child we started (by its own handle) if the test ends early.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn supervisorctl_version_over_tcp_and_unix() {
    let running = running(None);
    let sock = format!("unix://{}", running.unix.as_ref().expect("unix").display());
    for server in [running.url(), sock] {
        let out = ctl(&running, &server, &["version"])
            .output()
            .expect("supervisorctl runs");
        assert_eq!(
            (text(&out), out.status.code()),
            ("4.3.0\n".to_owned(), Some(0)),
            "{server}"
        );
    }
}

/// §5.2: wrong credentials make supervisorctl report the 401.
#[test]
fn item_63_supervisorctl_with_credentials() {
    let auth = Auth {
        username: "user".into(),
        password: "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d".into(),
    };
    let running = running(Some(auth));
    let ok = ctl(
        &running,
        &running.url(),
        &["-u", "user", "-p", "thepassword", "version"],
    )
    .output()
    .expect("runs");
    assert_eq!(
        (text(&ok), ok.status.code()),
        ("4.3.0\n".to_owned(), Some(0))
    );
    let bad = ctl(
        &running,
        &running.url(),
        &["-u", "user", "-p", "nope", "version"],
    )
    .output()
    .expect("runs");
    assert!(
        text(&bad).starts_with("Server requires authentication\n"),
        "{}",
        text(&bad)
    );
    assert_eq!(bad.status.code(), Some(1));
}

/// §8 item 64: `supervisorctl tail -f` reads our chunked stream with its own HTTP client.
#[test]
fn item_64_supervisorctl_tail_follow() {
    let running = running(None);
    let child = ctl(&running, &running.url(), &["tail", "-f", "grp:proc"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("supervisorctl starts");
    let mut guard = ChildGuard(child);
    let mut stdout = guard.0.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("second\n") {
        match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(seen.ends_with("first\nsecond\n"), "{seen}");
    drop(guard);
}
