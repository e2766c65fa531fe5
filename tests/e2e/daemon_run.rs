//! `supvisorsd` started for real: daemonizing, the pidfile, the foreground mode, signals,
//! limits and privileges. Every process started is stopped by pid on drop.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::{binary, describe, run};

/// Long enough for a loaded CI machine; only bounds a wait, never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

fn config_dir(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("s.conf"),
        format!("[supervisord]\nlogfile=%(here)s/s.log\npidfile=%(here)s/s.pid\n{extra}"),
    )
    .expect("write s.conf");
    dir
}

/// A daemon started by a test, killed (SIGKILL, by its pid) when the test ends.
struct PidGuard(i32);

impl Drop for PidGuard {
    fn drop(&mut self) {
        if is_running(self.0) {
            let _ = kill(Pid::from_raw(self.0), Signal::SIGKILL);
        }
    }
}

/// A foreground daemon: our child, killed and reaped on drop, its stdout lines on a channel.
struct Foreground {
    child: Child,
    lines: Receiver<String>,
}

impl Foreground {
    fn start(dir: &Path, args: &[&str]) -> Foreground {
        let mut cmd = Command::new(binary("supvisorsd"));
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Foreground { child, lines }
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pids fit in i32")
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.pid()), signal).expect("the daemon is alive");
    }

    /// Waits for a line ending with `text`; returns every line read meanwhile.
    fn expect_line(&self, text: &str, seen: &mut Vec<String>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.ends_with(text);
                    seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "no line ending with {text:?}; lines so far:\n{}",
                        seen.join("\n")
                    )
                }
            }
        }
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True while the process exists and is not a zombie (an orphan may wait for its reaper).
fn is_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}

/// Waits until `done` holds; panics with `what` otherwise.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Session id of a process (field 6 of `/proc/<pid>/stat`).
fn session_of(pid: i32) -> i32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat readable");
    let (_, rest) = stat.rsplit_once(") ").expect("stat format");
    rest.split(' ')
        .nth(3)
        .and_then(|s| s.parse().ok())
        .expect("session field")
}

fn read_pid(path: &PathBuf) -> Option<i32> {
    let text = std::fs::read_to_string(path).ok()?;
    text.strip_suffix('\n')?.parse().ok()
}

#[test]
fn daemonized_process_detaches_writes_its_pid_and_stops_on_sigterm() {
    let dir = config_dir("");
    let pidfile = dir.path().join("s.pid");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("mkdir work");
    let mut cmd = Command::new(binary("supvisorsd"));
    cmd.args(["-c", "s.conf", "-m", "027", "-d", "work"])
        .current_dir(dir.path());
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&cmd, &out));
    wait_for("the pidfile", || read_pid(&pidfile).is_some());
    let pid = read_pid(&pidfile).expect("pid written");
    let _guard = PidGuard(pid);
    assert!(is_running(pid), "the daemon {pid} runs");
    assert_eq!(session_of(pid), pid, "the daemon leads its own session");
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).expect("cwd link");
    assert_eq!(
        cwd,
        work.canonicalize().expect("work exists"),
        "chdir to -d"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    assert!(
        status.contains("\nUmask:\t0027\n"),
        "umask from -m\n{status}"
    );
    for fd in 0..3 {
        let target = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).expect("fd link");
        assert_eq!(target, PathBuf::from("/dev/null"), "fd {fd}");
    }
    kill(Pid::from_raw(pid), Signal::SIGTERM).expect("signal the daemon");
    wait_for("the daemon to exit", || !is_running(pid));
    assert!(!pidfile.exists(), "the pidfile is removed at exit");
}

