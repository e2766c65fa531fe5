//! Detaching from the terminal (startup step 8) and the pidfile (step 9).
//!
//! `fork` is only sound while the process has a single thread: [`daemonize`] must run before
//! any tokio runtime, logger thread or other thread exists, which `daemon::run` guarantees by
//! calling it before building the runtime.

// The workspace denies unsafe code; `fork` is unsafe in nix because it is unsound in a
// multi-threaded process. It is the one unsafe call of the daemon shell, justified below.
#![allow(unsafe_code)]

use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};

use nix::sys::stat::{Mode, umask};
use nix::unistd::{ForkResult, chdir, dup2, fork, setsid};

use super::messages::StartupMessages;

/// Forks; the parent exits 0 at once and the child goes on in a new session, in `directory`
/// (a failure is logged, as the reference does, not fatal), with stdio on `/dev/null` and the
/// given umask. Messages for the main log are queued in `messages`.
///
/// Must be called while the process has only one thread.
pub fn daemonize(
    directory: Option<&Path>,
    mask: u32,
    messages: &mut StartupMessages,
) -> std::io::Result<()> {
    // SAFETY: the caller guarantees that no other thread exists (no runtime has been built
    // yet), so the child starts with a consistent copy of the only thread's state.
    match unsafe { fork() }? {
        ForkResult::Parent { .. } => std::process::exit(0),
        ForkResult::Child => {}
    }
    messages
        .infos
        .push("daemonizing the supervisord process".into());
    if let Some(dir) = directory {
        match chdir(dir) {
            Ok(()) => messages
                .infos
                .push(format!("set current directory: {}", py_repr_path(dir))),
            Err(err) => messages.criticals.push(format!(
                "can't chdir into {}: {}",
                py_repr_path(dir),
                std::io::Error::from(err)
            )),
        }
    }
    redirect_stdio_to_null()?;
    setsid()?;
    umask(Mode::from_bits_truncate(mask));
    Ok(())
}

fn py_repr_path(path: &Path) -> String {
    supvisors_rules::pystr::repr(&path.display().to_string())
}

fn redirect_stdio_to_null() -> std::io::Result<()> {
    let null = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    for fd in 0..=2 {
        dup2(null.as_raw_fd(), fd)?;
    }
    Ok(())
}

/// The written pidfile, removed when dropped (clean exit or restart), as the reference's
/// `cleanup` removes it.
#[derive(Debug)]
pub struct Pidfile {
    path: PathBuf,
}

impl Pidfile {
    /// Writes `<pid>\n` to `path`; the error is the reference's CRIT text.
    pub fn write(path: &Path, pid: u32) -> Result<Pidfile, String> {
        let written = std::fs::File::create(path).and_then(|mut f| writeln!(f, "{pid}"));
        match written {
            Ok(()) => Ok(Pidfile {
                path: path.to_path_buf(),
            }),
            Err(_) => Err(format!("could not write pidfile {}", path.display())),
        }
    }

    /// Where the pid was written.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Pidfile {
    fn drop(&mut self) {
        // Already gone is fine: someone else cleaned up.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pidfile_holds_the_pid_and_goes_away_when_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("d.pid");
        let pidfile = Pidfile::write(&path, 4242).expect("writable");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "4242\n");
        drop(pidfile);
        assert!(!path.exists());
    }

    #[test]
    fn unwritable_pidfile_gives_the_reference_text() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing/d.pid");
        assert_eq!(
            Pidfile::write(&path, 1).map(|_| ()),
            Err(format!("could not write pidfile {}", path.display()))
        );
    }
}
