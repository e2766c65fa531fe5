//! No zombie and no orphan after a normal stop, a stop escalated to SIGKILL, a `sh -c` wrapper
//! stopped with `stopasgroup`, a reload, a shutdown, and a SIGKILL of `supvisorsd` itself (its
//! children get a death signal: beyond supervisord, which leaves them running).
//!
//! Every pid the test learns (from XML-RPC or from a pid file a program writes) is recorded, and
//! the guard kills those process groups if the test fails half-way.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::{binary, venv_python};

/// Bounds each wait; never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

/// The daemon and every process group the test has seen; all killed on drop.
struct Tracked {
    daemon: std::process::Child,
    groups: Vec<i32>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // Only after a failure: on success every recorded process is known to be gone, and its
        // number may already belong to another test's process group.
        if std::thread::panicking() {
            for &pgid in &self.groups {
                let _ = kill(Pid::from_raw(-pgid), Signal::SIGKILL);
            }
        }
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Evaluates a Python expression on `s = ServerProxy(...)` and returns its `repr`.
fn rpc(port: u16, expr: &str) -> String {
    let script = format!(
        "import xmlrpc.client as x\ns = x.ServerProxy('http://127.0.0.1:{port}')\nprint(repr({expr}))"
    );
    let out = Command::new(venv_python())
        .args(["-c", &script])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn pid_of(port: u16, name: &str) -> i32 {
    rpc(
        port,
        &format!("s.supervisor.getProcessInfo('{name}')['pid']"),
    )
    .parse()
    .expect("a pid")
}

/// State letter of a process (`Z` for a zombie), `None` when it no longer exists.
fn state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
}

fn gone(pid: i32) -> bool {
    state(pid).is_none()
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

/// Children of `parent` that are zombies.
fn zombies_of(parent: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() == Some(&"Z") && fields.get(1) == Some(&parent.to_string().as_str()) {
            out.push(pid);
        }
    }
    out
}

fn read_pid(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[test]
fn no_zombie_and_no_orphan_survives_stops_reload_shutdown_or_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let here = dir.path().display().to_string();
    let conf = format!(
        "[supervisord]\nlogfile={here}/s.log\npidfile={here}/s.pid\nchildlogdir={here}\n\n\
         [inet_http_server]\nport=127.0.0.1:{port}\n\n\
         [program:normal]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n\
         [program:stubborn]\ncommand=/bin/sh -c \"trap '' TERM; while true; do sleep 1; done\"\n\
         startsecs=0\nstopwaitsecs=1\nkillasgroup=true\n\n\
         [program:wrapper]\ncommand=/bin/sh -c \"sleep 1000 & echo $! > {here}/grand.pid; wait\"\n\
         startsecs=0\nstopasgroup=true\n"
    );
    std::fs::write(dir.path().join("s.conf"), conf).expect("write s.conf");
    let daemon = Command::new(binary("supvisorsd"))
        .args(["-n", "-c", "s.conf"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start supvisorsd");
    let daemon_pid = daemon.id() as i32;
    let mut t = Tracked {
        daemon,
        groups: Vec::new(),
    };
    wait_until("the three programs to run", || {
        ["normal", "stubborn", "wrapper"]
            .iter()
            .all(|n| std::panic::catch_unwind(|| pid_of(port, n)).is_ok_and(|p| p > 0))
            && dir.path().join("grand.pid").exists()
    });
    let pids: Vec<i32> = ["normal", "stubborn", "wrapper"]
        .iter()
        .map(|n| pid_of(port, n))
        .collect();
    t.groups.extend(&pids);
    let grand = read_pid(&dir.path().join("grand.pid")).expect("the wrapper's child pid");

    // Normal stop, stop escalated to SIGKILL, wrapper stopped with its group.
    for name in ["normal", "stubborn", "wrapper"] {
        assert_eq!(
            rpc(port, &format!("s.supervisor.stopProcess('{name}')")),
            "True"
        );
    }
    for &pid in &pids {
        wait_until("stopped children to be reaped", || gone(pid));
    }
    wait_until("the wrapper's child to die with its group", || gone(grand));
    assert!(zombies_of(daemon_pid).is_empty());

    // Reload (restart): every child is stopped and reaped, then started again.
    assert_eq!(rpc(port, "s.supervisor.startProcess('normal')"), "True");
    let before = pid_of(port, "normal");
    t.groups.push(before);
    assert_eq!(rpc(port, "s.supervisor.restart()"), "True");
    wait_until("the old child to go away", || gone(before));
    wait_until("the daemon to answer again", || {
        std::panic::catch_unwind(|| rpc(port, "s.supervisor.getState()['statename']"))
            .is_ok_and(|s| s == "'RUNNING'")
    });
    assert!(zombies_of(daemon_pid).is_empty());

    // SIGKILL of the daemon: its children receive the death signal.
    wait_until("the programs to run again", || {
        ["normal", "stubborn", "wrapper"]
            .iter()
            .all(|n| std::panic::catch_unwind(|| pid_of(port, n)).is_ok_and(|p| p > 0))
    });
    let running: Vec<i32> = ["normal", "stubborn", "wrapper"]
        .iter()
        .map(|n| pid_of(port, n))
        .collect();
    t.groups.extend(&running);
    kill(Pid::from_raw(daemon_pid), Signal::SIGKILL).expect("SIGKILL the daemon");
    let _ = t.daemon.wait();
    for &pid in &running {
        wait_until("children of a killed daemon to die", || {
            gone(pid) || state(pid) == Some('Z')
        });
    }
}

#[test]
fn shutdown_leaves_no_child_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let here = dir.path().display().to_string();
    std::fs::write(
        dir.path().join("s.conf"),
        format!(
            "[supervisord]\nlogfile={here}/s.log\npidfile={here}/s.pid\nchildlogdir={here}\n\n\
             [inet_http_server]\nport=127.0.0.1:{port}\n\n\
             [program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n\
             [program:b]\ncommand=/bin/sh -c \"trap '' TERM; while true; do sleep 1; done\"\n\
             startsecs=0\nstopwaitsecs=1\nkillasgroup=true\n"
        ),
    )
    .expect("write s.conf");
    let daemon = Command::new(binary("supvisorsd"))
        .args(["-n", "-c", "s.conf"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start supvisorsd");
    let mut t = Tracked {
        daemon,
        groups: Vec::new(),
    };
    wait_until("both programs to run", || {
        ["a", "b"]
            .iter()
            .all(|n| std::panic::catch_unwind(|| pid_of(port, n)).is_ok_and(|p| p > 0))
    });
    let pids: Vec<i32> = ["a", "b"].iter().map(|n| pid_of(port, n)).collect();
    t.groups.extend(&pids);
    assert_eq!(rpc(port, "s.supervisor.shutdown()"), "True");
    wait_until("the daemon to exit", || {
        matches!(t.daemon.try_wait(), Ok(Some(_)))
    });
    for &pid in &pids {
        assert!(gone(pid), "child {pid} survived the shutdown");
    }
}
