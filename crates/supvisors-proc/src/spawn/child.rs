//! Starting the child with `clone(CLONE_VM | CLONE_VFORK)` and what it runs until `execve`.
//!
//! Why not `fork`: with a thousand children and their bookkeeping the daemon's page tables are
//! large, and `fork` copies them for every spawn only for `execve` to throw them away. With
//! `CLONE_VM | CLONE_VFORK` (what glibc's `posix_spawn` does) the child borrows the parent's
//! memory on a stack of its own and the calling thread sleeps until the child execs or exits.
//!
//! The price is care, because the child shares the daemon's memory:
//! - it only reads data built beforehand ([`ExecImage`], the errno table) and makes raw
//!   syscalls; it never allocates, locks, or returns into Rust code;
//! - glibc's `setuid`/`setgid`/`setgroups` broadcast the change to every thread of the
//!   "process" it believes it is in (the daemon's threads!), so the raw syscalls are used;
//! - all signals are blocked in the calling thread around the clone, and the child resets
//!   every caught signal to `SIG_DFL` before unblocking: a daemon handler must never run on the
//!   child's stack against the shared memory;
//! - `errno` is the calling thread's TLS slot, which nothing else touches while that thread
//!   sleeps in the vfork; the child reads it right after the failing call only.

use std::cell::Cell;
use std::ffi::{CString, c_char, c_int, c_void};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;

use super::{Privileges, SpawnSpec};
use crate::childenv::errno_table;

thread_local! {
    /// The child stack of the spawns made by this thread, kept between spawns.
    static STACK: Cell<Option<Stack>> = const { Cell::new(None) };
}

/// Size of the child's stack: the child only runs the few frames below plus libc wrappers.
const STACK_SIZE: usize = 64 * 1024;

/// Everything the child needs after the clone, built beforehand.
pub(super) struct ExecImage {
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
    /// Converts `spec` into C strings, pointer arrays and pre-formatted failure messages.
    pub(super) fn new(spec: &SpawnSpec) -> Self {
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

/// What the child function receives through clone's `arg` pointer.
struct ChildArgs<'a> {
    image: &'a ExecImage,
    fd_in: RawFd,
    fd_out: RawFd,
    fd_err: RawFd,
}

/// An anonymous mapping used as the child's stack, with a guard page at its low end.
struct Stack {
    base: *mut c_void,
    len: usize,
}

impl Stack {
    fn new() -> Result<Self, Errno> {
        // SAFETY: a fresh private anonymous mapping; no existing memory is affected.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                STACK_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Errno::last());
        }
        let stack = Self {
            base,
            len: STACK_SIZE,
        };
        // SAFETY: the first page lies inside the mapping just made; an overflow then faults
        // instead of writing over the daemon's memory.
        if unsafe { libc::mprotect(base, page_size(), libc::PROT_NONE) } != 0 {
            return Err(Errno::last());
        }
        Ok(stack)
    }

