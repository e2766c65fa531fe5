//! `logfile=syslog` and `stdout_syslog=true` (spec §6.1, §6.3): the daemon's lines and a
//! child's output arrive as syslog datagrams. The test binds its own datagram socket and points
//! the daemon at it with `SUPVISORS_SYSLOG_SOCKET`, so no system syslog daemon is involved.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::binary;

/// Bounds the wait for datagrams; never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = kill(Pid::from_raw(self.0.id() as i32), Signal::SIGTERM);
            let deadline = Instant::now() + PATIENCE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn main_log_and_child_output_go_to_syslog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket_path = dir.path().join("log.sock");
    let socket = UnixDatagram::bind(&socket_path).expect("bind the test syslog socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    std::fs::write(
        dir.path().join("s.conf"),
        "[supervisord]\nlogfile=syslog\npidfile=%(here)s/s.pid\nchildlogdir=%(here)s\n\n\
         [program:talker]\ncommand=/bin/sh -c \"echo first-line; echo second-line; exec sleep 1000\"\n\
         stdout_syslog=true\nstdout_logfile=NONE\n",
    )
    .expect("write s.conf");
    let child = Command::new(binary("supvisorsd"))
        .args(["-n", "-c", "s.conf"])
        .current_dir(dir.path())
        .env("SUPVISORS_SYSLOG_SOCKET", &socket_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start supvisorsd");
    let daemon = Daemon(child);
    let pid = daemon.0.id();
    let wanted = [
        format!("INFO supervisord started with pid {pid}"),
        "INFO spawned: 'talker' with pid".to_owned(),
        "talker first-line".to_owned(),
        "talker second-line".to_owned(),
    ];
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline && !wanted.iter().all(|w| seen.iter().any(|s| s.contains(w))) {
        if let Ok(n) = socket.recv(&mut buf) {
            seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }
    for w in &wanted {
        assert!(
            seen.iter().any(|s| s.contains(w)),
            "no syslog message containing {w:?}; got {seen:#?}"
        );
    }
    // RFC 3164 from `supervisord`, facility user (1), priority info (6): <14>.
    assert!(
        seen.iter()
            .all(|s| s.starts_with("<14>") && s.contains("supervisord")),
        "{seen:#?}"
    );
    drop(daemon);
}
