//! Helpers shared by the integration tests: spawn a real `/bin/sh -c` child, capture its
//! output into files, wait for it by pid (never `waitpid(-1)`, so tests running in parallel do
//! not steal each other's children), and kill its group on drop if a test fails early.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;
use supvisors_proc::capture::{CaptureConfig, CaptureReport, Channel, start_capture};
use supvisors_proc::rotating::RotatingFile;
use supvisors_proc::spawn::{SpawnSpec, Spawned, spawn};
use supvisors_proc::stdin::StdinWriter;
use tokio::sync::mpsc;

/// Kills the child's process group if the test did not reap it.
pub struct ChildGuard {
    pub pid: i32,
    pub reaped: bool,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = killpg(Pid::from_raw(self.pid), Signal::SIGKILL);
            let _ = waitpid(Pid::from_raw(self.pid), None);
        }
    }
}

pub fn sh(cmd: &str) -> SpawnSpec {
    SpawnSpec {
        name: "t".to_owned(),
        file: PathBuf::from("/bin/sh"),
        argv: vec!["/bin/sh".to_owned(), "-c".to_owned(), cmd.to_owned()],
        env: vec![("PATH".to_owned(), "/bin:/usr/bin".to_owned())],
        ..SpawnSpec::default()
    }
}

pub struct Outcome {
    pub status: WaitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub pid: i32,
    pub reports: Vec<CaptureReport>,
}

/// Options of a run beyond the spawn spec.
#[derive(Default, Clone)]
pub struct RunOpts {
    pub capture: CaptureConfig,
    pub maxbytes: u64,
    pub backups: u32,
    pub stdin: Option<Vec<u8>>,
}

pub async fn run(spec: &SpawnSpec, dir: &Path, opts: RunOpts) -> Outcome {
    let mut spec = spec.clone();
    spec.want_stdin = opts.stdin.is_some();
    let Spawned {
        pid,
        stdin,
        stdout,
        stderr,
    } = spawn(&spec).expect("spawn");
    let mut guard = ChildGuard { pid, reaped: false };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let out_path = dir.join("out.log");
    let err_path = dir.join("err.log");
    let out_file = RotatingFile::open(&out_path, opts.maxbytes, opts.backups).expect("open out");
    let cfg = CaptureConfig {
        pid,
        channel: Some(Channel::Stdout),
        ..opts.capture.clone()
    };
    let stdout = stdout.expect("a stdout pipe");
    let out = start_capture(stdout, Some(out_file), cfg, tx.clone()).expect("capture out");
    let err = stderr.map(|fd| {
        let file = RotatingFile::open(&err_path, 0, 0).expect("open err");
        let cfg = CaptureConfig {
            pid,
            channel: Some(Channel::Stderr),
            ..opts.capture.clone()
        };
        start_capture(fd, Some(file), cfg, tx.clone()).expect("capture err")
    });
    drop(tx);
    if let (Some(fd), Some(data)) = (stdin, opts.stdin) {
        let writer = StdinWriter::start(fd).expect("stdin");
        writer.send(data).expect("send");
        // Dropping the writer closes the pipe after the queue is written: the child sees EOF.
    }
    let status = tokio::task::spawn_blocking(move || waitpid(Pid::from_raw(pid), None))
        .await
        .expect("join")
        .expect("waitpid");
    guard.reaped = true;
    out.drained().await;
    if let Some(e) = &err {
        e.drained().await;
    }
    let mut reports = Vec::new();
    while let Some(r) = rx.recv().await {
        reports.push(r);
    }
    Outcome {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
        pid,
        reports,
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
