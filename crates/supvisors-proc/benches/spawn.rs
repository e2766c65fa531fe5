//! Spawn rate of `/bin/true` and capture throughput of a child writing zeros as fast as it can.
//!
//! `capture/pipeline` runs the real capture task (tokio + spawn_blocking batches) into a log
//! file; `capture/thread_baseline` is the simplest alternative, one blocking thread doing
//! read/write, to compare the design choice written in `capture/mod.rs`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::io::{Read, Write};
use std::os::fd::OwnedFd;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;
use supvisors_proc::capture::{CaptureConfig, Channel, start_capture};
use supvisors_proc::rotating::RotatingFile;
use supvisors_proc::spawn::{SpawnSpec, spawn};

const BYTES: u64 = 256 * 1024 * 1024;

fn spec(file: &str, argv: &[&str]) -> SpawnSpec {
    SpawnSpec {
        name: "bench".to_owned(),
        file: file.into(),
        argv: argv.iter().map(|s| (*s).to_owned()).collect(),
        env: vec![("PATH".to_owned(), "/bin:/usr/bin".to_owned())],
        redirect_stderr: true,
        ..SpawnSpec::default()
    }
}

fn bench_spawn(c: &mut Criterion) {
    let s = spec("/bin/true", &["true"]);
    c.bench_function("spawn/bin_true", |b| {
        b.iter(|| {
            let child = spawn(&s).expect("spawn");
            let _ = waitpid(Pid::from_raw(child.pid), None);
        });
    });
}

/// The daemon's situation with a thousand children: three thousand open pipe ends. Only the
/// `spawn` call is timed (the daemon's critical path), not the child's run.
fn bench_spawn_busy_table(c: &mut Criterion) {
    let s = spec("/bin/true", &["true"]);
    let pipes: Vec<(OwnedFd, OwnedFd)> = (0..1500)
        .map(|_| nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).expect("pipe"))
        .collect();
    c.bench_function("spawn/with_3000_fds", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let t = std::time::Instant::now();
                let child = spawn(&s).expect("spawn");
                total += t.elapsed();
                let _ = waitpid(Pid::from_raw(child.pid), None);
            }
            total
        });
    });
    drop(pipes);
}

fn bench_capture(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let count = format!("{BYTES}");
    let zeros = spec("/usr/bin/head", &["head", "-c", &count, "/dev/zero"]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("rt");
    let mut group = c.benchmark_group("capture");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(BYTES));
    let path = dir.path().join("pipeline.log");
    group.bench_function("pipeline", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&path);
            rt.block_on(async {
                let child = spawn(&zeros).expect("spawn");
                let file = RotatingFile::open(&path, 0, 0).expect("open");
                let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
                let cfg = CaptureConfig {
                    pid: child.pid,
                    channel: Some(Channel::Stdout),
                    tail_bytes: 65536,
                    ..Default::default()
                };
                let h = start_capture(child.stdout.expect("a stdout pipe"), Some(file), cfg, tx)
                    .expect("capture");
                h.drained().await;
                let _ = waitpid(Pid::from_raw(child.pid), None);
            });
        });
    });
    let path = dir.path().join("thread.log");
    group.bench_function("thread_baseline", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&path);
            let child = spawn(&zeros).expect("spawn");
            let fd: OwnedFd = child.stdout.expect("a stdout pipe");
            let flags = nix::fcntl::OFlag::from_bits_truncate(
                nix::fcntl::fcntl(
                    std::os::fd::AsRawFd::as_raw_fd(&fd),
                    nix::fcntl::FcntlArg::F_GETFL,
                )
                .expect("getfl"),
            );
            let _ = nix::fcntl::fcntl(
                std::os::fd::AsRawFd::as_raw_fd(&fd),
                nix::fcntl::FcntlArg::F_SETFL(flags - nix::fcntl::OFlag::O_NONBLOCK),
            );
            let path = path.clone();
            std::thread::spawn(move || {
                let mut pipe = std::fs::File::from(fd);
                let mut out = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(&path)
                    .expect("open");
                let mut buf = vec![0u8; 128 * 1024];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    out.write_all(&buf[..n]).expect("write");
                }
            })
            .join()
            .expect("join");
            let _ = waitpid(Pid::from_raw(child.pid), None);
        });
    });
    group.finish();
}

criterion_group!(benches, bench_spawn, bench_spawn_busy_table, bench_capture);
criterion_main!(benches);
