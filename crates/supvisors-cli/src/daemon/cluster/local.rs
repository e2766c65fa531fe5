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
use supvisors_proc::model::{Fault, FaultCode, RpcResult};
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
    /// `disabilities_file` and the map persisted there.
    pub disabilities: Arc<Mutex<(Option<PathBuf>, BTreeMap<String, bool>)>>,
    /// Programs of the local configuration (`[program:x]`, `[fcgi-program:x]`,
    /// `[eventlistener:x]` names).
    pub programs: Arc<Vec<String>>,
}

fn gone() -> Fault {
    Fault::new(FaultCode::Failed, "the local Supervisor is stopping")
}

fn command_fault(error: CommandError) -> Fault {
    let text = error.to_string();
    let (code, detail) = match error {
        CommandError::AbnormalTermination(d) => (FaultCode::AbnormalTermination, d),
        CommandError::BadName(d) => (FaultCode::BadName, d),
        CommandError::NotRunning(d) => (FaultCode::NotRunning, d),
        CommandError::AlreadyStarted(d) => (FaultCode::AlreadyStarted, d),
        CommandError::NotManaged(d) => (FaultCode::NotManaged, d),
        CommandError::IncorrectParameters(d) => (FaultCode::IncorrectParameters, d),
        CommandError::BadSupvisorsState { .. } => {
            let detail = text.trim_start_matches("BAD_SUPVISORS_STATE: ").to_owned();
            (FaultCode::BadSupvisorsState, detail)
        }
    };
    Fault::new(code, detail)
}

impl LocalSupvisors {
    /// True when the program is configured here.
    pub fn has_program(&self, program: &str) -> bool {
        self.programs.iter().any(|p| p == program)
    }

    /// `start_args(namespec, extra_args, wait)`, the name already resolved in the context.
    pub async fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> Result<bool, Fault> {
        let ns = namespec.clone();
        let known = self
            .supervisor
            .with(move |core, _| core.model.set_extra_args(&ns, &extra_args))
            .await
            .map_err(|_| gone())?;
        if known.is_err() {
            self.log.log(
                LogLevel::Error,
                format!("RPCInterface.start_args: could not find {namespec} in Supervisor processes"),
            );
            return Err(Fault::new(
                FaultCode::BadName,
                format!("namespec {namespec} unknown to this Supervisor instance"),
            ));
        }
        let ns = namespec.clone();
        let started = self
            .supervisor
            .deferred(move |core, now| core.model.start_process(&ns, wait, now, &mut core.host))
            .await
            .map_err(|_| gone())?;
        match started {
            Ok(RpcResult::Bool(ok)) => Ok(ok),
            Ok(_) => Ok(true),
            Err(fault) => {
                if matches!(fault.code, FaultCode::NoFile | FaultCode::NotExecutable) {
                    // The failure must be visible as a process event (FATAL), not only to
                    // the caller: the Starter of the master waits for it.
                    let reason = fault.detail.clone().unwrap_or_default();
                    let _ = self.supervisor.post(move |core, now| {
                        let _ = core.model.force_fatal(&namespec, &reason, now, &mut core.host);
                    });
                }
                Err(fault)
            }
        }
    }

    /// `supervisor.stopProcess(namespec, false)` on the local Supervisor.
    pub async fn stop_process(&self, namespec: String) -> Result<(), Fault> {
        self.supervisor
            .deferred(move |core, now| core.model.stop_process(&namespec, false, now, &mut core.host))
            .await
            .map_err(|_| gone())?
            .map(|_| ())
    }

    /// Local process information: one process or all of them.
    pub async fn local_process_info(
        &self,
        namespec: Option<String>,
    ) -> Result<Vec<LocalProcessInfo>, Fault> {
        self.supervisor
            .with(move |core, now| match namespec {
                Some(ns) => core.model.local_process_info(&ns, now).map(|i| vec![i]),
                None => Ok(core.model.all_local_process_info(now)),
            })
            .await
            .map_err(|_| gone())?
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
        let change = self
            .supervisor
            .with(move |core, now| core.model.update_numprocs(&program, numprocs, now, &mut core.host))
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
            Err(other) => return Err(command_fault(other)),
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
            .with(move |core, now| core.model.remove_processes(&to_remove, now, &mut core.host))
            .await
            .map_err(|_| gone())?;
        if !still_running.is_empty() {
            return Err(Fault::new(
                FaultCode::AbnormalTermination,
                still_running.join(" "),
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

    fn persist(&self, program: &str, disabled: bool) {
        let Ok(mut guard) = self.disabilities.lock() else {
            return;
        };
        let (path, map) = &mut *guard;
        map.insert(program.to_owned(), disabled);
        if let Some(path) = path
            && let Err(err) = write_disabilities(path, map)
        {
            self.log.log(
                LogLevel::Error,
                format!("cannot write the disabilities file {}: {err}", path.display()),
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
        let name = program.clone();
        let namespecs = self
            .supervisor
            .with(move |core, now| {
                core.model
                    .set_program_disabled(&name, disabled, now, &mut core.host)
            })
            .await
            .map_err(|_| gone())??;
        self.persist(&program, disabled);
        if disabled {
            // The processes of the program running here are stopped by the Stopper.
            let stop = Command::StopLocalProcesses(namespecs.clone());
            if wait {
                let stopped = self.engine.command(stop).await.ok_or_else(gone)?;
                if let Err(error) = stopped {
                    return Err(command_fault(error));
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
