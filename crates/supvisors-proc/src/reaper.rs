//! The single owner of child exit statuses: `waitpid(-1, WNOHANG)` on every SIGCHLD.
//!
//! Reports `(pid, raw wait status)` on a channel; the driver routes them by pid. Never waits
//! for one particular pid, so no other code may reap children of the daemon.

use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// One reaped child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reaped {
    /// Pid of the child that ended.
    pub pid: i32,
    /// Raw wait status as `waitpid(2)` stores it (decode with [`crate::model::decode_wait_status`]).
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
