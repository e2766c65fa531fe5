//! HTTP edge cases over raw sockets (§3.1, §4.1-§4.3).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{closed_after, error_body, raw, start_plain};

fn post(path: &str, body: &str, extra: &str) -> Vec<u8> {
    format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n{extra}Content-Length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

const ECHO: &str = "<?xml version='1.0'?>\n<methodCall>\n<methodName>test.echo</methodName>\n<params>\n<param>\n<value><int>7585</int></value>\n</param>\n</params>\n</methodCall>\n";

const ECHO_REPLY: &str = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>7585</int></value>\n</param>\n</params>\n</methodResponse>\n";

/// Reads one response with a Content-Length body from a kept-alive stream.
fn read_response(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => out.push(byte[0]),
            _ => return String::from_utf8_lossy(&out).into_owned(),
        }
    }
    let head = String::from_utf8_lossy(&out).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
    head + &String::from_utf8_lossy(&body)
}

/// §8 item 37: a success body byte-equal to the reference, with its headers.
#[test]
fn item_37_responses_are_200_text_xml_with_length() {
    let running = start_plain();
    let reply = raw(
        running.addr,
        &post("/RPC2", ECHO, "Connection: close\r\n"),
        None,
    );
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.contains("Content-Type: text/xml\r\n"), "{reply}");
    assert!(
        reply.contains(&format!("Content-Length: {}\r\n", ECHO_REPLY.len())),
        "{reply}"
    );
    assert!(reply.ends_with(&format!("\r\n\r\n{ECHO_REPLY}")), "{reply}");
    let fault = "<methodCall><methodName>test.fault</methodName></methodCall>";
    let reply = raw(
        running.addr,
        &post("/RPC2", fault, "Connection: close\r\n"),
        None,
    );
    assert!(
        reply.starts_with("HTTP/1.1 200 OK\r\n") && reply.contains("Content-Type: text/xml\r\n"),
        "{reply}"
    );
    assert!(
        reply.contains("Content-Length: ")
            && reply.contains("<name>faultCode</name>\n<value><int>10</int>"),
        "{reply}"
    );
    // Any path that starts with /RPC2 is the XML-RPC handler.
    let reply = raw(
        running.addr,
        &post("/RPC2xyz", ECHO, "Connection: close\r\n"),
        None,
    );
    assert!(reply.ends_with(ECHO_REPLY), "{reply}");
}

/// §8 item 38: GET /RPC2 → 400, no Content-Length → 411, garbage or no name → 400.
#[test]
fn item_38_bad_requests_and_error_pages() {
    let running = start_plain();
    let check = |request: &[u8], status: &str, code: u16, message: &str| {
        let reply = raw(running.addr, request, None);
        assert!(
            reply.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{reply}"
        );
        assert!(reply.contains("Content-Type: text/html\r\n"), "{reply}");
        assert!(reply.ends_with(&error_body(code, message)), "{reply}");
    };
    check(
        b"GET /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "400 Bad Request",
        400,
        "Bad Request",
    );
    check(
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "411 Length Required",
        411,
        "Length Required",
    );
    check(
        &post("/RPC2", "garbage<", "Connection: close\r\n"),
        "400 Bad Request",
        400,
        "Bad Request",
    );
    check(
        &post(
            "/RPC2",
            "<methodCall><params/></methodCall>",
            "Connection: close\r\n",
        ),
        "400 Bad Request",
        400,
        "Bad Request",
    );
    check(
        b"GET /nosuch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "404 Not Found",
        404,
        "Not Found",
    );
    check(
        b"GET /logtail/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "404 Not Found",
        404,
        "Not Found",
    );
    check(
        b"GET /logtail/nosuch HTTP/1.1\r\nConnection: close\r\n\r\n",
        "404 Not Found",
        404,
        "Not Found",
    );
    check(
        b"GET /logtail/grp:proc/stderr HTTP/1.1\r\nConnection: close\r\n\r\n",
        "404 Not Found",
        404,
        "Not Found",
    );
    check(
        b"GET /logtail HTTP/1.1\r\nConnection: close\r\n\r\n",
        "500 Internal Server Error",
        500,
        "Internal Server Error",
    );
    check(
        b"POST /logtail/grp:proc HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        "400 Bad Request",
        400,
        "Bad Request",
    );
    check(
        b"POST /RPC2 HTTP/1.1\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n",
        "413 Payload Too Large",
        413,
        "Payload Too Large",
    );
    // The path is unquoted before matching (and once more by the tail handler).
    check(
        b"GET /RPC%32 HTTP/1.1\r\nConnection: close\r\n\r\n",
        "400 Bad Request",
        400,
        "Bad Request",
    );
    let tail = raw(
        running.addr,
        b"GET /logtail/grp%253Aproc HTTP/1.1\r\n\r\n",
        Some("second\n\r\n"),
    );
    assert!(tail.starts_with("HTTP/1.1 200 OK\r\n"), "{tail}");
    let ok = raw(
        running.addr,
        b"GET /ok.html HTTP/1.1\r\nConnection: close\r\n\r\n",
        None,
    );
    assert!(
        ok.starts_with("HTTP/1.1 200 OK\r\n")
            && ok.contains("Content-Type: text/plain\r\n")
            && ok.ends_with("\r\n\r\nOK"),
        "{ok}"
    );
}