#[test]
fn foreground_daemon_logs_and_handles_hup_usr2_and_term() {
    let dir = config_dir("");
    let pidfile = dir.path().join("s.pid");
    let mut daemon = Foreground::start(dir.path(), &["-n", "-c", "s.conf"]);
    let pid = daemon.pid();
    let mut seen = Vec::new();
    daemon.expect_line(
        &format!("INFO supervisord started with pid {pid}"),
        &mut seen,
    );
    assert_eq!(read_pid(&pidfile), Some(pid), "pidfile holds the pid");
    assert_eq!(
        session_of(pid),
        session_of(std::process::id() as i32),
        "not detached"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let ignored = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .expect("SigIgn line");
    assert_ne!(
        ignored & (1 << (libc_sigpipe() - 1)),
        0,
        "SIGPIPE is ignored"
    );

    daemon.signal(Signal::SIGHUP);
    daemon.expect_line("WARN received SIGHUP indicating restart request", &mut seen);
    daemon.expect_line(
        &format!("INFO supervisord started with pid {pid}"),
        &mut seen,
    );
    daemon.signal(Signal::SIGUSR2);
    daemon.expect_line(
        "INFO received SIGUSR2 indicating log reopen request",
        &mut seen,
    );
    daemon.expect_line("INFO supervisord logreopen", &mut seen);
    daemon.signal(Signal::SIGTERM);
    daemon.expect_line("WARN received SIGTERM indicating exit request", &mut seen);
    let status = daemon.child.wait().expect("wait for the daemon");
    assert_eq!(status.code(), Some(0), "{}", seen.join("\n"));
    assert!(!pidfile.exists(), "the pidfile is removed at exit");
}

fn libc_sigpipe() -> i32 {
    Signal::SIGPIPE as i32
}

#[test]
fn minfds_above_what_the_system_allows_is_refused() {
    let dir = config_dir("minfds=4000000000\n");
    let mut cmd = Command::new(binary("supvisorsd"));
    cmd.args(["-n", "-c", "s.conf"]).current_dir(dir.path());
    let out = run(&mut cmd);
    let text = describe(&cmd, &out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "Error: The minimum number of file descriptors required to run this process is \
             4000000000 as per the \"minfds\" command-line argument or config file setting."
        ),
        "{text}"
    );
    assert!(!dir.path().join("s.pid").exists(), "{text}");
}

#[test]
fn minfds_within_the_hard_limit_raises_the_soft_limit() {
    let dir = config_dir("");
    // Lower the soft limit for the daemon only (a shell runs it with `ulimit -Sn`), then ask
    // for more than that: the daemon must raise it and say so.
    let script = format!(
        "ulimit -S -n 256 && exec {} -n -c s.conf -a 300",
        binary("supvisorsd").display()
    );
    let mut daemon = Foreground::start_shell(dir.path(), &script);
    let mut seen = Vec::new();
    daemon.expect_line("INFO Increased RLIMIT_NOFILE limit to 300", &mut seen);
    let pid = daemon.pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("open files line");
    assert!(open_files.contains(" 300 "), "{open_files}");
    daemon.signal(Signal::SIGTERM);
    let status = daemon.child.wait().expect("wait for the daemon");
    assert_eq!(status.code(), Some(0), "{}", seen.join("\n"));
}

impl Foreground {
    /// Runs `script` with `sh -c`; the script must `exec` the daemon so that the pid is its.
    fn start_shell(dir: &Path, script: &str) -> Foreground {
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", script])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Foreground { child, lines }
    }
}

#[test]
fn user_option_drops_privileges_or_is_refused() {
    // The main log must be writable by `nobody` (the reference dies with a traceback when it
    // is not; we exit 2 with a message), so it lives in a world-writable directory.
    let logs = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(
        logs.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .expect("chmod");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("s.conf"),
        format!(
            "[supervisord]\nlogfile={}/s.log\npidfile=%(here)s/s.pid\n",
            logs.path().display()
        ),
    )
    .expect("write s.conf");
    if nix::unistd::getuid().is_root() {
        // The per-test directory belongs to root (0700): `nobody` cannot write the pidfile,
        // which the reference reports and survives.
        let mut daemon = Foreground::start(dir.path(), &["-n", "-c", "s.conf", "-u", "nobody"]);
        let nobody = nix::unistd::User::from_name("nobody")
            .ok()
            .flatten()
            .expect("a nobody account");
        let mut seen = Vec::new();
        daemon.expect_line(
            &format!("INFO Set uid to user {} succeeded", nobody.uid),
            &mut seen,
        );
        daemon.expect_line(
            &format!(
                "CRIT could not write pidfile {}",
                dir.path().join("s.pid").display()
            ),
            &mut seen,
        );
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", daemon.pid())).expect("status");
        let uid_line = status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .expect("Uid line");
        assert!(
            uid_line
                .split_whitespace()
                .skip(1)
                .all(|u| u == nobody.uid.to_string()),
            "{uid_line}"
        );
        daemon.signal(Signal::SIGTERM);
        let status = daemon.child.wait().expect("wait for the daemon");
        assert_eq!(status.code(), Some(0), "{}", seen.join("\n"));
    } else {
        let mut cmd = Command::new(binary("supvisorsd"));
        cmd.args(["-n", "-c", "s.conf", "-u", "root"])
            .current_dir(dir.path());
        let out = run(&mut cmd);
        let text = describe(&cmd, &out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .starts_with("Error: Can't drop privilege as nonroot user\n"),
            "{text}"
        );
    }
}
