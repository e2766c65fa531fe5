//! Forking and exec'ing one child (spec §2.3 steps 5-8).
//!
//! `unsafe` is allowed in this one module because `fork` cannot be expressed safely: between
//! `fork` and `execve` the child may only make async-signal-safe calls. Everything the child
//! needs (C strings, pointer arrays, message prefixes, the errno name table) is allocated in the
//! parent before `fork`; the child only calls raw libc syscalls and writes pre-built bytes.
//! `std::process` and `tokio::process` are not used because they reap their children
//! themselves; the daemon's reaper must be the single owner of exit statuses.
#![allow(unsafe_code)]

use std::ffi::{CString, c_char};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};

use crate::childenv::{errno_table, errno_text};
pub use crate::privileges::{Privileges, privileges_for};

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
}

/// A started child: its pid and the parent ends of its pipes (non-blocking, close-on-exec).
#[derive(Debug)]
pub struct Spawned {
    /// Child pid, which is also its process group id.
    pub pid: i32,
    /// Write end of the child's stdin, when asked for.
    pub stdin: Option<OwnedFd>,
    /// Read end of the child's stdout (and stderr when redirected).
    pub stdout: OwnedFd,
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
    let (parent_out, child_out) = make_pipe().map_err(pipe_err)?;
    let err_pipe = if spec.redirect_stderr {
        None
    } else {
        Some(make_pipe().map_err(pipe_err)?)
    };
    for fd in [
        Some(&parent_out),
        parent_in.as_ref(),
        err_pipe.as_ref().map(|p| &p.0),
    ]
    .into_iter()
    .flatten()
    {
        set_nonblocking(fd.as_raw_fd()).map_err(pipe_err)?;
    }
    let child_err = err_pipe
        .as_ref()
        .map_or(child_out.as_raw_fd(), |p| p.1.as_raw_fd());

    let image = ExecImage::new(spec);
    // Make sure the errno table exists before fork: the child must not allocate.
    let _ = errno_table();
    // SAFETY: the child branch below only calls async-signal-safe functions on memory
    // allocated before the fork, then execs or `_exit`s; it never returns into Rust code.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let e = Errno::last();
        let text = if e == Errno::EAGAIN {
            format!("Too many processes in process table to spawn '{name}'")
        } else {
            format!(
                "unknown error during fork for '{name}': {}",
                errno_text(e as i32)
            )
        };
        return Err(SpawnError { text });
    }
    if pid == 0 {
        // SAFETY: we are the freshly forked child; see `child_after_fork`.
        unsafe {
            child_after_fork(
                &image,
                child_in.as_raw_fd(),
                child_out.as_raw_fd(),
                child_err,
            )
        }
    }
    drop((child_in, child_out));
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

/// Everything the child needs after `fork`, built beforehand.
struct ExecImage {
    file: CString,
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const c_char>,
    _env: Vec<CString>,
    env_ptrs: Vec<*const c_char>,
    directory: Option<CString>,
    umask: Option<libc::mode_t>,
    privileges: Privileges,
    setuid_msg: Vec<u8>,
    parent: libc::pid_t,
    chdir_prefix: Vec<u8>,
    exec_prefix: Vec<u8>,
}

impl ExecImage {
    fn new(spec: &SpawnSpec) -> Self {
        // An interior NUL cannot be passed to execve; such bytes are dropped rather than failing.
        let cstr = |b: &[u8]| {
            CString::new(b.iter().copied().filter(|c| *c != 0).collect::<Vec<u8>>())
                .unwrap_or_default()
        };
        let argv: Vec<CString> = spec.argv.iter().map(|a| cstr(a.as_bytes())).collect();
        let env: Vec<CString> = spec
            .env
            .iter()
            .map(|(k, v)| cstr(format!("{k}={v}").as_bytes()))
            .collect();
        let ptrs = |v: &[CString]| {
            v.iter()
                .map(|c| c.as_ptr())
                .chain([std::ptr::null()])
                .collect::<Vec<_>>()
        };
        let setuid_msg = match &spec.privileges {
            Privileges::Refuse { uid, reason } => {
                format!("supervisor: couldn't setuid to {uid}: {reason}\n")
            }
            Privileges::Drop { uid, .. } => format!("supervisor: couldn't setuid to {uid}: "),
            Privileges::Keep => String::new(),
        };
        let dir_text = spec
            .directory
            .as_ref()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let argv0 = spec.argv.first().cloned().unwrap_or_default();
        Self {
            file: cstr(spec.file.as_os_str().as_bytes()),
            argv_ptrs: ptrs(&argv),
            _argv: argv,
            env_ptrs: ptrs(&env),
            _env: env,
            directory: spec
                .directory
                .as_ref()
                .map(|d| cstr(d.as_os_str().as_bytes())),
            umask: spec.umask.map(|m| m as libc::mode_t),
            privileges: spec.privileges.clone(),
            setuid_msg: setuid_msg.into_bytes(),
            chdir_prefix: format!("supervisor: couldn't chdir to {dir_text}: ").into_bytes(),
            exec_prefix: format!("supervisor: couldn't exec {argv0}: ").into_bytes(),
            parent: libc::pid_t::try_from(std::process::id()).unwrap_or(0),
        }
    }
}

