//! The crate's own client against the server (the path `supvisorsctl` will use).

mod common;

use std::sync::Arc;

use common::{Options, start, start_plain};
use supvisors_rpc::client::{Client, ClientError};
use supvisors_rpc::server::Auth;
use supvisors_rpc::{Fault, Value};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn client_calls_values_and_faults_over_tcp_and_unix() {
    let running = start(Options {
        auth: None,
        unix: true,
        max_connections: None,
    });
    let sock = running.unix.clone().expect("unix");
    runtime().block_on(async {
        for url in [running.url(), format!("unix://{}", sock.display())] {
            let client = Client::new(&url, None, None).expect("client");
            let value =
                Value::structure([("a", Value::Array(vec![Value::Int(1), Value::string("<&>")]))]);
            let echoed = client
                .call("test.echo", std::slice::from_ref(&value))
                .await
                .expect("echo");
            assert_eq!(echoed, value);
            match client.call("test.fault", &[]).await {
                Err(ClientError::Fault(fault)) => {
                    assert_eq!(fault, Fault::raw(10, "BAD_NAME: nosuch"))
                }
                other => panic!("expected a fault, got {other:?}"),
            }
            assert_eq!(
                client
                    .call("test.echo", &[Value::Bool(true)])
                    .await
                    .expect("again"),
                Value::Bool(true)
            );
        }
    });
}

#[test]
fn client_auth_and_refused_connection() {
    let auth = Auth {
        username: "user".into(),
        password: "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d".into(),
    };
    let running = start(Options {
        auth: Some(auth),
        unix: false,
        max_connections: None,
    });
    runtime().block_on(async {
        let good = Client::new(&running.url(), Some("user"), Some("thepassword")).expect("client");
        assert_eq!(
            good.call("test.echo", &[Value::Int(4)])
                .await
                .expect("auth ok"),
            Value::Int(4)
        );
        let anonymous = Client::new(&running.url(), Some("user"), None).expect("client");
        match anonymous.call("test.echo", &[Value::Int(4)]).await {
            Err(ClientError::Http { status: 401, .. }) => {}
            other => panic!("expected 401, got {other:?}"),
        }
    });
    let addr = running.addr;
    drop(running);
    runtime().block_on(async {
        let client = Client::new(&format!("http://{addr}"), None, None).expect("client");
        assert!(matches!(
            client.call("test.echo", &[]).await,
            Err(ClientError::Io(_))
        ));
    });
}

/// A slow deferred call on one connection does not delay calls on another: the completions
/// arrive in the order echo, echo, slow.
#[test]
fn deferred_call_completion_order() {
    let running = start_plain();
    let url = running.url();
    runtime().block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let slow_client = Arc::new(Client::new(&url, None, None).expect("client"));
        let slow_tx = tx.clone();
        let slow = tokio::spawn(async move {
            let value = slow_client.call("test.slow", &[]).await.expect("slow");
            let _ = slow_tx.send(format!("{value:?}"));
        });
        let other = Client::new(&url, None, None).expect("client");
        for text in ["one", "two"] {
            let value = other
                .call("test.echo", &[Value::string(text)])
                .await
                .expect("echo");
            let _ = tx.send(format!("{value:?}"));
        }
        other.call("test.release", &[]).await.expect("release");
        slow.await.expect("slow task");
        drop(tx);
        let mut order = Vec::new();
        while let Some(item) = rx.recv().await {
            order.push(item);
        }
        assert_eq!(
            order,
            [
                r#"String("one")"#,
                r#"String("two")"#,
                r#"String("slow done")"#
            ]
        );
    });
}

#[test]
fn client_streams_a_log_tail() {
    let running = start_plain();
    runtime().block_on(async {
        let client = Client::new(&running.url(), None, None).expect("client");
        let mut tail = client.stream("/logtail/grp:proc").await.expect("stream");
        let mut received = Vec::new();
        while received.len() < "first\nsecond\n".len() {
            match tail.next_chunk().await {
                Some(Ok(bytes)) => received.extend_from_slice(&bytes),
                other => panic!("stream ended early: {other:?}"),
            }
        }
        assert_eq!(received, b"first\nsecond\n");
        match client.stream("/logtail/nosuch").await {
            Err(ClientError::Http { status: 404, .. }) => {}
            Err(other) => panic!("expected 404, got {other:?}"),
            Ok(_) => panic!("expected 404, got a stream"),
        }
    });
}

/// Shutdown ends an endless tail stream (the terminal chunk is sent) instead of waiting on it.
#[test]
fn shutdown_ends_open_tail_streams() {
    let mut running = start_plain();
    let rt = runtime();
    let client = Client::new(&running.url(), None, None).expect("client");
    let mut tail = rt.block_on(async {
        let mut tail = client.stream("/mainlogtail").await.expect("stream");
        let first = tail.next_chunk().await;
        assert_eq!(first.and_then(Result::ok).as_deref(), Some(&b"main\n"[..]));
        tail
    });
    running.stop();
    let end = rt.block_on(tail.next_chunk());
    assert!(end.is_none(), "stream ended cleanly: {end:?}");
}

/// The kept-alive connection dies with the server; the next call opens a new one.
#[test]
fn client_reconnects_after_the_server_restarts() {
    use supvisors_rpc::dispatch::Dispatcher;
    use supvisors_rpc::server::{ListenerConfig, ListenerKind, NoTails, Server};
    use tokio_util::sync::CancellationToken;

    let rt = runtime();
    let first = start_plain();
    let addr = first.addr;
    let client = Client::new(&first.url(), None, None).expect("client");
    let one = rt.block_on(client.call("test.echo", &[Value::Int(1)]));
    assert_eq!(one.ok(), Some(Value::Int(1)));
    drop(first);
    let config = ListenerConfig {
        section: "inet_http_server".into(),
        kind: ListenerKind::Tcp {
            host: "127.0.0.1".into(),
            port: addr.port(),
        },
        auth: None,
    };
    let server = Server::bind(&[config]).expect("same port again");
    let stop = CancellationToken::new();
    let dispatcher = Arc::new(Dispatcher::new().with(Arc::new(common::TestNs::default())));
    let serving = rt.spawn(server.serve(dispatcher, Arc::new(NoTails), stop.clone()));
    let two = rt.block_on(client.call("test.echo", &[Value::Int(2)]));
    assert_eq!(two.ok(), Some(Value::Int(2)));
    stop.cancel();
    rt.block_on(serving).expect("server task");
}
