//! `[fcgi-program:x]` (spec §1.13): the group's listening socket is created before the first
//! spawn, is every child's fd 0, and is closed when the last child is reaped.

use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::binary;

/// Bounds each wait; never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn fcgi_children_share_the_group_socket_on_fd_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    std::fs::write(
        dir.path().join("s.conf"),
        format!(
            "[supervisord]\nlogfile=%(here)s/s.log\npidfile=%(here)s/s.pid\nchildlogdir=%(here)s\n\n\
             [fcgi-program:fc]\nsocket=tcp://127.0.0.1:{port}\nnumprocs=2\n\
             process_name=%(program_name)s_%(process_num)s\n\
             command=/bin/sh -c \"readlink /proc/self/fd/0; exec sleep 1000\"\n\
             stdout_logfile=%(here)s/%(process_num)s.out\n"
        ),
    )
    .expect("write s.conf");
    let child = Command::new(binary("supvisorsd"))
        .args(["-n", "-c", "s.conf"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start supvisorsd");
    let mut daemon = Daemon(child);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    wait_for("both children to print their fd 0", || {
        read("0.out").contains("socket:[") && read("1.out").contains("socket:[")
    });
    assert_eq!(
        read("0.out").trim(),
        read("1.out").trim(),
        "both children hold the same socket"
    );
    TcpStream::connect(("127.0.0.1", port)).expect("the group socket listens");
    let log = read("s.log");
    assert_eq!(
        log.matches(&format!("INFO Creating socket tcp://127.0.0.1:{port}"))
            .count(),
        1,
        "{log}"
    );
    kill(Pid::from_raw(daemon.0.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    wait_for("the daemon to exit", || {
        matches!(daemon.0.try_wait(), Ok(Some(_)))
    });
    assert!(
        read("s.log").contains(&format!("INFO Closing socket tcp://127.0.0.1:{port}")),
        "{}",
        read("s.log")
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the socket is closed with its last child"
    );
}
