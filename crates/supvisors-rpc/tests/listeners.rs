//! Binding rules of §4.6-§4.7 and §1.16: UNIX socket mode and removal, stale sockets,
//! addresses in use.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;

use common::{Options, start};
use supvisors_rpc::server::{BindError, ListenerConfig, ListenerKind, Server};

fn unix_config(path: &std::path::Path, chmod: u32) -> ListenerConfig {
    ListenerConfig {
        section: "unix_http_server".into(),
        kind: ListenerKind::Unix {
            path: path.to_owned(),
            chmod,
            chown: None,
        },
        auth: None,
    }
}

/// §8 item 66: the socket file has the configured mode, no temporary name is left, and the file
/// is removed at shutdown.
#[test]
fn item_66_unix_socket_mode_and_removal() {
    let mut running = start(Options {
        auth: None,
        unix: true,
        max_connections: None,
    });
    let path = running.unix.clone().expect("unix path");
    let mode = std::fs::metadata(&path)
        .expect("socket exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let leftovers: Vec<_> = std::fs::read_dir(running.dir.path())
        .expect("dir")
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the socket file remains: {leftovers:?}"
    );
    running.stop();
    assert!(!path.exists(), "socket file removed at shutdown");
}

#[test]
fn item_66_stale_socket_is_replaced_and_live_one_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.sock");
    // A socket file nobody listens on any more.
    drop(UnixListener::bind(&path).expect("bind stale"));
    assert!(path.exists());
    let server = Server::bind(&[unix_config(&path, 0o770)]).expect("stale socket replaced");
    let mode = std::fs::metadata(&path)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o770);
    // The bound listener keeps the file alive: a second server must refuse it.
    let second = Server::bind(&[unix_config(&path, 0o700)]);
    assert!(
        matches!(second, Err(BindError::InUse)),
        "{:?}",
        second.err()
    );
    drop(server);
    assert!(!path.exists(), "socket file removed with the server");
}

/// §1.16: the texts of the bind errors.
#[test]
fn tcp_port_in_use_gives_the_reference_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let config = ListenerConfig {
        section: "inet_http_server".into(),
        kind: ListenerKind::Tcp {
            host: "127.0.0.1".into(),
            port,
        },
        auth: None,
    };
    let err = Server::bind(&[config]).err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some(
            "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord."
        )
    );
}

/// `chown` gives the socket file its owner (checked only when we may chown, i.e. as root).
#[test]
fn unix_socket_chown_applies_owner() {
    use std::os::unix::fs::MetadataExt;
    if !nix::unistd::geteuid().is_root() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("owned.sock");
    let config = ListenerConfig {
        section: "unix_http_server".into(),
        kind: ListenerKind::Unix {
            path: path.clone(),
            chmod: 0o700,
            chown: Some((1, Some(1))),
        },
        auth: None,
    };
    let server = Server::bind(&[config]).expect("bind");
    let meta = std::fs::metadata(&path).expect("socket");
    assert_eq!((meta.uid(), meta.gid()), (1, 1));
    drop(server);
}
