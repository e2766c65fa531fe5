//! What the `supvisors` namespace needs from the daemon: the engine's published snapshot, a way
//! to submit commands to the engine task, and the few local Supervisor operations of
//! interfaces §1.7.9, §1.7.13 and §1.7.14.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use supvisors_core::commands::{Command, CommandError, CommandReply};
use supvisors_core::engine::Engine;
use supvisors_core::messages::LocalProcessInfo;
use supvisors_rules::values::LogLevel;

use crate::fault::Fault;

/// The daemon side of the `supvisors` namespace (implemented in `supvisors-cli`).
///
/// The namespace has already checked the arity, the state guard on [`SupvisorsBackend::engine`],
/// the conversions (strategies, level, numprocs) and the names in the Supvisors context when it
/// calls a method; what is left (the local Supervisor's own checks, the effects and the waits)
/// belongs here.
pub trait SupvisorsBackend: Send + Sync + 'static {
    /// The engine as of its last step (a published snapshot: never waits on the engine task).
    fn engine(&self) -> Arc<Engine>;

    /// A state-changing request; the future resolves with the engine's reply (deferred when
    /// the command waits).
    fn command(&self, cmd: Command) -> BoxFuture<'static, Result<CommandReply, CommandError>>;

    /// `start_args` on the local Supervisor: set the extra arguments of `namespec` (as given by
    /// the client, already known in the Supvisors context) then `startProcess(namespec, wait)`.
    ///
    /// Faults: `BAD_NAME: namespec <namespec> unknown to this Supervisor instance`, then those
    /// of `startProcess` (DISABLED first), NO_FILE / NOT_EXECUTABLE after forcing FATAL.
    fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>>;

    /// Local process information (`None`: all processes, in `getAllProcessInfo` order);
    /// `Some` gives one element or the `getProcessInfo` fault.
    fn local_process_info(
        &self,
        namespec: Option<String>,
    ) -> BoxFuture<'static, Result<Vec<LocalProcessInfo>, Fault>>;

    /// True when the program (`program`, `fcgi-program` or `eventlistener` section) is
    /// configured in the local Supervisor.
    fn has_program(&self, program: &str) -> bool;

    /// `update_numprocs` once the guard, the program and the value are checked: applies the
    /// new value (SUPVISORS_CONF_ERROR when Supervisor refuses it) and waits as §1.7.13 says.
    fn update_numprocs(
        &self,
        program: String,
        numprocs: u32,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>>;

    /// `enable` once the guard and the program are checked (§1.7.14).
    fn enable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>>;

    /// `disable` once the guard and the program are checked (§1.7.14).
    fn disable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>>;

    /// `change_log_level`, the level already validated.
    fn change_log_level(&self, level: LogLevel) -> Result<(), Fault>;
}
