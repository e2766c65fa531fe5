//! The daemon's side of the `supvisors` XML-RPC namespace: engine snapshot and commands,
//! and the local operations.

use std::sync::Arc;

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use supvisors_core::commands::{Command, CommandError, CommandReply};
use supvisors_core::engine::Engine;
use supvisors_core::messages::LocalProcessInfo;
use supvisors_rpc::fault::Fault;
use supvisors_rpc::supvisors_ns::SupvisorsBackend;
use supvisors_rules::values::LogLevel;

use super::local::LocalSupvisors;

/// [`SupvisorsBackend`] over the running cluster.
pub struct ClusterBackend {
    local: LocalSupvisors,
}

impl ClusterBackend {
    /// A backend for these local operations.
    pub fn new(local: LocalSupvisors) -> Self {
        ClusterBackend { local }
    }
}

impl SupvisorsBackend for ClusterBackend {
    fn engine(&self) -> Arc<Engine> {
        self.local.engine.engine()
    }

    fn command(&self, cmd: Command) -> BoxFuture<'static, Result<CommandReply, CommandError>> {
        let engine = self.local.engine.clone();
        async move {
            engine.command(cmd).await.unwrap_or_else(|| {
                Err(CommandError::AbnormalTermination(
                    "Supvisors is stopping".to_owned(),
                ))
            })
        }
        .boxed()
    }

    fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>> {
        let local = self.local.clone();
        async move { local.start_args(namespec, extra_args, wait).await }.boxed()
    }

    fn local_process_info(
        &self,
        namespec: Option<String>,
    ) -> BoxFuture<'static, Result<Vec<LocalProcessInfo>, Fault>> {
        let local = self.local.clone();
        async move { local.local_process_info(namespec).await }.boxed()
    }

    fn has_program(&self, program: &str) -> bool {
        self.local.has_program(program)
    }

    fn update_numprocs(
        &self,
        program: String,
        numprocs: u32,
        wait: bool,
    ) -> BoxFuture<'static, Result<bool, Fault>> {
        let local = self.local.clone();
        async move { local.update_numprocs(program, numprocs, wait).await }.boxed()
    }

    fn enable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        let local = self.local.clone();
        async move { local.set_disabled(program, false, wait).await }.boxed()
    }

    fn disable(&self, program: String, wait: bool) -> BoxFuture<'static, Result<bool, Fault>> {
        let local = self.local.clone();
        async move { local.set_disabled(program, true, wait).await }.boxed()
    }

    fn change_log_level(&self, level: LogLevel) -> Result<(), Fault> {
        self.local.change_log_level(level);
        Ok(())
    }
}
