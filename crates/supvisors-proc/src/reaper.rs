//! The single owner of child exit statuses: `waitpid(-1, WNOHANG)` on every SIGCHLD.
//!
//! Reports `(pid, raw wait status)` on a channel; the driver routes them by pid. Never waits
//! for one particular pid, so no other code may reap children of the daemon.

use nix::sys::signal::Signal;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// One reaped child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    /// Pid of the child that ended.
    pub pid: i32,
    /// Raw wait status as `waitpid(2)` stores it (decode with [`status_text`]).
    pub status: i32,
}

/// Starts the reaper task on the current tokio runtime. It reaps once at start (children that
/// ended before the handler existed), then after every SIGCHLD, and stops when the receiver
/// is dropped.
pub fn start_reaper() -> std::io::Result<mpsc::UnboundedReceiver<Reaped>> {
    let mut sigchld = signal(SignalKind::child())?;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            if !reap_all(&tx) {
                return;
            }
            tokio::select! {
                got = sigchld.recv() => if got.is_none() { return },
                () = tx.closed() => return,
            }
        }
    });
    Ok(rx)
}

/// Reaps every child that has ended; false when the receiver is gone.
fn reap_all(tx: &mpsc::UnboundedSender<Reaped>) -> bool {
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return true,
            Ok(ws) => {
                let Some(pid) = ws.pid() else { return true };
                if tx
                    .send(Reaped {
                        pid: pid.as_raw(),
                        status: raw_status(ws),
                    })
                    .is_err()
                {
                    return false;
                }
            }
        }
    }
}

/// Rebuilds the raw Linux status word from nix's decoded form.
fn raw_status(ws: WaitStatus) -> i32 {
    match ws {
        WaitStatus::Exited(_, code) => (code & 0xff) << 8,
        WaitStatus::Signaled(_, sig, core) => sig as i32 | if core { 0x80 } else { 0 },
        WaitStatus::Stopped(_, sig) => ((sig as i32) << 8) | 0x7f,
        _ => 0xffff,
    }
}

/// Supervisor's `decode_wait_status`: `(text, exitstatus)` with exitstatus -1 for signals.
pub fn status_text(raw: i32) -> (String, i32) {
    let low = raw & 0x7f;
    if low == 0 {
        let code = (raw >> 8) & 0xff;
        (format!("exit status {code}"), code)
    } else if low != 0x7f && raw & 0xffff != 0xffff {
        let core = if raw & 0x80 != 0 {
            " (core dumped)"
        } else {
            ""
        };
        (format!("terminated by {}{core}", signal_name(low)), -1)
    } else {
        (format!("unknown termination cause 0x{raw:04x}"), -1)
    }
}

/// Python's `signame`: `SIGTERM`, or `signal <n>` for numbers without a name.
pub fn signal_name(sig: i32) -> String {
    // Python's signal module names these differently from nix (or nix has no variant).
    let name = match sig {
        29 => Some("SIGPOLL"),
        34 => Some("SIGRTMIN"),
        64 => Some("SIGRTMAX"),
        _ => Signal::try_from(sig).ok().map(Signal::as_str),
    };
    name.map_or_else(|| format!("signal {sig}"), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_decode_wait_status() {
        assert_eq!(status_text(0), ("exit status 0".to_owned(), 0));
        assert_eq!(status_text(2 << 8), ("exit status 2".to_owned(), 2));
        assert_eq!(status_text(15), ("terminated by SIGTERM".to_owned(), -1));
        assert_eq!(
            status_text(6 | 0x80),
            ("terminated by SIGABRT (core dumped)".to_owned(), -1)
        );
        assert_eq!(
            status_text(0x137f),
            ("unknown termination cause 0x137f".to_owned(), -1)
        );
        assert_eq!(signal_name(29), "SIGPOLL");
        assert_eq!(signal_name(40), "signal 40");
    }

    #[test]
    fn raw_status_round_trips() {
        let pid = nix::unistd::Pid::from_raw(1);
        for ws in [
            WaitStatus::Exited(pid, 3),
            WaitStatus::Signaled(pid, Signal::SIGKILL, false),
            WaitStatus::Signaled(pid, Signal::SIGSEGV, true),
        ] {
            let raw = raw_status(ws);
            assert_eq!(WaitStatus::from_raw(pid, raw), Ok(ws));
        }
    }
}
