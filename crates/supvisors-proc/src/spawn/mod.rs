//! Forking and exec'ing one child (spec §2.3 steps 5-8).
//!
//! `unsafe` is allowed in this module (and its `child` submodule) because starting a process
//! cannot be expressed safely: between the clone and `execve` the child may only make raw
//! syscalls. Everything the child needs (C strings, pointer arrays, message prefixes, the errno
//! name table) is allocated in the parent beforehand; see `child.rs` for why the child is made
//! with `clone(CLONE_VM | CLONE_VFORK)` rather than `fork`.
//! `std::process` and `tokio::process` are not used because they reap their children
//! themselves; the daemon's reaper must be the single owner of exit statuses.
#![allow(unsafe_code)]

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};

use crate::childenv::errno_text;
pub use crate::privileges::{Privileges, privileges_for};
use child::{ExecImage, clone_child};

mod child;

/// What to fork and exec; the caller builds the full environment (see `child_env`).
#[derive(Debug, Clone, Default)]
pub struct SpawnSpec {
    /// Process name, used only in the fork/pipe error texts.
    pub name: String,
    /// File given to `execve`.
    pub file: PathBuf,
    /// Argument vector; argv\[0\] also names the program in the exec failure message.
    pub argv: Vec<String>,
    /// Complete environment of the child.
    pub env: Vec<(String, String)>,
    /// Working directory to `chdir` into, if set.
    pub directory: Option<PathBuf>,
    /// `umask` applied before `execve`, if set.
    pub umask: Option<u32>,
    /// Privilege change for `user=`, decided in the parent by [`privileges_for`].
    pub privileges: Privileges,
    /// When true the child's fd 2 is the stdout pipe and no stderr pipe is made.
    pub redirect_stderr: bool,
    /// When false the child's stdin is `/dev/null` and no stdin pipe is returned.
    pub want_stdin: bool,
    /// A listening socket to give the child as fd 0 instead of a pipe (`[fcgi-program:x]`);
    /// the caller keeps it open.
    pub stdin_socket: Option<RawFd>,
    /// fd 1 is `/dev/null`: nobody wants what the child writes there (no log file, no events,
    /// no capture, no syslog, no debug copy), so no pipe and no reader are needed.
    pub discard_stdout: bool,
    /// fd 2 is `/dev/null` (as `discard_stdout`; ignored with `redirect_stderr`).
    pub discard_stderr: bool,
}

/// A started child: its pid and the parent ends of its pipes (non-blocking, close-on-exec).
#[derive(Debug)]
pub struct Spawned {
    /// Child pid, which is also its process group id.
    pub pid: i32,
    /// Write end of the child's stdin, when asked for.
    pub stdin: Option<OwnedFd>,
    /// Read end of the child's stdout (and stderr when redirected); none when discarded.
    pub stdout: Option<OwnedFd>,
    /// Read end of the child's stderr, absent when `redirect_stderr`.
    pub stderr: Option<OwnedFd>,
}

/// A failed spawn; `text` is the `spawnerr` of §2.3 steps 5-6.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct SpawnError {
    /// E.g. `too many open files to spawn 'name'`.
    pub text: String,
}

