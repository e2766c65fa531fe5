//! `tail -f`, `maintail -f` and `fg` of `supvisorsctl` and of the reference `supervisorctl`
//! against one real supervisord: both stream until interrupted (SIGINT sent to the pid we
//! started) and print the same lines; `fg` forwards stdin lines and leaves on end of input.

use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::supervisord::{RealSupervisord, plain_ctl, venv_bin};

const PROGRAMS: &str = "\
[program:echoer]\ncommand=sh -c 'echo hello; echo oops >&2; exec cat'\nstopsignal=KILL\n";

/// A client started by the test; killed by pid if still running when dropped.
struct Running {
    child: Child,
    text: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(mut cmd: Command) -> Running {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        let text = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        for mut pipe in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let text = Arc::clone(&text);
            readers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let chunk = String::from_utf8_lossy(&buf[..n]).into_owned();
                    text.lock().expect("no poisoned lock").push_str(&chunk);
                }
            }));
        }
        Running {
            child,
            text,
            readers,
        }
    }

    fn wait_for(&self, marker: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.text.lock().expect("lock").contains(marker) {
            assert!(
                Instant::now() < deadline,
                "no {marker:?} in {:?}",
                self.text
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn interrupt(&self) {
        let pid = i32::try_from(self.child.id()).expect("pid fits");
        kill(Pid::from_raw(pid), Signal::SIGINT).expect("the client is running");
    }

    fn finish(mut self) -> String {
        let status = self.child.wait().expect("wait");
        // The readers end at end of file: everything the client wrote is in by then (a fixed
        // sleep here lost the last lines on a loaded machine).
        for reader in std::mem::take(&mut self.readers) {
            let _ = reader.join();
        }
        let text = self.text.lock().expect("lock").clone();
        format!("{text}exit {:?}", status.code())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn both(daemon: &RealSupervisord, args: &[&str]) -> [Command; 2] {
    [plain_ctl(daemon.dir.path()), venv_bin("supervisorctl")].map(|program| {
        let mut cmd = Command::new(program);
        cmd.arg("-c").arg(&daemon.conf).args(args);
        cmd
    })
}

fn follow(daemon: &RealSupervisord, args: &[&str], marker: &str) -> Vec<String> {
    both(daemon, args)
        .into_iter()
        .map(|cmd| {
            let running = Running::start(cmd);
            running.wait_for(marker);
            running.interrupt();
            running.finish()
        })
        .collect()
}

#[test]
fn tail_follow_streams_until_interrupted() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let outputs = follow(&daemon, &["tail", "-f", "echoer", "stderr"], "oops");
    assert_eq!(outputs[0], outputs[1], "left: ours, right: reference");
    assert!(
        outputs[0].starts_with("==> Press Ctrl-C to exit <==\noops\n"),
        "{}",
        outputs[0]
    );
}

#[test]
fn maintail_follow_streams_until_interrupted() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let outputs = follow(&daemon, &["maintail", "-f"], "entered RUNNING state");
    for out in &outputs {
        assert!(out.starts_with("==> Press Ctrl-C to exit <=="), "{out}");
        assert!(out.ends_with("\n\nexit Some(0)"), "{out}");
    }
}

#[test]
fn tail_follow_of_unknown_process() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let outputs: Vec<String> = both(&daemon, &["tail", "-f", "nosuch"])
        .into_iter()
        .map(|cmd| Running::start(cmd).finish())
        .collect();
    assert_eq!(outputs[0], outputs[1], "left: ours, right: reference");
    assert!(
        outputs[0].contains("Cannot read, status code 404"),
        "{}",
        outputs[0]
    );
}

#[test]
fn fg_forwards_stdin_and_leaves_on_end_of_input() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let mut outputs = Vec::new();
    for cmd in both(&daemon, &["fg", "echoer"]) {
        let mut running = Running::start(cmd);
        running.wait_for("oops");
        // The log keeps the first client's line: the same word, and duplicates merged below.
        let word = "typed";
        let mut stdin = running.child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("{word}\n").as_bytes())
            .expect("write stdin");
        // `cat` echoes the line back through the stdout stream.
        running.wait_for(&format!("{word}\n"));
        drop(stdin);
        let text = running.finish();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort_unstable();
        lines.dedup();
        outputs.push(lines);
    }
    assert_eq!(outputs[0], outputs[1], "left: ours, right: reference");
    assert!(
        outputs[0].contains(&"Exiting foreground".to_owned()),
        "{:?}",
        outputs[0]
    );
}
