//! A real Python `supervisord` 4.3.0 (from the venv) started by a test, on a loopback port of
//! its own and a temporary directory, stopped by its pid when dropped; plus the normalisation
//! used to compare `supervisorctl` with `supvisorsctl`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::{binary, venv_python};

/// Bounds the waits for a daemon; never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(60);

/// A free loopback port (bound then released: the daemon binds it right after).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A program of the venv (`supervisorctl`, `supvisorsctl`, `supervisord`).
pub fn venv_bin(name: &str) -> PathBuf {
    let python = venv_python();
    python.with_file_name(name)
}

/// A running reference daemon.
pub struct RealSupervisord {
    /// Its directory (config, logs, socket).
    pub dir: tempfile::TempDir,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// `unix://<dir>/s.sock`.
    pub unix_url: String,
    /// The configuration file.
    pub conf: PathBuf,
    child: Child,
}

impl RealSupervisord {
    /// Starts `supervisord -n` with `[supervisord]`, both HTTP servers, `[supervisorctl]` and
    /// `extra` sections; `auth` adds user `u` / password `p`. Waits until no process is
    /// STARTING.
    pub fn start(extra: &str, auth: bool) -> RealSupervisord {
        Self::start_on(&venv_bin("supervisord"), extra, auth)
    }

    /// Like [`RealSupervisord::start`] with another server binary taking supervisord's command
    /// line (our `supvisorsd`).
    pub fn start_on(server: &Path, extra: &str, auth: bool) -> RealSupervisord {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let creds = if auth { "username=u\npassword=p\n" } else { "" };
        let conf = dir.path().join("s.conf");
        let text = format!(
            "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\n\
             childlogdir=%(here)s\nnodaemon=true\n\n\
             [inet_http_server]\nport=127.0.0.1:{port}\n{creds}\n\
             [unix_http_server]\nfile=%(here)s/s.sock\n{creds}\n\
             [rpcinterface:supervisor]\n\
             supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
             [supervisorctl]\nserverurl=http://127.0.0.1:{port}\n{creds}\n{extra}\n"
        );
        std::fs::write(&conf, text).expect("write s.conf");
        Self::start_server(server, dir, conf, port)
    }

    /// Starts the daemon on an already written `conf`.
    pub fn start_with(dir: tempfile::TempDir, conf: PathBuf, port: u16, _supvisors: bool) -> Self {
        Self::start_server(&venv_bin("supervisord"), dir, conf, port)
    }

    fn start_server(server: &Path, dir: tempfile::TempDir, conf: PathBuf, port: u16) -> Self {
        let mut cmd = Command::new(server);
        cmd.arg("-n")
            .arg("-c")
            .arg(&conf)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
        let unix_url = format!("unix://{}", dir.path().join("s.sock").display());
        let daemon = RealSupervisord {
            url: format!("http://127.0.0.1:{port}"),
            unix_url,
            conf,
            dir,
            child,
        };
        daemon.wait_settled();
        daemon
    }

    /// Starts a single-instance Python Supvisors 0.15 (identifier `one`) with `programs` and the
    /// rules file text `rules`; waits until Supvisors is in OPERATION.
    pub fn start_supvisors(programs: &str, rules: &str) -> RealSupervisord {
        Self::start_supvisors_on(&venv_bin("supervisord"), programs, rules, false)
    }

