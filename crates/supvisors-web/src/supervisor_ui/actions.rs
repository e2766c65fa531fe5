//! The actions of the status page's links, performed through the process model the way the
//! matching XML-RPC calls are, each ending in the message the reference shows afterwards.

use supvisors_proc::driver::{Gone, ManagerHandle};
use supvisors_proc::model::{Fault, FaultCode, RpcResult};

/// What a status page request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Just show the page again.
    Refresh,
    /// `stopAllProcesses` (waiting).
    StopAll,
    /// `stopAllProcesses` then `startAllProcesses`.
    RestartAll,
    /// An action on one process (its existence is checked when performed).
    Process {
        /// The namespec as given.
        namespec: String,
        /// The action word as given (`start`, `stop`, `restart`, `clearlog`).
        verb: String,
    },
}

impl Action {
    /// The action of `action`/`processname`; `None` when the reference would fail with an
    /// internal error (an unknown action without a process name).
    pub fn parse(action: &str, processname: Option<&str>) -> Option<Action> {
        match (action, processname) {
            ("refresh", _) => Some(Action::Refresh),
            ("stopall", _) => Some(Action::StopAll),
            ("restartall", _) => Some(Action::RestartAll),
            (verb, Some(namespec)) => Some(Action::Process {
                namespec: namespec.to_owned(),
                verb: verb.to_owned(),
            }),
            (_, None) => None,
        }
    }
}

/// `ctime()`-style local time of the messages (`Wed Nov 25 11:36:39 2026`).
fn ctime() -> String {
    chrono::Local::now()
        .format("%a %b %e %H:%M:%S %Y")
        .to_string()
}

fn gone(_: Gone) -> Fault {
    // Only while the daemon is going away: the reference would be in SHUTDOWN state.
    Fault::bare(FaultCode::ShutdownState)
}

fn unexpected(fault: &Fault) -> String {
    format!("unexpected rpc fault [{}] {fault}", fault.code.code())
}

/// The text of a failed start, as the reference words the faults it expects.
fn start_error(namespec: &str, fault: &Fault) -> String {
    let what = match fault.code {
        FaultCode::NoFile => "no such file".to_owned(),
        FaultCode::NotExecutable => "file not executable".to_owned(),
        FaultCode::AlreadyStarted => "already started".to_owned(),
        FaultCode::SpawnError => "spawn error".to_owned(),
        FaultCode::AbnormalTermination => "abnormal termination".to_owned(),
        _ => unexpected(fault),
    };
    format!("ERROR: Process {namespec}: {what}")
}

async fn start(handle: &ManagerHandle, namespec: &str) -> Result<RpcResult, Fault> {
    let ns = namespec.to_owned();
    handle
        .deferred(move |c, now| c.model.start_process(&ns, true, now, &mut c.host))
        .await
        .map_err(gone)?
}

async fn stop(handle: &ManagerHandle, namespec: &str) -> Result<RpcResult, Fault> {
    let ns = namespec.to_owned();
    handle
        .deferred(move |c, now| c.model.stop_process(&ns, true, now, &mut c.host))
        .await
        .map_err(gone)?
}

async fn clear_logs(handle: &ManagerHandle, namespec: &str) -> Result<(), Fault> {
    let ns = namespec.to_owned();
    let (result, clears) = handle
        .with(move |c, _| {
            let r = c.model.clear_process_logs(&ns, &mut c.host);
            (r, c.host.take_clears())
        })
        .await
        .map_err(gone)?;
    result?;
    for io in clears {
        for capture in io.captures() {
            capture
                .clear()
                .await
                .map_err(|_| Fault::new(FaultCode::Failed, namespec))?;
        }
    }
    Ok(())
}

async fn exists(handle: &ManagerHandle, namespec: &str) -> bool {
    let ns = namespec.to_owned();
    handle
        .with(move |c, now| c.model.get_process_info(&ns, now, &c.host).is_ok())
        .await
        .unwrap_or(false)
}

/// Performs `action` and returns the message to show, or `None` for an unknown action on
/// an existing process (an internal error in the reference).
pub async fn perform(handle: &ManagerHandle, action: &Action) -> Option<String> {
    let (namespec, verb) = match action {
        Action::Refresh => return Some(format!("Page refreshed at {}", ctime())),
        Action::StopAll => {
            // The reference shows the same message whatever the stop answered.
            let _ = handle
                .deferred(|c, now| c.model.stop_all_processes(true, now, &mut c.host))
                .await;
            return Some(format!("All stopped at {}", ctime()));
        }
        Action::RestartAll => {
            // Like the reference's multicall: the start runs whatever the stop answered.
            let _ = handle
                .deferred(|c, now| c.model.stop_all_processes(true, now, &mut c.host))
                .await;
            let _ = handle
                .deferred(|c, now| c.model.start_all_processes(true, now, &mut c.host))
                .await;
            return Some(format!("All restarted at {}", ctime()));
        }
        Action::Process { namespec, verb } => (namespec.as_str(), verb.as_str()),
    };
    if !exists(handle, namespec).await {
        return Some(format!("No such process named {namespec}"));
    }
    let message = match verb {
        "start" => match start(handle, namespec).await {
            Ok(_) => format!("Process {namespec} started"),
            Err(fault) => start_error(namespec, &fault),
        },
        "stop" => match stop(handle, namespec).await {
            Ok(_) => format!("Process {namespec} stopped"),
            Err(fault) => unexpected(&fault),
        },
        "restart" => {
            // A multicall in the reference: each fault is a result, never an error.
            let _ = stop(handle, namespec).await;
            let _ = start(handle, namespec).await;
            format!("Process {namespec} restarted")
        }
        "clearlog" => match clear_logs(handle, namespec).await {
            Ok(()) => format!("Log for {namespec} cleared"),
            Err(fault) => unexpected(&fault),
        },
        _ => return None,
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_actions_need_no_process() {
        assert_eq!(Action::parse("refresh", None), Some(Action::Refresh));
        assert_eq!(Action::parse("stopall", Some("x")), Some(Action::StopAll));
        assert_eq!(Action::parse("restartall", None), Some(Action::RestartAll));
        assert_eq!(Action::parse("stop", None), None);
        assert_eq!(
            Action::parse("stop", Some("g:p")),
            Some(Action::Process {
                namespec: "g:p".into(),
                verb: "stop".into()
            })
        );
    }

    #[test]
    fn start_faults_use_the_reference_words() {
        let f = Fault::new(FaultCode::SpawnError, "x");
        assert_eq!(start_error("x", &f), "ERROR: Process x: spawn error");
        let f = Fault::new(FaultCode::BadName, "x");
        assert_eq!(
            start_error("x", &f),
            "ERROR: Process x: unexpected rpc fault [10] BAD_NAME: x"
        );
    }
}
