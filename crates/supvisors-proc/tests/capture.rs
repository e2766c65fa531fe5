//! The output pipeline with real children: rotation granularity, capture tokens, strip_ansi,
//! reports, and a large burst.

mod common;

use common::{RunOpts, run, sh, text};
use supvisors_proc::capture::{CaptureConfig, CaptureReport, Channel};

#[tokio::test]
async fn burst_of_1070_bytes_rotates_as_one_write() {
    // Checklist item 76: maxbytes=100, backups=2 → `.1` holds the whole burst, live file empty.
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = RunOpts {
        maxbytes: 100,
        backups: 2,
        ..RunOpts::default()
    };
    let out = run(&sh("head -c 1070 /dev/zero"), dir.path(), opts).await;
    assert!(out.stdout.is_empty());
    let backup = std::fs::metadata(dir.path().join("out.log.1"))
        .expect("backup")
        .len();
    assert_eq!(backup, 1070);
    assert!(!dir.path().join("out.log.2").exists());
}

#[tokio::test]
async fn capture_tokens_emit_communication_and_keep_the_quirk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = CaptureConfig {
        capture_maxbytes: 1000,
        report_output: true,
        ..CaptureConfig::default()
    };
    let opts = RunOpts {
        capture,
        ..RunOpts::default()
    };
    let cmd = "printf 'before<!--XSUPERVISOR:BEGIN-->captured data<!--XSUPERVISOR:END-->after\\n'";
    let out = run(&sh(cmd), dir.path(), opts).await;
    assert_eq!(text(&out.stdout), "before");
    let pid = out.pid;
    let comm: Vec<&CaptureReport> = out
        .reports
        .iter()
        .filter(|r| matches!(r, CaptureReport::Communication { .. }))
        .collect();
    assert_eq!(
        comm,
        vec![&CaptureReport::Communication {
            pid,
            channel: Channel::Stdout,
            bytes: b"captured data".to_vec()
        }]
    );
    // Each logged piece is reported, captured ones included (PROCESS_LOG_* while capturing).
    let outputs: Vec<Vec<u8>> = out
        .reports
        .iter()
        .filter_map(|r| match r {
            CaptureReport::Output { bytes, .. } => Some(bytes.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(outputs, vec![b"before".to_vec(), b"captured data".to_vec()]);
}

#[tokio::test]
async fn strip_ansi_cleans_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = CaptureConfig {
        strip_ansi: true,
        ..CaptureConfig::default()
    };
    let opts = RunOpts {
        capture,
        ..RunOpts::default()
    };
    let out = run(
        &sh("printf '\\033[1;31mred\\033[0m plain\\n' >&2"),
        dir.path(),
        opts,
    )
    .await;
    assert_eq!(text(&out.stderr), "red plain\n");
}

#[tokio::test]
async fn listener_stdout_is_forwarded_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = CaptureConfig {
        protocol: true,
        strip_ansi: true,
        ..CaptureConfig::default()
    };
    let opts = RunOpts {
        capture,
        ..RunOpts::default()
    };
    let out = run(&sh("printf 'READY\\n\\033[0m'"), dir.path(), opts).await;
    let raw: Vec<u8> = out
        .reports
        .iter()
        .filter_map(|r| match r {
            CaptureReport::Protocol { bytes, .. } => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(raw, b"READY\n\x1b[0m");
    assert_eq!(text(&out.stdout), "READY\n");
}

#[tokio::test]
async fn large_output_is_written_whole_and_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = CaptureConfig {
        tail_bytes: 64 * 1024,
        ..CaptureConfig::default()
    };
    let opts = RunOpts {
        capture,
        ..RunOpts::default()
    };
    let out = run(&sh("seq 1 300000"), dir.path(), opts).await;
    let expected: String = (1..=300_000).map(|i| format!("{i}\n")).collect();
    assert_eq!(out.stdout.len(), expected.len());
    assert!(out.stdout == expected.as_bytes());
}

#[tokio::test]
async fn finish_does_not_wait_for_a_grandchild_holding_the_pipe() {
    use nix::sys::wait::waitpid;
    use nix::unistd::Pid;
    use supvisors_proc::rotating::RotatingFile;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.log");
    let mut spec = sh("sleep 600 & echo done");
    spec.redirect_stderr = true;
    let child = supvisors_proc::spawn::spawn(&spec).expect("spawn");
    // Left unreaped on purpose: its drop kills the group, i.e. the background `sleep`.
    let _group = common::ChildGuard {
        pid: child.pid,
        reaped: false,
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let cfg = CaptureConfig {
        pid: child.pid,
        channel: Some(Channel::Stdout),
        ..CaptureConfig::default()
    };
    let file = RotatingFile::open(&path, 0, 0).expect("open");
    let h = supvisors_proc::capture::start_capture(
        child.stdout.expect("a stdout pipe"),
        Some(file),
        cfg,
        tx,
    )
    .expect("capture");
    let pid = child.pid;
    tokio::task::spawn_blocking(move || waitpid(Pid::from_raw(pid), None))
        .await
        .expect("join")
        .expect("wait");
    // The background `sleep` (same process group) still holds stdout: no EOF yet.
    h.finish().await;
    assert!(h.is_drained());
    assert_eq!(text(&std::fs::read(&path).expect("read")), "done\n");
}

#[tokio::test]
async fn handle_answers_requests_and_wakes_waiters_after_abort() {
    use supvisors_proc::capture::start_capture;
    use supvisors_proc::rotating::RotatingFile;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.log");
    let file = RotatingFile::open(&path, 0, 0).expect("log");
    let (read, write) = nix::unistd::pipe().expect("pipe");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let h = start_capture(read, Some(file), CaptureConfig::default(), tx).expect("start");
    // A live task answers: clear deletes and recreates the file.
    std::fs::write(&path, b"old").expect("write");
    h.clear().await.expect("clear");
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), 0);
    h.abort();
    // An aborted task: waiters return, requests get Ok, and it never counts as drained.
    h.drained().await;
    h.reopen().await.expect("reopen after abort");
    assert!(!h.is_drained());
    drop(write);
}

#[tokio::test]
async fn eof_marks_the_channel_drained() {
    use supvisors_proc::capture::start_capture;
    let (read, write) = nix::unistd::pipe().expect("pipe");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let h = start_capture(read, None, CaptureConfig::default(), tx).expect("start");
    drop(write);
    h.drained().await;
    assert!(h.is_drained());
}