/// §3.1: HTTP/1.1 keeps the connection (pipelined requests answered in order) unless
/// `Connection: close`; HTTP/1.0 closes unless `Connection: keep-alive`.
#[test]
fn persistent_connections_http11_and_http10() {
    let running = start_plain();
    let mut stream = TcpStream::connect(running.addr).expect("connect");
    let later = "<methodCall><methodName>test.later</methodName><params><param><value>one</value></param></params></methodCall>";
    let mut both = post("/RPC2", later, "");
    both.extend(post("/RPC2", ECHO, ""));
    stream.write_all(&both).expect("write");
    let first = read_response(&mut stream);
    let second = read_response(&mut stream);
    assert!(first.contains("<string>one</string>"), "{first}");
    assert!(second.ends_with(ECHO_REPLY), "{second}");
    stream
        .write_all(&post("/RPC2", ECHO, "Connection: close\r\n"))
        .expect("write");
    assert!(read_response(&mut stream).ends_with(ECHO_REPLY));
    assert!(closed_after(&mut stream));

    let http10 = |extra: &str| {
        format!(
            "POST /RPC2 HTTP/1.0\r\n{extra}Content-Length: {}\r\n\r\n{ECHO}",
            ECHO.len()
        )
        .into_bytes()
    };
    let mut stream = TcpStream::connect(running.addr).expect("connect");
    stream.write_all(&http10("")).expect("write");
    let reply = read_response(&mut stream);
    assert!(reply.ends_with(ECHO_REPLY), "{reply}");
    assert!(
        !reply.to_ascii_lowercase().contains("connection: close"),
        "{reply}"
    );
    assert!(closed_after(&mut stream));

    let mut stream = TcpStream::connect(running.addr).expect("connect");
    stream
        .write_all(&http10("Connection: keep-alive\r\n"))
        .expect("write");
    let reply = read_response(&mut stream);
    // The reference spells the value `Keep-Alive`.
    assert!(reply.starts_with("HTTP/1.0 200 OK\r\n"), "{reply}");
    assert!(reply.contains("Connection: Keep-Alive\r\n"), "{reply}");
    stream.write_all(&http10("")).expect("write");
    assert!(read_response(&mut stream).ends_with(ECHO_REPLY));
}

/// §8 items 64-65 (§4.2-§4.3): chunked tails with their headers.
#[test]
fn item_64_65_logtail_streams_chunked() {
    let running = start_plain();
    let reply = raw(
        running.addr,
        b"GET /logtail/grp%3Aproc HTTP/1.1\r\nHost: x\r\n\r\n",
        Some("second\n\r\n"),
    );
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    for header in [
        "Last-Modified: Tue, 24 Nov 2026 03:34:59 GMT\r\n",
        "Content-Type: text/plain;charset=utf-8\r\n",
        "X-Accel-Buffering: no\r\n",
        "Transfer-Encoding: chunked\r\n",
    ] {
        assert!(reply.contains(header), "{header} missing in {reply}");
    }
    assert!(!reply.contains("Content-Length"), "{reply}");
    assert!(
        reply.ends_with("\r\n\r\n6\r\nfirst\n\r\n7\r\nsecond\n\r\n"),
        "{reply}"
    );

    // HTTP/1.0 cannot be chunked: the body is unframed and ends with the connection.
    let reply = raw(
        running.addr,
        b"GET /logtail/grp:proc/stdout HTTP/1.0\r\n\r\n",
        Some("second\n"),
    );
    assert!(
        !reply.contains("Transfer-Encoding") && !reply.contains("Content-Length"),
        "{reply}"
    );
    assert!(reply.ends_with("\r\n\r\nfirst\nsecond\n"), "{reply}");

    let reply = raw(
        running.addr,
        b"GET /mainlogtail HTTP/1.1\r\n\r\n",
        Some("main\n\r\n"),
    );
    assert!(
        reply.contains("Transfer-Encoding: chunked\r\n") && !reply.contains("X-Accel"),
        "{reply}"
    );
    assert!(reply.ends_with("5\r\nmain\n\r\n"), "{reply}");
}

/// A request that is not HTTP at all gets an error status and a closed connection; the server
/// keeps serving others.
#[test]
fn non_http_garbage_is_refused_and_server_keeps_serving() {
    let running = start_plain();
    let reply = raw(running.addr, b"\x00\x01 not http at all\r\n\r\n", None);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 400"),
        "{reply:?}"
    );
    let reply = raw(
        running.addr,
        &post("/RPC2", ECHO, "Connection: close\r\n"),
        None,
    );
    assert!(reply.ends_with(ECHO_REPLY), "{reply}");
}

/// Beyond the connection limit a client waits in the backlog until a connection closes.
#[test]
fn connection_limit_queues_new_clients() {
    let running = common::start(common::Options {
        auth: None,
        unix: false,
        max_connections: Some(1),
    });
    let mut first = TcpStream::connect(running.addr).expect("connect");
    first.write_all(&post("/RPC2", ECHO, "")).expect("write");
    assert!(read_response(&mut first).ends_with(ECHO_REPLY));
    let mut second = TcpStream::connect(running.addr).expect("connect (kernel backlog)");
    second.write_all(&post("/RPC2", ECHO, "")).expect("write");
    // The first connection is still served while the second waits.
    first.write_all(&post("/RPC2", ECHO, "")).expect("write");
    assert!(read_response(&mut first).ends_with(ECHO_REPLY));
    second.set_nonblocking(true).expect("nonblocking");
    let mut probe = [0u8; 1];
    let pending = second.read(&mut probe);
    assert!(
        matches!(&pending, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "second client answered while the limit was reached: {pending:?}"
    );
    second.set_nonblocking(false).expect("blocking");
    drop(first);
    assert!(read_response(&mut second).ends_with(ECHO_REPLY));
}
