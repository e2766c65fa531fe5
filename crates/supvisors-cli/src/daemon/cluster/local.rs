//! What the `supvisors` namespace does on the receiving instance only (interfaces §1.7.9,
//! §1.7.13–14, core §9): `start_args`, local process information, `update_numprocs`,
//! `enable`/`disable` with their persistence and their waits on the engine's view.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use supvisors_core::commands::{Command, CommandError};
use supvisors_core::engine::Engine;
use supvisors_core::messages::{Identifier, LocalProcessInfo};
use supvisors_proc::driver::ManagerHandle;
use supvisors_proc::mainlog::MainLogHandle;
use supvisors_proc::model::RpcResult;
use supvisors_rpc::fault::{Fault, FaultCode};
use supvisors_rules::context::LoadContext;
use supvisors_rules::values::LogLevel;

use super::disabilities::write_disabilities;
use super::engine_task::{EngineHandle, wall_now};

/// The reference re-checks its deferred conditions every 0.5 s; a new snapshot wakes us
/// earlier.
const RECHECK: Duration = Duration::from_millis(500);

/// The local Supervisor seen from the Supvisors side.
#[derive(Clone)]
pub struct LocalSupvisors {
    /// The local identifier.
    pub local: Identifier,
    /// The local Supervisor.
    pub supervisor: ManagerHandle,
    /// The engine.
    pub engine: EngineHandle,
    /// The main log.
    pub log: MainLogHandle,
    /// `disabilities_file`.
    pub disabilities_file: Option<PathBuf>,
    /// Serializes the writes of that file.
    pub disabilities_lock: Arc<Mutex<()>>,
    /// Host facts for re-expanding program sections (`update_numprocs`).
    pub load_context: Arc<LoadContext<'static>>,
    /// Programs of the local configuration (`[program:x]`, `[fcgi-program:x]`,
    /// `[eventlistener:x]` names).
    pub programs: Arc<Vec<String>>,
}

fn gone() -> Fault {
    Fault::new(FaultCode::Failed, Some("the local Supervisor is stopping"))
}

impl LocalSupvisors {
    /// True when the program is configured here.
    pub fn has_program(&self, program: &str) -> bool {
        self.programs.iter().any(|p| p == program)
    }

    /// `start_args(namespec, extra_args, wait)`, the name already resolved in the context.
    ///
    /// On NO_FILE / NOT_EXECUTABLE the process is forced FATAL first (by the manager), so
    /// that the failure is visible as a process event: the master's Starter waits for it.
    pub async fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> Result<bool, Fault> {
        let started = self
            .supervisor
            .start_args(namespec.clone(), extra_args, wait)
            .await
            .map_err(|_| gone())?;
        match started {
            Ok(RpcResult::Bool(ok)) => Ok(ok),
            Ok(_) => Ok(true),
            Err(fault) => {
                self.log.log(
                    LogLevel::Error,
                    format!("RPCInterface.start_args: start_process {namespec} failed - {fault}"),
                );
                Err(Fault::from(fault))
            }
        }
    }

    /// `supervisor.stopProcess(namespec, false)` on the local Supervisor.
    pub async fn stop_process(&self, namespec: String) -> Result<(), Fault> {
        self.supervisor
            .deferred(move |core, now| {
                core.model
                    .stop_process(&namespec, false, now, &mut core.host)
            })
            .await
            .map_err(|_| gone())?
            .map(|_| ())
            .map_err(Fault::from)
    }

    /// Local process information: one process or all of them.
    pub async fn local_process_info(
        &self,
        namespec: Option<String>,
    ) -> Result<Vec<LocalProcessInfo>, Fault> {
        self.supervisor
            .with(move |core, now| match namespec {
                Some(ns) => core
                    .model
                    .local_process_info(&ns, now, &core.host)
                    .map(|i| vec![i]),
                None => Ok(core.model.all_local_process_info(now, &core.host)),
            })
            .await
            .map_err(|_| gone())?
            .map_err(Fault::from)
    }

    /// Waits until `done` holds on the engine's view.
    async fn wait_engine(&self, done: impl Fn(&Engine) -> bool) {
        let mut watch = self.engine.watch();
        loop {
            if done(&watch.borrow_and_update()) {
                return;
            }
            let _ = tokio::time::timeout(RECHECK, watch.changed()).await;
        }
    }

    fn has_local_info(engine: &Engine, local: &str, namespec: &str) -> bool {
        let (app, name) = supvisors_core::queries::split_namespec(namespec);
        let name = name.unwrap_or(app);
        engine
            .context()
            .application(app)
            .and_then(|a| a.process(name))
            .is_some_and(|p| p.info(local).is_some())
    }

