//! One instance's daemon process: started in a process group of its own whose id is recorded,
//! stopped with SIGTERM, and killed (the recorded group only) when it does not end.

use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// Bounds the wait for a daemon to end after SIGTERM; never asserted as a duration.
const STOP_PATIENCE: Duration = Duration::from_secs(60);

/// A daemon started by the harness.
#[derive(Debug)]
pub struct Daemon {
    child: Child,
    /// Its process group (its own pid: it is started as a group leader).
    pgid: i32,
}

impl Daemon {
    /// Starts `exe -n -c conf` in `dir`, stdout and stderr appended to `dir/daemon.out`;
    /// inside network namespace `netns` when given (`ip netns exec` execs the daemon, so the
    /// recorded pid is the daemon's).
    pub fn spawn(
        exe: &Path,
        conf: &Path,
        dir: &Path,
        env: &[(String, String)],
        netns: Option<&str>,
    ) -> Daemon {
        let out = daemon_out(dir);
        let open = || {
            File::options()
                .create(true)
                .append(true)
                .open(&out)
                .unwrap_or_else(|err| panic!("cannot open {}: {err}", out.display()))
        };
        let mut cmd = match netns {
            Some(name) => {
                let mut cmd = Command::new("ip");
                cmd.args(["netns", "exec", name]).arg(exe);
                cmd
            }
            None => Command::new(exe),
        };
        cmd.arg("-n")
            .arg("-c")
            .arg(conf)
            .current_dir(dir)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(open())
            .stderr(open())
            // Its own group: a stuck daemon is killed with whatever it forked, and only that.
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
        let pgid = i32::try_from(child.id()).expect("pids fit in i32");
        Daemon { child, pgid }
    }

    /// The daemon's pid.
    pub fn pid(&self) -> i32 {
        self.pgid
    }

    /// Whether the daemon has not ended yet.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM (supervisord stops its children, then exits), then a bounded wait; only when
    /// the daemon does not end, SIGKILL to its recorded group. True when it ended by itself.
    pub fn stop(&mut self) -> bool {
        self.terminate();
        self.wait_or_kill()
    }

    /// Sends SIGTERM without waiting (to stop several daemons together).
    pub fn terminate(&mut self) {
        if self.alive() {
            let _ = kill(Pid::from_raw(self.pgid), Signal::SIGTERM);
        }
    }

    /// Waits for the end after [`Daemon::terminate`]; SIGKILL of the recorded group after the
    /// patience ran out. True when it ended by itself.
    pub fn wait_or_kill(&mut self) -> bool {
        let deadline = Instant::now() + STOP_PATIENCE;
        while Instant::now() < deadline {
            if !self.alive() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The group is still ours: its leader has not been reaped, so its id is not reused.
        let _ = killpg(Pid::from_raw(self.pgid), Signal::SIGKILL);
        let _ = self.child.wait();
        false
    }

    /// SIGKILL of the daemon alone, like a crash; its children notice their parent is gone.
    pub fn kill9(&mut self) {
        if self.alive() {
            let _ = kill(Pid::from_raw(self.pgid), Signal::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.alive() {
            self.stop();
        }
    }
}

/// Where the daemon's stdout and stderr go.
pub fn daemon_out(dir: &Path) -> PathBuf {
    dir.join("daemon.out")
}

/// Whether process `pid`, a child of ours, has ended: gone or a zombie not yet reaped (read
/// from `/proc`, so that a shared reference to the daemon is enough).
pub fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses and may hold spaces.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z') || rest.starts_with('X')),
        Err(_) => true,
    }
}
