//! Binding the TCP and UNIX listeners the way supervisord does (SO_REUSEADDR, backlog 1024,
//! the UNIX socket created under a temporary name, then linked into place).

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use socket2::{Domain, SockAddr, Socket, Type};

/// The listen backlog of the reference server.
const BACKLOG: i32 = 1024;

/// Why a listener could not be opened (texts of the reference, exit status 2 at startup).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The address or socket file is in use.
    #[error(
        "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord."
    )]
    InUse,
    /// Any other socket error.
    #[error("Cannot open an HTTP server: socket.error reported errno.{name} ({code})")]
    Socket {
        /// errno name (`EACCES`).
        name: String,
        /// errno number.
        code: i32,
    },
    /// The host of `port=` does not resolve to an IPv4 address.
    #[error("Could not determine IP address for hostname {0}")]
    Resolve(String),
    /// chown of the socket file refused.
    #[error(
        "Not permitted to chown {} to uid/gid ({uid}, {gid}); adjust \"sockchown\" value in config file or on command line to values that the current user ({user}) can successfully chown",
        .path.display()
    )]
    Chown {
        /// The socket file.
        path: PathBuf,
        /// Requested uid.
        uid: u32,
        /// Requested gid (`-1` when unchanged).
        gid: i64,
        /// Name of the current user.
        user: String,
    },
}

impl From<io::Error> for BindError {
    fn from(err: io::Error) -> Self {
        let code = err.raw_os_error().unwrap_or(0);
        if code == nix::libc::EADDRINUSE {
            return BindError::InUse;
        }
        BindError::Socket {
            name: format!("{:?}", nix::errno::Errno::from_raw(code)),
            code,
        }
    }
}

/// Opens a TCP listener on `host:port` (empty host: every IPv4 interface).
pub fn bind_tcp(host: &str, port: u16) -> Result<TcpListener, BindError> {
    let host_or_any = if host.is_empty() { "0.0.0.0" } else { host };
    let addr = (host_or_any, port)
        .to_socket_addrs()
        .map_err(|_| BindError::Resolve(host.to_owned()))?
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| BindError::Resolve(host.to_owned()))?;
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Opens a UNIX listener at `path` with mode `chmod` and optional owner, replacing a stale
/// socket file (reported on stderr like the reference) but never a live one.
pub fn bind_unix(
    path: &Path,
    chmod: u32,
    chown: Option<(u32, Option<u32>)>,
) -> Result<UnixListener, BindError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let listener = loop {
        // A leftover temporary name can only come from a dead daemon that had our pid.
        let _ = std::fs::remove_file(&tmp);
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.bind(&SockAddr::unix(&tmp)?)?;
        let cleanup = TempName(&tmp);
        socket.listen(BACKLOG)?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(chmod))?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => {
                drop(cleanup);
                break socket;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                drop(cleanup);
                if UnixStream::connect(path).is_ok() {
                    return Err(BindError::InUse);
                }
                eprintln!("Unlinking stale socket {}", path.display());
                std::fs::remove_file(path)?;
            }
            Err(e) => return Err(e.into()),
        }
    };
    if let Some((uid, gid)) = chown
        && let Err(e) = std::os::unix::fs::chown(path, Some(uid), gid)
    {
        let _ = std::fs::remove_file(path);
        if e.raw_os_error() == Some(nix::libc::EPERM) {
            let user = nix::unistd::User::from_uid(nix::unistd::getuid())
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_default();
            return Err(BindError::Chown {
                path: path.to_owned(),
                uid,
                gid: gid.map_or(-1, i64::from),
                user,
            });
        }
        return Err(e.into());
    }
    listener.set_nonblocking(true)?;
    Ok(listener.into())
}

/// Removes the temporary socket name when dropped.
struct TempName<'a>(&'a Path);

impl Drop for TempName<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}