    /// Like [`RealSupervisord::start_supvisors`] with another server binary taking
    /// supervisord's command line (our `supvisorsd`), on the same configuration; `auth` adds
    /// user `u` / password `p` to the HTTP server and to `[supervisorctl]`.
    pub fn start_supvisors_on(
        server: &Path,
        programs: &str,
        rules: &str,
        auth: bool,
    ) -> RealSupervisord {
        let creds = if auth { "username=u\npassword=p\n" } else { "" };
        let dir = tempfile::tempdir().expect("temp dir");
        // Supvisors derives its internal port as the HTTP port + 1: both must be free.
        let port = loop {
            let port = free_port();
            if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
                break port;
            }
        };
        let rules_path = dir.path().join("rules.xml");
        std::fs::write(&rules_path, rules).expect("write rules.xml");
        let conf = dir.path().join("s.conf");
        let text = format!(
            "[supervisord]\nidentifier=one\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\n\
             childlogdir=%(here)s\nnodaemon=true\n\n\
             [inet_http_server]\nport=127.0.0.1:{port}\n{creds}\n\
             [rpcinterface:supervisor]\n\
             supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
             [supervisorctl]\nserverurl=http://127.0.0.1:{port}\n{creds}\n\
             [rpcinterface:supvisors]\n\
             supervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
             supvisors_list = <one>127.0.0.1:{port}:\nrules_files = {}\nsynchro_timeout = 15\n\n\
             {programs}\n",
            rules_path.display()
        );
        std::fs::write(&conf, text).expect("write s.conf");
        let daemon = Self::start_server(server, dir, conf, port);
        daemon.wait_operation();
        daemon
    }

    /// Waits until Supvisors is in OPERATION (after a start or an `sreload`).
    pub fn wait_operation(&self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let out = crate::run(
                Command::new(binary("supvisorsctl"))
                    .arg("-c")
                    .arg(&self.conf)
                    .arg("sstate"),
            );
            if String::from_utf8_lossy(&out.stdout).contains("\nOPERATION") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "Supvisors never reached OPERATION"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs our `supvisorsctl -c <conf> args...` under its own name (Supvisors commands on).
    pub fn ours_supvisors(&self, args: &[&str]) -> Output {
        ctl_output(&binary("supvisorsctl"), &self.conf, args)
    }

    /// Runs the reference `supvisorsctl -c <conf> args...`.
    pub fn reference_supvisors(&self, args: &[&str]) -> Output {
        ctl_output(&venv_bin("supvisorsctl"), &self.conf, args)
    }

    /// Waits until the daemon answers and no process is STARTING or STOPPING.
    pub fn wait_settled(&self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let out = self.ours(&["status"]);
            let text = String::from_utf8_lossy(&out.stdout);
            let code = out.status.code().unwrap_or(-1);
            if (code == 0 || code == 3) && !text.contains("STARTING") && !text.contains("STOPPING")
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "supervisord did not settle: {text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs our `supvisorsctl -c <conf> args...`, named `supervisorctl` (Supervisor commands
    /// only, as the reference it is compared with).
    pub fn ours(&self, args: &[&str]) -> Output {
        ctl_output(&plain_ctl(self.dir.path()), &self.conf, args)
    }

    /// Runs the reference `supervisorctl -c <conf> args...`.
    pub fn reference(&self, args: &[&str]) -> Output {
        ctl_output(&venv_bin("supervisorctl"), &self.conf, args)
    }

    /// Waits until the daemon process has ended (after `shutdown`).
    pub fn wait_gone(&self) {
        let deadline = Instant::now() + PATIENCE;
        while kill(Pid::from_raw(self.pid()), None).is_ok() && Instant::now() < deadline {
            // A zombie still answers kill(0): reap it through try_wait in Drop; here, poll
            // the socket instead.
            if std::net::TcpStream::connect(self.url.trim_start_matches("http://")).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The daemon's pid.
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pids fit in i32")
    }
}

/// A `supervisorctl` symbolic link to our `supvisorsctl` in `dir` (made once).
pub fn plain_ctl(dir: &Path) -> PathBuf {
    let link = dir.join("supervisorctl");
    if !link.exists() {
        std::os::unix::fs::symlink(binary("supvisorsctl"), &link).expect("symlink supervisorctl");
    }
    link
}

fn ctl_output(program: &Path, conf: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(program);
    cmd.arg("-c").arg(conf).args(args).stdin(Stdio::null());
    crate::run(&mut cmd)
}

impl Drop for RealSupervisord {
    fn drop(&mut self) {
        let pid = Pid::from_raw(self.pid());
        // SIGTERM lets supervisord stop its children; SIGKILL only if it does not end.
        let _ = kill(pid, Signal::SIGTERM);
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Output and status made comparable: the Python traceback location, the program name in
/// usage errors, pids, uptimes and the daemon's directory and URL are replaced by markers.
pub fn normalize(out: &Output, daemon: &RealSupervisord) -> String {
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str("--- stderr\n");
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let text = text
        .replace(&daemon.dir.path().display().to_string(), "<DIR>")
        .replace(&daemon.url, "<URL>");
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut line = line.to_owned();
        for cut in [": file: ", "For help, use "] {
            if let Some(i) = line.find(cut) {
                line.truncate(i + cut.len());
            }
        }
        if let Some(i) = line.find("pid ").filter(|_| line.contains(", uptime ")) {
            line.truncate(i);
            line.push_str("pid N, uptime T");
        }
        if line.parse::<u32>().is_ok_and(|n| n > 0) {
            line = "N".into();
        }
        // The two daemons stopped their processes at different moments: a minute may turn
        // between them, so the stop time of a STOPPED or EXITED row is masked.
        let line = stop_time().replace_all(&line, "<WHEN>").into_owned();
        lines.push(line);
    }
    format!("{}\nexit {:?}", lines.join("\n"), out.status.code())
}

/// The date Supervisor shows for a stopped process (`Nov 25 03:53 PM`).
fn stop_time() -> &'static regex::Regex {
    static STOP_TIME: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    STOP_TIME.get_or_init(|| {
        regex::Regex::new(r"\b[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M\b").expect("valid regex")
    })
}

/// Compares one command line on the reference and on ours, against two daemons in the same
/// state, and asserts that both print the same lines and exit with the same status.
pub fn differential(reference: &RealSupervisord, ours: &RealSupervisord, args: &[&str]) {
    let expected = normalize(&reference.reference(args), reference);
    let actual = normalize(&ours.ours(args), ours);
    assert_eq!(
        actual, expected,
        "supvisorsctl {args:?} differs from supervisorctl (left: ours, right: reference)"
    );
}

/// Like [`differential`] for commands whose line order is the server's choice (`stop all`):
/// the lines are compared sorted.
pub fn differential_sorted(reference: &RealSupervisord, ours: &RealSupervisord, args: &[&str]) {
    let sorted = |text: String| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        lines.join("\n")
    };
    let expected = sorted(normalize(&reference.reference(args), reference));
    let actual = sorted(normalize(&ours.ours(args), ours));
    assert_eq!(
        actual, expected,
        "supvisorsctl {args:?} differs from supervisorctl (left: ours, right: reference)"
    );
}

/// Like [`differential`] for `supvisorsctl` (Python 0.15 against ours, Supvisors commands on).
pub fn differential_supvisors(reference: &RealSupervisord, ours: &RealSupervisord, args: &[&str]) {
    let expected = mask_clock_rows(&normalize(&reference.reference_supvisors(args), reference));
    let actual = mask_clock_rows(&normalize(&ours.ours_supvisors(args), ours));
    assert_eq!(
        actual, expected,
        "supvisorsctl {args:?} differs from the Python supvisorsctl (left: ours, right: reference)"
    );
}

/// [`normalize`] of a `supvisorsctl` output, with the rows showing clock times masked as
/// [`differential_supvisors`] does.
pub fn normalize_supvisors(out: &Output, daemon: &RealSupervisord) -> String {
    mask_clock_rows(&normalize(out, daemon))
}

/// Rows showing a clock time (`HH:MM:SS`) also show pids, counters and loads that differ
/// between two daemons: their times and numbers are masked and their spacing collapsed.
fn mask_clock_rows(text: &str) -> String {
    let is_clock = |w: &str| {
        let b = w.as_bytes();
        b.len() == 8
            && b[2] == b':'
            && b[5] == b':'
            && w.split(':').all(|p| p.parse::<u8>().is_ok())
    };
    text.lines()
        .map(|line| {
            if !line.split_whitespace().any(is_clock) {
                return line.to_owned();
            }
            line.split_whitespace()
                .map(|w| {
                    let digits = w.trim_end_matches('%');
                    if is_clock(w) || (digits.len() > 1 && digits.parse::<u64>().is_ok()) {
                        "#"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
