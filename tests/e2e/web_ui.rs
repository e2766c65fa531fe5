//! supvisorsd's web UI over real HTTP: the status page, an action link, the tail page, and
//! the status codes and content types compared with the real supervisord. Every daemon is
//! our child, stopped by its pid on drop.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supvisors_tests::{binary, venv_python};

/// Long enough for a loaded CI machine; only bounds a wait, never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

/// A daemon started by a test: SIGTERM on drop (so it stops its own children), then SIGKILL
/// if it is still there after [`PATIENCE`].
struct Daemon {
    child: Child,
}

impl Daemon {
    fn start(program: &Path, conf: &Path) -> Daemon {
        let mut cmd = Command::new(program);
        cmd.arg("-n")
            .arg("-c")
            .arg(conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
        Daemon { child }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("bound address").port()
}

/// A whole HTTP/1.0 answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.0 request (the connection closes after the answer); `None` if no server.
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(PATIENCE)).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}

fn get(port: u16, path: &str) -> Answer {
    http(port, "GET", path, "").unwrap_or_else(|| panic!("no answer for GET {path}"))
}

/// Waits until `done` holds; panics with `what` otherwise.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A configuration with two programs and an HTTP server on `port`, in `dir`.
fn write_conf(dir: &Path, port: u16) -> PathBuf {
    let conf = dir.join("s.conf");
    std::fs::write(
        &conf,
        format!(
            "[supervisord]\nlogfile=%(here)s/s.log\npidfile=%(here)s/s.pid\n\
             [inet_http_server]\nport=127.0.0.1:{port}\n\
             [program:alpha]\ncommand=/bin/sh -c \"echo hello-alpha; exec sleep 1000\"\n\
             stdout_logfile=%(here)s/alpha.log\nstartsecs=0\n\
             [program:beta]\ncommand=/bin/sleep 1000\nstartsecs=0\n"
        ),
    )
    .expect("write s.conf");
    conf
}

fn started(program: &Path) -> (tempfile::TempDir, u16, Daemon) {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let conf = write_conf(dir.path(), port);
    let daemon = Daemon::start(program, &conf);
    wait_for("the HTTP server answers", || {
        http(port, "GET", "/ok.html", "").is_some_and(|a| a.status == 200)
    });
    (dir, port, daemon)
}

fn state_of(port: u16, name: &str) -> String {
    let call = format!(
        "<?xml version='1.0'?><methodCall><methodName>supervisor.getProcessInfo</methodName>\
         <params><param><value><string>{name}</string></value></param></params></methodCall>"
    );
    let answer = http(port, "POST", "/RPC2", &call).expect("an XML-RPC answer");
    let key = "<name>statename</name>\n<value><string>";
    let start = answer.body.find(key).map(|i| i + key.len());
    start
        .and_then(|s| answer.body[s..].split('<').next())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn status_page_action_and_tail() {
    let (_dir, port, _daemon) = started(&binary("supvisorsd"));
    let page = get(port, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("Content-Type"), Some("text/html;charset=utf-8"));
    assert!(
        page.body.contains("alpha") && page.body.contains("beta"),
        "{}",
        page.body
    );

    wait_for("alpha wrote its line", || {
        get(port, "/tail.html?processname=alpha")
            .body
            .contains("hello-alpha")
    });
    let tail = get(port, "/tail.html?processname=alpha&limit=4096");
    assert_eq!(tail.status, 200);
    assert!(tail.body.contains("<pre"), "{}", tail.body);

    let click = get(port, "/index.html?processname=alpha&action=stop");
    assert_eq!(click.status, 301);
    assert_eq!(
        click.header("Location").map(str::to_owned),
        Some(format!(
            "http://127.0.0.1:{port}/?message=Process%20alpha%20stopped"
        ))
    );
    assert_eq!(state_of(port, "alpha"), "STOPPED");

    let click = get(port, "/index.html?processname=alpha&action=start");
    assert_eq!(click.status, 301);
    assert_eq!(
        click.header("Location").map(str::to_owned),
        Some(format!(
            "http://127.0.0.1:{port}/?message=Process%20alpha%20started"
        ))
    );
    assert_eq!(state_of(port, "alpha"), "RUNNING");

    let shown = get(port, "/?message=Process%20%3Calpha%3E%20stopped");
    assert!(
        shown.body.contains("Process &lt;alpha&gt; stopped"),
        "{}",
        shown.body
    );
    let missing = get(port, "/tail.html?processname=nosuch");
    assert!(
        missing.body.contains("BAD_NAME: nosuch"),
        "{}",
        missing.body
    );
}

#[test]
fn status_codes_and_types_match_the_reference() {
    let reference = venv_python().with_file_name("supervisord");
    let (_d1, ours, _a) = started(&binary("supvisorsd"));
    let (_d2, theirs, _b) = started(&reference);
    for path in [
        "/",
        "/index.html",
        "/tail.html?processname=alpha",
        "/nosuch.html",
        "/stylesheets/supervisor.css",
        "/index.html?processname=nosuch&action=start",
        "/index.html?processname=beta&action=bogus",
        "/index.html?action=start",
        "/tail.html",
        "/%69ndex.html",
    ] {
        let (a, b) = (get(ours, path), get(theirs, path));
        assert_eq!(a.status, b.status, "status of {path}");
        assert_eq!(
            a.header("Content-Type"),
            b.header("Content-Type"),
            "content type of {path}"
        );
        let relative = |x: &Answer, port: u16| {
            x.header("Location")
                .map(|l| l.replace(&port.to_string(), "PORT"))
        };
        assert_eq!(
            relative(&a, ours),
            relative(&b, theirs),
            "location of {path}"
        );
    }
}