    /// `update_numprocs(program, numprocs, wait)`, program and value already checked.
    pub async fn update_numprocs(
        &self,
        program: String,
        numprocs: u32,
        wait: bool,
    ) -> Result<bool, Fault> {
        let load_context = Arc::clone(&self.load_context);
        let change = self
            .supervisor
            .with(move |core, now| {
                let numprocs = i64::from(numprocs);
                core.model
                    .update_numprocs(&program, numprocs, &load_context, now, &mut core.host)
            })
            .await
            .map_err(|_| gone())??;
        let local = self.local.clone();
        if !change.added.is_empty() {
            if wait {
                let added = change.added.clone();
                self.wait_engine(|e| added.iter().all(|ns| Self::has_local_info(e, &local, ns)))
                    .await;
            }
            return Ok(true);
        }
        if change.obsolete.is_empty() {
            return Ok(true);
        }
        // Always deferred: the processes running here are stopped before they are removed.
        let stopped = self
            .engine
            .command(Command::StopLocalProcesses(change.obsolete.clone()))
            .await
            .ok_or_else(gone)?;
        let still_running = match stopped {
            Err(CommandError::AbnormalTermination(names)) => {
                names.split(' ').map(str::to_owned).collect()
            }
            Err(other) => return Err(Fault::from(other)),
            Ok(_) => Vec::new(),
        };
        let removable: Vec<String> = change
            .obsolete
            .iter()
            .filter(|ns| !still_running.contains(ns))
            .cloned()
            .collect();
        let to_remove = removable.clone();
        self.supervisor
            .with(move |core, _| core.model.remove_processes(&to_remove))
            .await
            .map_err(|_| gone())?;
        if !still_running.is_empty() {
            return Err(Fault::new(
                FaultCode::AbnormalTermination,
                Some(still_running.join(" ")),
            ));
        }
        if wait {
            self.wait_engine(|e| {
                removable
                    .iter()
                    .all(|ns| !Self::has_local_info(e, &local, ns))
            })
            .await;
        }
        Ok(true)
    }

    fn persist(&self, map: &BTreeMap<String, bool>) {
        let Some(path) = &self.disabilities_file else {
            return;
        };
        // One writer at a time: two quick enable/disable calls must not interleave files.
        let _guard = self.disabilities_lock.lock();
        if let Err(err) = write_disabilities(path, map) {
            self.log.log(
                LogLevel::Error,
                format!(
                    "cannot write the disabilities file {}: {err}",
                    path.display()
                ),
            );
        }
    }

    /// `enable(program, wait)` / `disable(program, wait)`, the program already checked.
    pub async fn set_disabled(
        &self,
        program: String,
        disabled: bool,
        wait: bool,
    ) -> Result<bool, Fault> {
        let (namespecs, map) = self
            .supervisor
            .with(move |core, now| {
                let namespecs =
                    core.model
                        .set_program_disabled(&program, disabled, now, &mut core.host)?;
                let map = core.model.disabilities().cloned().unwrap_or_default();
                Ok::<_, Fault>((namespecs, map))
            })
            .await
            .map_err(|_| gone())??;
        self.persist(&map);
        if disabled {
            // The processes of the program running here are stopped by the Stopper.
            let stop = Command::StopLocalProcesses(namespecs.clone());
            if wait {
                let stopped = self.engine.command(stop).await.ok_or_else(gone)?;
                if let Err(error) = stopped {
                    return Err(Fault::from(error));
                }
            } else {
                let (reply, _ignored) = tokio::sync::oneshot::channel();
                self.engine
                    .send(super::engine_task::EngineInput::Command { cmd: stop, reply });
            }
        }
        if wait {
            let local = self.local.clone();
            self.wait_engine(|e| {
                namespecs.iter().all(|ns| {
                    let (app, name) = supvisors_core::queries::split_namespec(ns);
                    e.context()
                        .application(app)
                        .and_then(|a| a.process(name.unwrap_or(app)))
                        .is_none_or(|p| p.disabled_on(&local) == disabled)
                })
            })
            .await;
        }
        Ok(true)
    }

    /// `change_log_level(level)`.
    pub fn change_log_level(&self, level: LogLevel) {
        self.log.set_level(level);
    }

    /// The engine's wall clock, for handshake answers.
    pub fn now(&self) -> f64 {
        wall_now()
    }
}
