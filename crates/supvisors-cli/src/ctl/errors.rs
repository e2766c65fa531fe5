//! Errors a command does not handle itself, reported like the Python client's catch-all:
//! `error: <class '...'>, <message>: file: <file> line: <n>`.
//!
//! The file and line name where CPython 3.11 raises the same exception for supervisorctl 4.3.0;
//! they carry no information and scripts compare the part before `: file:`.

use supvisors_rpc::client::ClientError;

/// An error that ends a command.
#[derive(Debug)]
pub enum Error {
    /// The XML-RPC call failed (fault, HTTP status, socket, protocol).
    Client(ClientError),
    /// A Python exception of the reference client (e.g. `ValueError` on an unknown result code).
    Python {
        /// The class (`ValueError`, `KeyError`...).
        class: &'static str,
        /// `str(exception)`.
        message: String,
    },
}

impl From<ClientError> for Error {
    fn from(err: ClientError) -> Self {
        Error::Client(err)
    }
}

impl Error {
    /// A `ValueError` with `message`.
    pub fn value(message: impl Into<String>) -> Self {
        Error::Python {
            class: "ValueError",
            message: message.into(),
        }
    }

    /// A `KeyError` on a reply struct missing `key`.
    pub fn key(key: &str) -> Self {
        Error::Python {
            class: "KeyError",
            message: py_repr(key),
        }
    }

    /// The `error: ...` line of the reference client's catch-all.
    pub fn python_line(&self, serverurl: &str) -> String {
        let (class, message, file, line) = match self {
            Error::Client(ClientError::Fault(fault)) => (
                "xmlrpc.client.Fault".to_owned(),
                format!("<Fault {}: {}>", fault.code, py_repr(&fault.string)),
                "xmlrpc/client.py",
                668,
            ),
            Error::Client(ClientError::Http { status, reason }) => (
                "xmlrpc.client.ProtocolError".to_owned(),
                format!("<ProtocolError for 127.0.0.1/RPC2: {status} {reason}>"),
                "supervisor/xmlrpc.py",
                539,
            ),
            Error::Client(ClientError::Io(err)) => {
                let unix = serverurl.starts_with("unix://");
                let (file, line) = if unix {
                    ("supervisor/xmlrpc.py", 557)
                } else {
                    ("socket.py", 836)
                };
                (
                    os_error_class(err).to_owned(),
                    os_error_text(err),
                    file,
                    line,
                )
            }
            Error::Client(other) => (
                "xmlrpc.client.ProtocolError".to_owned(),
                other.to_string(),
                "supervisor/xmlrpc.py",
                539,
            ),
            Error::Python { class, message } => (
                (*class).to_owned(),
                message.clone(),
                "supervisor/supervisorctl.py",
                0,
            ),
        };
        format!("error: <class '{class}'>, {message}: file: {file} line: {line}")
    }
}

/// True for `ECONNREFUSED`.
pub fn is_refused(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc_errno::ECONNREFUSED)
}

/// True for `ENOENT` (missing UNIX socket file).
pub fn is_no_file(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc_errno::ENOENT)
}

mod libc_errno {
    pub const ENOENT: i32 = nix::errno::Errno::ENOENT as i32;
    pub const ECONNREFUSED: i32 = nix::errno::Errno::ECONNREFUSED as i32;
}

/// The Python `OSError` subclass raised for `err`.
fn os_error_class(err: &std::io::Error) -> &'static str {
    use nix::errno::Errno;
    match err.raw_os_error().map(Errno::from_raw) {
        Some(Errno::ECONNREFUSED) => "ConnectionRefusedError",
        Some(Errno::ENOENT) => "FileNotFoundError",
        Some(Errno::ECONNRESET) => "ConnectionResetError",
        Some(Errno::ECONNABORTED) => "ConnectionAbortedError",
        Some(Errno::EPIPE) => "BrokenPipeError",
        Some(Errno::EACCES | Errno::EPERM) => "PermissionError",
        Some(Errno::ETIMEDOUT) => "TimeoutError",
        _ => "OSError",
    }
}

/// `str(OSError)`: `[Errno 111] Connection refused`.
fn os_error_text(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => format!(
            "[Errno {code}] {}",
            nix::errno::Errno::from_raw(code).desc()
        ),
        None => err.to_string(),
    }
}

/// Python's `repr()` of a string.
pub use supvisors_rules::pystr::repr as py_repr;

#[cfg(test)]
mod tests {
    use super::*;
    use supvisors_rpc::Fault;

    #[test]
    fn repr_like_python() {
        assert_eq!(py_repr("BAD_NAME: x"), "'BAD_NAME: x'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("a\nb"), "'a\\nb'");
    }

    #[test]
    fn lines_like_the_reference() {
        let fault = Error::Client(ClientError::Fault(Fault::raw(6, "SHUTDOWN_STATE")));
        assert!(fault.python_line("http://x:1").starts_with(
            "error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>: file: "
        ));
        let refused = Error::Client(ClientError::Io(std::io::Error::from_raw_os_error(111)));
        assert!(refused.python_line("http://x:1").starts_with(
            "error: <class 'ConnectionRefusedError'>, [Errno 111] Connection refused: file: "
        ));
    }
}