/// Runs in the forked child: only async-signal-safe libc calls, no allocation, never returns.
///
/// # Safety
/// Must be called only in the child right after `fork`, with descriptors that are open.
unsafe fn child_after_fork(img: &ExecImage, fd_in: RawFd, fd_out: RawFd, fd_err: RawFd) -> ! {
    // SAFETY (whole body): plain syscalls on descriptors and memory prepared by the parent.
    unsafe {
        // Lead a new process group so that signals aimed at the daemon's group miss the child.
        libc::setpgid(0, 0);
        // Rust ignores SIGPIPE and the daemon has handlers; restore defaults and an empty mask.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
        // Pipe ends are >= 3 (see `above_stdio`), so these dup2 never clobber each other and
        // the copies lose close-on-exec.
        libc::dup2(fd_in, 0);
        libc::dup2(fd_out, 1);
        libc::dup2(fd_err, 2);
        // One syscall instead of a per-fd loop; on kernels without it (ENOSYS) we rely on every
        // daemon descriptor being close-on-exec.
        libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
        match &img.privileges {
            Privileges::Keep => {}
            Privileges::Refuse { .. } => {
                write_all(&img.setuid_msg);
                child_fail();
            }
            Privileges::Drop { uid, gid, groups } => {
                let reason: &[u8] = if libc::setgroups(groups.len(), groups.as_ptr()) != 0 {
                    b"Could not set groups of effective user\n"
                } else if libc::setgid(*gid) != 0 {
                    b"Could not set group id of effective user\n"
                } else if libc::setuid(*uid) != 0 {
                    // The reference lets this exception escape: only the final message appears.
                    child_fail();
                } else {
                    b""
                };
                if !reason.is_empty() {
                    write_all(&img.setuid_msg);
                    write_all(reason);
                    child_fail();
                }
            }
        }
        // Beyond supervisord: a child dies with the daemon (SIGKILL -9 of `supvisorsd` leaves
        // no orphan). Set after the privilege change, which clears it. The signal fires when
        // the forking *thread* exits: children are spawned by the process manager, which runs
        // on the runtime's worker threads, alive as long as the daemon.
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        );
        if libc::getppid() != img.parent {
            // The daemon died between the fork and the prctl.
            libc::_exit(127);
        }
        if let Some(dir) = &img.directory
            && libc::chdir(dir.as_ptr()) != 0
        {
            write_errno(&img.chdir_prefix, *libc::__errno_location());
            child_fail();
        }
        if let Some(mask) = img.umask {
            libc::umask(mask);
        }
        libc::execve(
            img.file.as_ptr(),
            img.argv_ptrs.as_ptr(),
            img.env_ptrs.as_ptr(),
        );
        write_errno(&img.exec_prefix, *libc::__errno_location());
        child_fail()
    }
}

/// Writes `prefix`, the errno name (or number) and a newline to fd 2, without allocating.
fn write_errno(prefix: &[u8], errno: i32) {
    write_all(prefix);
    let table = errno_table();
    match usize::try_from(errno)
        .ok()
        .and_then(|i| table.get(i))
        .and_then(|n| n.as_deref())
    {
        Some(name) => write_all(name.as_bytes()),
        None => {
            let mut buf = [0u8; 12];
            let mut n = errno.unsigned_abs();
            let mut i = buf.len();
            loop {
                i -= 1;
                buf[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            write_all(&buf[i..]);
        }
    }
    write_all(b"\n");
}

fn write_all(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writing a valid slice to fd 2.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = bytes.get(n as usize..).unwrap_or_default();
    }
}

fn child_fail() -> ! {
    write_all(b"supervisor: child process was not spawned\n");
    // SAFETY: `_exit` skips atexit handlers and stdio flushing that belong to the parent.
    unsafe { libc::_exit(127) }
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
