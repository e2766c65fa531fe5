//! The listening sockets of `[fcgi-program:x]` groups (spec §1.13): created before the first
//! spawn of a process of the group, given to each child as fd 0, closed when the last child
//! holding it has been reaped.

use std::collections::{HashMap, HashSet};
use std::net::ToSocketAddrs;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::fs::PermissionsExt;

use socket2::{Domain, SockAddr, Socket, Type};
use supvisors_rules::supervisor::FcgiSocket;

use crate::mainlog::{Level, MainLogHandle};

/// The URL the reference prints in its messages (`tcp://host:port`, `unix:///path`).
pub fn url(socket: &FcgiSocket) -> String {
    match socket {
        FcgiSocket::Unix { path, .. } => format!("unix://{}", path.display()),
        FcgiSocket::Tcp { host, port, .. } => format!("tcp://{host}:{port}"),
    }
}

fn create(socket: &FcgiSocket) -> std::io::Result<Socket> {
    // SOMAXCONN is what the reference asks for when `socket_backlog` is not set.
    let backlog = |b: &Option<i64>| {
        b.and_then(|b| i32::try_from(b).ok())
            .unwrap_or(libc::SOMAXCONN)
    };
    match socket {
        FcgiSocket::Unix {
            path,
            owner,
            mode,
            backlog: b,
        } => {
            // A stale file from an earlier run would make bind fail.
            let _ = std::fs::remove_file(path);
            let sock = Socket::new(Domain::UNIX, Type::STREAM, None)?;
            sock.bind(&SockAddr::unix(path)?)?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(*mode))?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(path, Some(*uid), *gid)?;
            }
            sock.listen(backlog(b))?;
            Ok(sock)
        }
        FcgiSocket::Tcp {
            host,
            port,
            backlog: b,
        } => {
            let addr = (host.as_str(), *port)
                .to_socket_addrs()?
                .next()
                .ok_or_else(|| std::io::Error::other(format!("cannot resolve {host}")))?;
            let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            sock.set_reuse_address(true)?;
            sock.bind(&addr.into())?;
            sock.listen(backlog(b))?;
            Ok(sock)
        }
    }
}

struct Held {
    fd: OwnedFd,
    users: HashSet<i32>,
}

/// The open fcgi sockets, by URL, with the pids holding each.
#[derive(Default)]
pub struct FcgiSockets {
    open: HashMap<String, Held>,
    log: Option<MainLogHandle>,
}

impl std::fmt::Debug for FcgiSockets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.open.keys()).finish()
    }
}

impl FcgiSockets {
    /// Sockets that log their creation and closing to `log`.
    pub fn new(log: Option<MainLogHandle>) -> Self {
        Self {
            open: HashMap::new(),
            log,
        }
    }

    /// The socket for a spawn, created if no process holds it; the spawnerr text otherwise.
    pub fn acquire(&mut self, socket: &FcgiSocket) -> Result<RawFd, String> {
        let key = url(socket);
        if let Some(held) = self.open.get(&key) {
            return Ok(held.fd.as_raw_fd());
        }
        if let Some(log) = &self.log {
            log.log(Level::Info, format!("Creating socket {key}"));
        }
        let sock =
            create(socket).map_err(|e| format!("Could not create FastCGI socket {key}: {e}"))?;
        let fd = OwnedFd::from(sock);
        let raw = fd.as_raw_fd();
        self.open.insert(
            key,
            Held {
                fd,
                users: HashSet::new(),
            },
        );
        Ok(raw)
    }

    /// Records that `pid` holds the socket of `socket`.
    pub fn hold(&mut self, socket: &FcgiSocket, pid: i32) {
        if let Some(held) = self.open.get_mut(&url(socket)) {
            held.users.insert(pid);
        }
    }

    /// `pid` was reaped: closes every socket nobody holds any more.
    pub fn release(&mut self, pid: i32) {
        let log = self.log.clone();
        self.open.retain(|key, held| {
            held.users.remove(&pid);
            let keep = !held.users.is_empty();
            if !keep && let Some(log) = &log {
                log.log(Level::Info, format!("Closing socket {key}"));
            }
            keep
        });
    }
}
