//! Extra pages and the log sink of a server.

mod common;

use std::sync::{Arc, Mutex};

use common::{Options, raw, start_full};
use hyper::StatusCode;
use supvisors_rpc::server::{LogLevel, PageFuture, PageRequest, Pages, ServerLog, full};

struct Index;

impl Pages for Index {
    fn handle(&self, request: PageRequest) -> Option<PageFuture> {
        (request.uri.path() == "/index.html").then(|| {
            let body = format!("index {} {}", request.method, request.body.len());
            Box::pin(async move { full(StatusCode::OK, "text/html", body) }) as PageFuture
        })
    }
}

#[derive(Default)]
struct Lines(Mutex<Vec<String>>);

impl ServerLog for Lines {
    fn log(&self, level: LogLevel, message: &str) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(format!("{level:?} {message}"));
        }
    }
}

#[test]
fn pages_take_unclaimed_paths_and_log_lines_follow_the_reference() {
    let lines = Arc::new(Lines::default());
    let running = start_full(
        Options {
            auth: None,
            unix: false,
            max_connections: None,
        },
        Vec::new(),
        Some(Arc::new(Index)),
        Some(lines.clone()),
    );
    let get = |path: &str| {
        raw(
            running.addr,
            format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n").as_bytes(),
            None,
        )
    };
    assert!(get("/index.html").ends_with("\r\n\r\nindex GET 0"));
    assert!(get("/ok.html").ends_with("\r\n\r\nOK"));
    assert!(get("/nosuch").starts_with("HTTP/1.1 404 Not Found\r\n"));
    let post = |body: &str| {
        let request = format!(
            "POST /RPC2 HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        raw(running.addr, request.as_bytes(), None)
    };
    post("garbage'<");
    post(
        "<methodCall><methodName>test.echo</methodName><params><param><value>x</value></param></params></methodCall>",
    );
    post("<methodCall><methodName>test.fault</methodName></methodCall>");
    let logged = lines.0.lock().map(|l| l.clone()).unwrap_or_default();
    assert_eq!(
        logged,
        [
            // The data is a str in the reference (medusa decodes it): Python's repr picks double
            // quotes around a single quote.
            r#"Error XML-RPC request data "garbage'<" is invalid: unmarshallable"#,
            "Trace XML-RPC method called: test.echo()",
            "Trace XML-RPC method test.echo() returned successfully",
            "Trace XML-RPC method called: test.fault()",
            "Trace XML-RPC method test.fault() returned fault: [10] BAD_NAME: nosuch",
        ]
    );
}
