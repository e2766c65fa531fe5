//! Processes the compat suite starts: the daemon under test (a guard stops it by its pid on
//! drop) and bounded client runs (killed by their pid when they overrun).

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long a client command may run before it is killed and reported as hung.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a daemon gets to stop its children after SIGTERM before it is killed.
const DAEMON_GRACE: Duration = Duration::from_secs(15);

/// A free TCP port on 127.0.0.1 (the kernel's choice, released just before the daemon binds).
pub fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(err) => panic!("cannot allocate a port on 127.0.0.1: {err}"),
    }
}

/// Waits for `child` until `deadline`; `None` when it is still running then.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => return None,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(err) => panic!("cannot wait for pid {}: {err}", child.id()),
        }
    }
}

/// Output of a bounded client run.
#[derive(Debug)]
pub struct Finished {
    /// Exit code (`None` when killed by a signal, including the timeout).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
    /// Whether the timeout killed it.
    pub timed_out: bool,
}

/// Runs a client command to completion, killing it (by its pid) after [`CLIENT_TIMEOUT`].
pub fn run_bounded(cmd: &mut Command) -> Finished {
    use std::io::Read as _;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
    // Pipes are drained by threads so a chatty client never blocks on a full pipe.
    let readers = [
        child.stdout.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                buf
            })
        }),
        child.stderr.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                buf
            })
        }),
    ];
    let status = wait_until(&mut child, Instant::now() + CLIENT_TIMEOUT);
    let timed_out = status.is_none();
    let status = match status {
        Some(status) => Some(status),
        None => {
            let _ = child.kill();
            child.wait().ok()
        }
    };
    let [out, err] = readers.map(|reader| {
        reader
            .and_then(|r| r.join().ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    });
    Finished {
        code: status.and_then(|s| s.code()),
        stdout: out,
        stderr: err,
        timed_out,
    }
}

/// A running daemon started as `BIN -n -c CONF` in its directory; stopped by pid on drop.
pub struct Daemon {
    child: Child,
}

impl Daemon {
    /// Starts `bin -n -c conf` with its output in `<dir>/daemon.out`.
    pub fn start(bin: &Path, conf: &Path, dir: &Path) -> Daemon {
        let out = std::fs::File::create(dir.join("daemon.out"))
            .unwrap_or_else(|err| panic!("cannot create daemon.out in {}: {err}", dir.display()));
        let err = out
            .try_clone()
            .unwrap_or_else(|err| panic!("cannot share daemon.out: {err}"));
        let child = Command::new(bin)
            .arg("-n")
            .arg("-c")
            .arg(conf)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", bin.display()));
        Daemon { child }
    }

    /// Whether the daemon has exited already.
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (bounded) for the daemon to exit by itself; its exit code, or `None` when it
    /// did not exit in time or died of a signal.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        wait_until(&mut self.child, Instant::now() + timeout).and_then(|s| s.code())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM first so the daemon stops the programs it started; SIGKILL if it hangs.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        if wait_until(&mut self.child, Instant::now() + DAEMON_GRACE).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