    /// Highest address, 16-byte aligned: stacks grow down on every Linux target we build for.
    fn top(&self) -> *mut c_void {
        // SAFETY: one past the end of the mapping, the conventional initial stack pointer.
        let end = unsafe { self.base.cast::<u8>().add(self.len) };
        end.wrapping_sub(end as usize % 16).cast()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`, once the child no longer uses it.
        unsafe { libc::munmap(self.base, self.len) };
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096)
}

/// Starts the child; returns its pid once it has exec'd or exited (vfork semantics).
pub(super) fn clone_child(
    image: &ExecImage,
    fd_in: RawFd,
    fd_out: RawFd,
    fd_err: RawFd,
) -> Result<i32, Errno> {
    // Make sure the errno table exists before the clone: the child must not allocate.
    let _ = errno_table();
    // Reuse this thread's stack: mapping one per spawn costs an mmap, an mprotect and a munmap.
    let stack = match STACK.with(Cell::take) {
        Some(stack) => stack,
        None => Stack::new()?,
    };
    let mut args = ChildArgs {
        image,
        fd_in,
        fd_out,
        fd_err,
    };
    // SAFETY: sigset_t is plain data; sigfillset initialises it fully.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above, filled by pthread_sigmask.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to local sigsets; blocking signals in this thread only.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    // SAFETY: `child_main` only uses `args` (alive on this frame, which is suspended until the
    // child execs or exits thanks to CLONE_VFORK) and the stack mapping that outlives the call.
    // Without CLONE_SIGHAND the child has its own copy of the signal dispositions, so the
    // resets it makes do not affect the daemon.
    let pid = unsafe {
        libc::clone(
            child_main,
            stack.top(),
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            (&raw mut args).cast(),
        )
    };
    // Read before anything else can overwrite errno.
    let err = Errno::last();
    // SAFETY: restores this thread's own previous mask.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    STACK.with(|slot| slot.set(Some(stack)));
    if pid < 0 { Err(err) } else { Ok(pid) }
}

/// Entry point of the cloned child: never returns (execs or `_exit`s).
extern "C" fn child_main(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `ChildArgs` of `clone_child`, alive while the parent thread sleeps.
    let args = unsafe { &*arg.cast::<ChildArgs<'_>>() };
    // SAFETY: we are the cloned child, before exec; see `child_after_clone`.
    unsafe { child_after_clone(args.image, args.fd_in, args.fd_out, args.fd_err) }
}

/// Runs in the child: only raw syscalls through thin libc wrappers, no allocation, never returns.
///
/// # Safety
/// Must be called only in the cloned child, with descriptors that are open.
unsafe fn child_after_clone(img: &ExecImage, fd_in: RawFd, fd_out: RawFd, fd_err: RawFd) -> ! {
    // SAFETY (whole body): plain syscalls on descriptors and memory prepared by the parent.
    unsafe {
        reset_signals();
        // Lead a new process group so that signals aimed at the daemon's group miss the child.
        libc::setpgid(0, 0);
        // Pipe ends are >= 3 (see `above_stdio`), so these dup2 never clobber each other and
        // the copies lose close-on-exec.
        libc::dup2(fd_in, 0);
        libc::dup2(fd_out, 1);
        libc::dup2(fd_err, 2);
        // Marking the daemon's descriptors close-on-exec is a bitmap update, while closing them
        // costs per descriptor (thousands with many children); exec closes them after it has
        // released the parent from the vfork wait, so that cost leaves the spawn's critical
        // path. Kernels before 5.11 lack the flag (EINVAL): close them; without close_range
        // at all (ENOSYS) we rely on every daemon descriptor being close-on-exec.
        if libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        ) != 0
        {
            libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
        }
        match &img.privileges {
            Privileges::Keep => {}
            Privileges::Refuse { .. } => {
                write_all(&img.setuid_msg);
                child_fail();
            }
            Privileges::Drop { uid, gid, groups } => {
                // Raw syscalls: glibc's wrappers would signal the daemon's threads (setxid).
                let reason: &[u8] =
                    if libc::syscall(libc::SYS_setgroups, groups.len(), groups.as_ptr()) != 0 {
                        b"Could not set groups of effective user\n"
                    } else if libc::syscall(libc::SYS_setgid, *gid) != 0 {
                        b"Could not set group id of effective user\n"
                    } else if libc::syscall(libc::SYS_setuid, *uid) != 0 {
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
        // the cloning *thread* exits: children are spawned by the process manager, which runs
        // on the runtime's worker threads, alive as long as the daemon.
        libc::syscall(
            libc::SYS_prctl,
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        );
        if libc::syscall(libc::SYS_getppid) != libc::c_long::from(img.parent) {
            // The daemon died between the clone and the prctl.
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

/// Resets every caught signal (and SIGPIPE, which Rust ignores) to `SIG_DFL`, then unblocks
/// all signals. Ignored signals stay ignored across exec, as they did with `fork`.
///
/// # Safety
/// Only in the cloned child, whose dispositions are its own copy.
unsafe fn reset_signals() {
    // SAFETY: sigaction structs are plain data; the calls only touch this child's dispositions
    // and mask. glibc refuses its two internal signals with EINVAL, which is harmless: they are
    // only ever sent to the daemon's thread ids, never to the child.
    unsafe {
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        let mut ign: libc::sigaction = std::mem::zeroed();
        ign.sa_sigaction = libc::SIG_IGN;
        // Set-then-restore costs one syscall per signal where query-then-set costs two.
        for sig in 1..=libc::SIGRTMAX() {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, &dfl, &mut old) == 0
                && old.sa_sigaction == libc::SIG_IGN
                && sig != libc::SIGPIPE
            {
                libc::sigaction(sig, &ign, std::ptr::null_mut());
            }
        }
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
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