/// Creates the pipes, forks and execs `spec`. Never blocks; does not wait for the child.
pub fn spawn(spec: &SpawnSpec) -> Result<Spawned, SpawnError> {
    let name = &spec.name;
    let pipe_err = |e: Errno| SpawnError {
        text: if e == Errno::EMFILE {
            format!("too many open files to spawn '{name}'")
        } else {
            format!(
                "unknown error making dispatchers for '{name}': {}",
                errno_text(e as i32)
            )
        },
    };
    let (child_in, parent_in) = if let Some(socket) = spec.stdin_socket {
        // A duplicate for the child; the original stays with the group.
        let dup = nix::unistd::dup(socket).map_err(pipe_err)?;
        // SAFETY: `dup` just returned this descriptor and nothing else owns it.
        let dup = unsafe { OwnedFd::from_raw_fd(dup) };
        (above_stdio(dup).map_err(pipe_err)?, None)
    } else if spec.want_stdin {
        let (r, w) = make_pipe().map_err(pipe_err)?;
        (r, Some(w))
    } else {
        let null = nix::fcntl::open(
            "/dev/null",
            OFlag::O_RDONLY | OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )
        .map_err(pipe_err)?;
        // SAFETY: `open` just returned this descriptor and nothing else owns it.
        (
            above_stdio(unsafe { OwnedFd::from_raw_fd(null) }).map_err(pipe_err)?,
            None,
        )
    };
    let null_out = || -> Result<OwnedFd, Errno> {
        let fd = nix::fcntl::open(
            "/dev/null",
            OFlag::O_WRONLY | OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )?;
        // SAFETY: `open` just returned this descriptor and nothing else owns it.
        above_stdio(unsafe { OwnedFd::from_raw_fd(fd) })
    };
    let (parent_out, child_out) = if spec.discard_stdout {
        (None, null_out().map_err(pipe_err)?)
    } else {
        let (r, w) = make_pipe().map_err(pipe_err)?;
        (Some(r), w)
    };
    let err_pipe = if spec.redirect_stderr || spec.discard_stderr {
        None
    } else {
        Some(make_pipe().map_err(pipe_err)?)
    };
    let null_err = if !spec.redirect_stderr && spec.discard_stderr {
        Some(null_out().map_err(pipe_err)?)
    } else {
        None
    };
    for fd in [
        parent_out.as_ref(),
        parent_in.as_ref(),
        err_pipe.as_ref().map(|p| &p.0),
    ]
    .into_iter()
    .flatten()
    {
        set_nonblocking(fd.as_raw_fd()).map_err(pipe_err)?;
    }
    let child_err = match (&err_pipe, &null_err) {
        (Some(p), _) => p.1.as_raw_fd(),
        (None, Some(null)) => null.as_raw_fd(),
        (None, None) => child_out.as_raw_fd(),
    };

    let image = ExecImage::new(spec);
    let pid = clone_child(
        &image,
        child_in.as_raw_fd(),
        child_out.as_raw_fd(),
        child_err,
    )
    .map_err(|e| SpawnError {
        text: if e == Errno::EAGAIN {
            format!("Too many processes in process table to spawn '{name}'")
        } else {
            format!(
                "unknown error during fork for '{name}': {}",
                errno_text(e as i32)
            )
        },
    })?;
    drop((child_in, child_out, null_err));
    let (stderr, child_err_end) = match err_pipe {
        Some((r, w)) => (Some(r), Some(w)),
        None => (None, None),
    };
    drop(child_err_end);
    Ok(Spawned {
        pid,
        stdin: parent_in,
        stdout: parent_out,
        stderr,
    })
}

/// A close-on-exec pipe `(read, write)` whose ends are both above the stdio numbers.
fn make_pipe() -> Result<(OwnedFd, OwnedFd), Errno> {
    let (r, w) = nix::unistd::pipe2(OFlag::O_CLOEXEC)?;
    Ok((above_stdio(r)?, above_stdio(w)?))
}

/// Moves a descriptor to a number >= 3 so the child's dup2 calls cannot overwrite it early
/// (possible when the daemon runs with a closed stdin/stdout/stderr).
fn above_stdio(fd: OwnedFd) -> Result<OwnedFd, Errno> {
    if fd.as_raw_fd() >= 3 {
        return Ok(fd);
    }
    let moved = fcntl(fd.as_raw_fd(), FcntlArg::F_DUPFD_CLOEXEC(3))?;
    // SAFETY: `fcntl` returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(moved) })
}

fn set_nonblocking(fd: RawFd) -> Result<(), Errno> {
    let flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
    fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    let fdflags = FdFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFD)?);
    fcntl(fd, FcntlArg::F_SETFD(fdflags | FdFlag::FD_CLOEXEC))?;
    Ok(())
}
