//! Bad input to a running `supvisorsd` (issue #3): malformed XML, wrong argument types, unknown
//! methods, an oversized body, bad credentials and path traversal on the log endpoints each get
//! the right fault or HTTP status, and the daemon keeps answering afterwards.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use supvisors_tests::binary;

/// Bounds each wait; never asserted as a duration.
const PATIENCE: Duration = Duration::from_secs(30);

struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one raw HTTP/1.0 request and returns the whole answer (the server closes after it).
fn exchange(port: u16, request: &[u8]) -> String {
    // Refused while the daemon starts: an empty answer, the caller retries.
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    // A server may answer and close before reading an oversized body: that is fine.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn post(port: u16, auth: Option<&str>, body: &str) -> String {
    let auth = auth
        .map(|a| format!("Authorization: Basic {a}\r\n"))
        .unwrap_or_default();
    exchange(
        port,
        format!(
            "POST /RPC2 HTTP/1.0\r\n{auth}Content-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

fn call(method: &str, params: &str) -> String {
    format!(
        "<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{params}</params></methodCall>"
    )
}

fn get(port: u16, auth: &str, path: &str) -> String {
    exchange(
        port,
        format!("GET {path} HTTP/1.0\r\nAuthorization: Basic {auth}\r\n\r\n").as_bytes(),
    )
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

#[test]
fn bad_requests_get_their_fault_or_status_and_the_daemon_stays_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    std::fs::write(
        dir.path().join("s.conf"),
        format!(
            "[supervisord]\nlogfile=%(here)s/s.log\npidfile=%(here)s/s.pid\nchildlogdir=%(here)s\n\n\
             [inet_http_server]\nport=127.0.0.1:{port}\nusername=user\npassword=secret\n\n\
             [program:talker]\ncommand=/bin/sh -c \"echo hello; exec sleep 1000\"\nstartsecs=0\n"
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
    let _daemon = Daemon(child);
    // base64("user:secret") and base64("user:wrong").
    let good = Some("dXNlcjpzZWNyZXQ=");
    let deadline = Instant::now() + PATIENCE;
    while !post(port, good, &call("supervisor.getState", "")).contains("RUNNING") {
        assert!(Instant::now() < deadline, "the daemon never answered");
        std::thread::sleep(Duration::from_millis(50));
    }

    let bad_auth = post(
        port,
        Some("dXNlcjp3cm9uZw=="),
        &call("supervisor.getState", ""),
    );
    assert!(status_line(&bad_auth).contains(" 401 "), "{bad_auth}");
    assert!(bad_auth.contains("Basic realm=\"default\""), "{bad_auth}");
    let no_auth = post(port, None, &call("supervisor.getState", ""));
    assert!(status_line(&no_auth).contains(" 401 "), "{no_auth}");

    let malformed = post(port, good, "<methodCall><methodName>supervisor.getState");
    assert!(status_line(&malformed).contains(" 400 "), "{malformed}");
    let not_xml = post(port, good, "\u{0}\u{1}garbage");
    assert!(status_line(&not_xml).contains(" 400 "), "{not_xml}");

    let unknown = post(port, good, &call("supervisor.noSuchMethod", ""));
    assert!(status_line(&unknown).contains(" 200 "), "{unknown}");
    assert!(
        unknown.contains("<int>1</int>") && unknown.contains("UNKNOWN_METHOD"),
        "{unknown}"
    );
    let wrong_type = post(
        port,
        good,
        &call(
            "supervisor.readProcessStdoutLog",
            "<param><value><string>talker</string></value></param><param><value><string>x</string></value></param><param><value><int>0</int></value></param>",
        ),
    );
    assert!(wrong_type.contains("INCORRECT_PARAMETERS"), "{wrong_type}");
    let wrong_arity = post(
        port,
        good,
        &call(
            "supervisor.getPID",
            "<param><value><int>1</int></value></param>",
        ),
    );
    assert!(
        wrong_arity.contains("INCORRECT_PARAMETERS"),
        "{wrong_arity}"
    );

    let huge = "x".repeat(17 * 1024 * 1024);
    let oversized = post(port, good, &huge);
    assert!(
        status_line(&oversized).contains(" 413 "),
        "{}",
        status_line(&oversized)
    );

    for path in [
        "/logtail/../../etc/passwd",
        "/logtail/..%2F..%2Fetc%2Fpasswd",
        "/logtail/talker/../../../etc/passwd",
        "/logtail/%2Fetc%2Fpasswd",
    ] {
        let answer = get(port, "dXNlcjpzZWNyZXQ=", path);
        assert!(!answer.contains("root:"), "{path} leaked a file: {answer}");
        assert!(status_line(&answer).contains(" 404 "), "{path}: {answer}");
    }

    let still = post(port, good, &call("supervisor.getState", ""));
    assert!(still.contains("RUNNING"), "{still}");
}
