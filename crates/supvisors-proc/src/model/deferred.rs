//! Deferred RPC results (spec §3.6): a method that must wait returns a [`Waiter`], plain data
//! that [`Supervisor::poll`] re-evaluates after every model step (and about every 50 ms).

use super::clock::Clock;
use super::faults::{Fault, FaultCode};
use super::state::ProcessState;
use super::supervisor::Supervisor;

/// The per-process entry of group/all results (`{name, group, status, description}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessResult {
    /// Process name.
    pub name: String,
    /// Group name.
    pub group: String,
    /// `Success` (80) or the fault code.
    pub status: FaultCode,
    /// `OK` or the fault string.
    pub description: String,
}

impl ProcessResult {
    pub(crate) fn ok(group: &str, name: &str) -> Self {
        Self {
            name: name.into(),
            group: group.into(),
            status: FaultCode::Success,
            description: "OK".into(),
        }
    }

    pub(crate) fn fault(group: &str, name: &str, fault: &Fault) -> Self {
        Self {
            name: name.into(),
            group: group.into(),
            status: fault.code,
            description: fault.to_string(),
        }
    }
}

/// The value of a start/stop/signal call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpcResult {
    /// `true` (single-process methods).
    Bool(bool),
    /// An array of result structs (group/all variants, and `grp:*` namespecs).
    Results(Vec<ProcessResult>),
}

/// A result now, or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The call is complete.
    Done(RpcResult),
    /// Re-evaluate with [`Supervisor::poll`] until it yields.
    Deferred(Waiter),
}

/// A deferred call in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    pub(crate) kind: WaitKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WaitKind {
    /// `startProcess(wait=true)` waiting for RUNNING.
    Start { process: u64, namespec: String },
    /// `stopProcess(wait=true)` waiting for a stopped-class state.
    Stop { process: u64 },
    /// A group/all call: results so far, then the pending members in candidate order.
    All {
        results: Vec<ProcessResult>,
        pending: Vec<Pending>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    pub group: String,
    pub name: String,
    pub wait: Box<WaitKind>,
}

impl Supervisor {
    /// Re-evaluates a deferred call: `None` while not done.
    pub fn poll(&mut self, waiter: &mut Waiter, now: Clock) -> Option<Result<RpcResult, Fault>> {
        let kind = &mut waiter.kind;
        self.poll_kind(kind, now)
    }

    fn poll_kind(&mut self, kind: &mut WaitKind, now: Clock) -> Option<Result<RpcResult, Fault>> {
        match kind {
            WaitKind::Start { process, namespec } => {
                let Some(p) = self.find_id(*process) else {
                    return Some(Err(Fault::new(
                        FaultCode::AbnormalTermination,
                        namespec.clone(),
                    )));
                };
                if p.spawnerr.is_some() {
                    return Some(Err(Fault::new(FaultCode::SpawnError, namespec.clone())));
                }
                match p.state {
                    ProcessState::Running => Some(Ok(RpcResult::Bool(true))),
                    ProcessState::Starting => None,
                    _ => Some(Err(Fault::new(
                        FaultCode::AbnormalTermination,
                        namespec.clone(),
                    ))),
                }
            }
            WaitKind::Stop { process } => {
                let mut sink = std::mem::take(&mut self.sink);
                let stopped = match self.find_id_mut(*process) {
                    Some(p) => {
                        p.stop_report(now, &mut sink);
                        p.state.is_stopped()
                    }
                    // Only a stopped group can be removed.
                    None => true,
                };
                self.sink = sink;
                stopped.then_some(Ok(RpcResult::Bool(true)))
            }
            WaitKind::All { results, pending } => {
                let mut still = Vec::new();
                for mut item in std::mem::take(pending) {
                    match self.poll_kind(&mut item.wait, now) {
                        None => still.push(item),
                        Some(Ok(_)) => results.push(ProcessResult::ok(&item.group, &item.name)),
                        Some(Err(f)) => {
                            results.push(ProcessResult::fault(&item.group, &item.name, &f));
                        }
                    }
                }
                *pending = still;
                pending
                    .is_empty()
                    .then(|| Ok(RpcResult::Results(results.clone())))
            }
        }
    }
}
