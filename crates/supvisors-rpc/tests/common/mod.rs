//! Shared test harness: a server with a small `test` namespace on 127.0.0.1:0 (and optionally a
//! UNIX socket in a temp dir), Python `xmlrpc.client` scripts, raw socket exchanges.
#![allow(dead_code, missing_docs)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use supvisors_rpc::dispatch::{CallFuture, Dispatcher, MethodInfo, Namespace, expect_arity};
use supvisors_rpc::server::{
    Auth, ListenerConfig, ListenerKind, LogTails, Pages, Server, ServerLog, Services, TailFuture,
    TailStream,
};
use supvisors_rpc::{Fault, FaultCode, Value};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The project venv (`scripts/setup-python.sh`), relative to this crate so that any clone works.
pub const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");

/// `test.*`: echo, a gated deferred call, a self-completing deferred call, a fault.
#[derive(Default)]
pub struct TestNs {
    gate: Arc<Notify>,
}

const METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "echo",
        signature: &["string", "string"],
        help: " Echo\n@param string x\n@return string x\n",
    },
    MethodInfo {
        name: "fault",
        signature: &["int"],
        help: "@return int x",
    },
    MethodInfo {
        name: "later",
        signature: &["string", "string"],
        help: "@param string x\n@return string r",
    },
    MethodInfo {
        name: "release",
        signature: &["boolean"],
        help: "@return boolean r",
    },
    MethodInfo {
        name: "slow",
        signature: &["string"],
        help: "@return string r",
    },
];

impl Namespace for TestNs {
    fn name(&self) -> &str {
        "test"
    }
    fn methods(&self) -> &[MethodInfo] {
        METHODS
    }
    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture {
        match method {
            "echo" => Box::pin(async move {
                expect_arity(&params, 1, 0)?;
                Ok(params.into_iter().next().unwrap_or(Value::Nil))
            }),
            "fault" => Box::pin(async { Err(Fault::new(FaultCode::BadName, Some("nosuch"))) }),
            "release" => {
                self.gate.notify_one();
                Box::pin(async { Ok(Value::Bool(true)) })
            }
            "slow" => {
                // Deferred until `test.release` is called (on any connection).
                let gate = self.gate.clone();
                Box::pin(async move {
                    gate.notified().await;
                    Ok(Value::string("slow done"))
                })
            }
            "later" => Box::pin(async move {
                expect_arity(&params, 1, 0)?;
                // Deferred for a moment, then completes by itself.
                tokio::time::sleep(Duration::from_millis(30)).await;
                Ok(params.into_iter().next().unwrap_or(Value::Nil))
            }),
            _ => Box::pin(async { Err(Fault::bare(FaultCode::UnknownMethod)) }),
        }
    }
}

/// Tails of one process `proc` (stdout only) and of the main log, from fixed chunks.
pub struct TestTails;

pub const TAIL_MTIME: u64 = 1_795_491_299;

impl LogTails for TestTails {
    fn process_tail(&self, namespec: &str, channel: &str) -> TailFuture {
        let tail = (namespec == "grp:proc" && channel == "stdout")
            .then(|| stream(&["first\n", "second\n"]));
        Box::pin(std::future::ready(tail))
    }
    fn main_tail(&self) -> TailFuture {
        Box::pin(std::future::ready(Some(stream(&["main\n"]))))
    }
}

fn stream(chunks: &[&'static str]) -> TailStream {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let chunks: Vec<&'static str> = chunks.to_vec();
    tokio::spawn(async move {
        for c in chunks {
            if tx.send(Bytes::from_static(c.as_bytes())).await.is_err() {
                return;
            }
        }
        // Keep the stream open (like a tail -f) until the client goes away.
        tx.closed().await;
    });
    TailStream {
        last_modified: SystemTime::UNIX_EPOCH + Duration::from_secs(TAIL_MTIME),
        body: Box::pin(ReceiverStream(rx)),
    }
}

struct ReceiverStream(tokio::sync::mpsc::Receiver<Bytes>);

impl futures_core::Stream for ReceiverStream {
    type Item = Bytes;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Bytes>> {
        self.0.poll_recv(cx)
    }
}

/// A running server; stops (and removes its socket file) on drop.
pub struct Running {
    pub addr: SocketAddr,
    pub unix: Option<PathBuf>,
    pub dir: tempfile::TempDir,
    stop: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits until it is gone.
    pub fn stop(&mut self) {
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct Options {
    pub auth: Option<Auth>,
    pub unix: bool,
    pub max_connections: Option<usize>,
}

pub fn start(options: Options) -> Running {
    start_with(options, Vec::new())
}

/// Like `start`, with more namespaces beside `test`.
pub fn start_with(options: Options, extra: Vec<Arc<dyn Namespace>>) -> Running {
    start_full(options, extra, None, None)
}

/// Like `start_with`, with extra pages and a log sink.
pub fn start_full(
    options: Options,
    extra: Vec<Arc<dyn Namespace>>,
    pages: Option<Arc<dyn Pages>>,
    log: Option<Arc<dyn ServerLog>>,
) -> Running {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut configs = vec![ListenerConfig {
        section: "inet_http_server".into(),
        kind: ListenerKind::Tcp {
            host: "127.0.0.1".into(),
            port: 0,
        },
        auth: options.auth.clone(),
    }];
    let unix = options.unix.then(|| dir.path().join("supervisor.sock"));
    if let Some(path) = &unix {
        configs.push(ListenerConfig {
            section: "unix_http_server".into(),
            kind: ListenerKind::Unix {
                path: path.clone(),
                chmod: 0o700,
                chown: None,
            },
            auth: options.auth,
        });
    }
    let mut server = Server::bind(&configs).expect("bind");
    if let Some(limit) = options.max_connections {
        server = server.with_max_connections(limit);
    }
    let addr = server.tcp_addrs()[0];
    let stop = CancellationToken::new();
    let token = stop.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut dispatcher = Dispatcher::new().with(Arc::new(TestNs::default()));
            for namespace in extra {
                dispatcher = dispatcher.with(namespace);
            }
            let dispatcher = Arc::new(dispatcher);
            let mut services = Services::new(dispatcher, Arc::new(TestTails));
            services.pages = pages;
            services.log = log;
            server.serve_services(services, token).await;
        });
    });
    Running {
        addr,
        unix,
        dir,
        stop,
        thread: Some(thread),
    }
}

pub fn start_plain() -> Running {
    start(Options {
        auth: None,
        unix: false,
        max_connections: None,
    })
}

/// Runs a Python script with `URL` (and `SOCK`) in its environment; returns its stdout.
pub fn python(script: &str, running: &Running) -> String {
    let mut cmd = Command::new(PYTHON);
    cmd.arg("-c").arg(script).env("URL", running.url());
    if let Some(path) = &running.unix {
        cmd.env("SOCK", path);
    }
    let out = cmd.output().expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Sends raw bytes, then reads until the server closes or `until` is found in the reply.
pub fn raw(addr: SocketAddr, request: &[u8], until: Option<&str>) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    // A guard against a hung test, not a timing assertion.
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request).expect("write");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                if until.is_some_and(|marker| String::from_utf8_lossy(&out).contains(marker)) {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the server closed the connection after its reply (EOF within the guard time).
pub fn closed_after(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    matches!(stream.read(&mut buf), Ok(0))
}

pub fn error_body(code: u16, message: &str) -> String {
    format!(
        "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code {code}.\r\n<p>Message: {message}.\r\n</body>\r\n"
    )
}
