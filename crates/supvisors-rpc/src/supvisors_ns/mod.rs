//! The `supvisors` XML-RPC namespace (interfaces §1): thin handlers over a
//! [`SupvisorsBackend`].
//!
//! Each method checks, in the reference's order (§1.7): its arity (a bare
//! `INCORRECT_PARAMETERS`, as Python's `TypeError`), its state guard on the engine snapshot
//! (§1.3), its argument conversions (§1.4), and the names it resolves in the Supvisors context;
//! then it reads the snapshot or hands the request to the backend, and encodes the answer.
//! The engine checks guards and names again when it runs a command (the snapshot may be one
//! step old), so the namespace leaves the names of engine commands to it.
//!
//! Never decides anything itself: the engine owns the Supvisors logic and the backend the local
//! Supervisor side (`start_args`, `update_numprocs`, `enable`, `disable`, local information).

mod api;
mod args;
mod backend;
pub mod convert;

use std::sync::Arc;

use supvisors_core::commands::{Command, CommandError, CommandReply, Guard};
use supvisors_core::engine::Engine;
use supvisors_core::queries::{API_VERSION, display_namespecs, split_namespec};

use crate::dispatch::{CallFuture, MethodInfo, Namespace, expect_arity, truthy};
use crate::fault::{Fault, FaultCode};
use crate::value::Value;

pub use api::SUPVISORS_METHODS;
pub use backend::SupvisorsBackend;

/// The `supvisors` namespace of one daemon.
#[derive(Clone)]
pub struct SupvisorsNamespace {
    backend: Arc<dyn SupvisorsBackend>,
}

impl SupvisorsNamespace {
    /// Handlers over `backend`.
    pub fn new(backend: Arc<dyn SupvisorsBackend>) -> Self {
        SupvisorsNamespace { backend }
    }
}

/// The positional parameters of one call, with the defaults of the Python signature.
struct Params(Vec<Value>);

impl Params {
    fn get(&self, i: usize) -> Result<&Value, Fault> {
        // expect_arity ran before: a missing required parameter cannot happen
        self.0.get(i).ok_or_else(args::type_error)
    }

    fn name(&self, i: usize) -> Result<String, Fault> {
        args::name(self.get(i)?)
    }

    /// An optional str parameter (`extra_args=''`).
    fn name_or_empty(&self, i: usize) -> Result<String, Fault> {
        self.0.get(i).map_or_else(|| Ok(String::new()), args::name)
    }

    /// An optional `wait=True`, read with Python truthiness.
    fn wait(&self, i: usize) -> bool {
        self.0.get(i).is_none_or(truthy)
    }
}

fn guard(engine: &Engine, method: &str) -> Result<(), Fault> {
    let guard = Guard::of_method(method).unwrap_or(Guard::Any);
    Ok(guard.check(engine.state())?)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(f).collect())
}

fn reply(result: Result<CommandReply, CommandError>) -> Result<Value, Fault> {
    match result? {
        CommandReply::Bool(b) => Ok(Value::Bool(b)),
        CommandReply::Namespec(namespec) => Ok(Value::String(display_namespecs(&namespec))),
    }
}

/// Name resolution of §1.4 in the context, for `start_args` (unguarded, so the guarded engine
/// queries cannot do it): the namespec must designate one process.
fn resolve_one(engine: &Engine, namespec: &str) -> Result<(), Fault> {
    let (app, process) = split_namespec(namespec);
    let application = engine
        .context()
        .application(app)
        .ok_or_else(|| CommandError::BadName(format!("application {app} unknown to Supvisors")))?;
    match process {
        Some(name) if application.process(name).is_some() => Ok(()),
        Some(name) => Err(CommandError::BadName(format!(
            "process={name} unknown in application={app}"
        ))
        .into()),
        // The reference fails with an internal error (HTTP 500) on `group:*`; a namespace
        // answers faults only, and FAILED is Supervisor's fault for an unexpected error.
        None => Err(Fault::new(
            FaultCode::Failed,
            Some(format!("start_args needs one process: {namespec}")),
        )),
    }
}

impl SupvisorsNamespace {
    async fn command(&self, cmd: Command) -> Result<Value, Fault> {
        reply(self.backend.command(cmd).await)
    }

    /// Arity, per method: (required, optional) as the Python signatures say.
    fn arity(method: &str) -> (usize, usize) {
        match method {
            "get_instance_info"
            | "get_application_info"
            | "get_application_rules"
            | "get_process_info"
            | "get_local_process_info"
            | "get_process_rules"
            | "change_log_level"
            | "conciliate" => (1, 0),
            "restart_sequence" => (0, 1),
            "stop_application" | "stop_process" | "enable" | "disable" => (1, 1),
            "start_application" | "restart_application" => (2, 1),
            "start_args" | "update_numprocs" => (2, 1),
            "start_process" | "start_any_process" | "restart_process" => (2, 2),
            _ => (0, 0),
        }
    }

    async fn call_method(self, method: String, params: Vec<Value>) -> Result<Value, Fault> {
        let m = method.as_str();
        let (required, optional) = Self::arity(m);
        expect_arity(&params, required, optional)?;
        let p = Params(params);
        let engine = self.backend.engine();
        guard(&engine, m)?;
        match m {
            "get_api_version" => Ok(Value::string(API_VERSION)),
            "get_supvisors_state" => Ok(convert::supvisors_status(&engine.supvisors_status())),
            "get_master_identifier" => Ok(Value::string(engine.master())),
            "get_strategies" => Ok(convert::strategies(&engine.strategies())),
            "get_instance_info" => {
                let info = engine.instance_info(&p.name(0)?)?;
                Ok(convert::instance_info(&info))
            }
            "get_all_instances_info" => {
                Ok(list(&engine.all_instances_info(), convert::instance_info))
            }
            "get_application_info" => {
                let info = engine.application_info(&p.name(0)?)?;
                Ok(convert::application_info(&info))
            }
            "get_all_applications_info" => Ok(list(
                &engine.all_applications_info()?,
                convert::application_info,
            )),
            "get_application_rules" => {
                let name = p.name(0)?;
                let rules = engine.application_rules(&name)?;
                Ok(convert::application_rules(&name, &rules))
            }
            "get_process_info" => Ok(list(
                &engine.process_info(&p.name(0)?)?,
                convert::process_info,
            )),
            "get_all_process_info" => Ok(list(&engine.all_process_info()?, convert::process_info)),
            "get_process_rules" => Ok(list(
                &engine.process_rules(&p.name(0)?)?,
                |(application, process, rules)| convert::process_rules(application, process, rules),
            )),
            "get_conflicts" => Ok(list(&engine.conflicts()?, convert::process_info)),
            "get_local_process_info" => {
                let namespec = p.name(0)?;
                let infos = self
                    .backend
                    .local_process_info(Some(namespec.clone()))
                    .await?;
                infos
                    .first()
                    .map(convert::local_process_info)
                    .ok_or_else(|| Fault::new(FaultCode::BadName, Some(namespec)))
            }
            "get_all_local_process_info" => {
                let infos = self.backend.local_process_info(None).await?;
                Ok(list(&infos, convert::local_process_info))
            }
            "change_log_level" => {
                let level = args::log_level(p.get(0)?)?;
                self.backend.change_log_level(level)?;
                Ok(Value::Bool(true))
            }
            "conciliate" => {
                let strategy = args::conciliation_strategy(p.get(0)?)?;
                self.command(Command::Conciliate(strategy)).await
            }
            "restart_sequence" => {
                let wait = p.wait(0);
                self.command(Command::RestartSequence { wait }).await
            }
            "restart" => self.command(Command::Restart).await,
            "shutdown" => self.command(Command::Shutdown).await,
            "start_application" | "restart_application" => {
                let strategy = args::starting_strategy(p.get(0)?)?;
                let application = p.name(1)?;
                let wait = p.wait(2);
                self.command(if m == "start_application" {
                    Command::StartApplication {
                        strategy,
                        application,
                        wait,
                    }
                } else {
                    Command::RestartApplication {
                        strategy,
                        application,
                        wait,
                    }
                })
                .await
            }
            "stop_application" => {
                let application = p.name(0)?;
                let wait = p.wait(1);
                self.command(Command::StopApplication { application, wait })
                    .await
            }
            "start_args" => {
                let namespec = p.name(0)?;
                resolve_one(&engine, &namespec)?;
                let extra_args = p.name(1)?;
                let wait = p.wait(2);
                let started = self.backend.start_args(namespec, extra_args, wait).await?;
                Ok(Value::Bool(started))
            }
            "start_process" | "start_any_process" | "restart_process" => {
                let strategy = args::starting_strategy(p.get(0)?)?;
                let namespec = p.name(1)?;
                let extra_args = p.name_or_empty(2)?;
                let wait = p.wait(3);
                self.command(match m {
                    "start_process" => Command::StartProcess {
                        strategy,
                        namespec,
                        extra_args,
                        wait,
                    },
                    "start_any_process" => Command::StartAnyProcess {
                        strategy,
                        regex: namespec,
                        extra_args,
                        wait,
                    },
                    _ => Command::RestartProcess {
                        strategy,
                        namespec,
                        extra_args,
                        wait,
                    },
                })
                .await
            }
            "stop_process" => {
                let namespec = p.name(0)?;
                let wait = p.wait(1);
                self.command(Command::StopProcess { namespec, wait }).await
            }
            "update_numprocs" | "enable" | "disable" => {
                let program = p.name(0)?;
                if !self.backend.has_program(&program) {
                    return Err(Fault::new(
                        FaultCode::BadName,
                        Some(format!("program {program} unknown to Supvisors")),
                    ));
                }
                let done = match m {
                    "update_numprocs" => {
                        let numprocs = args::numprocs(p.get(1)?)?;
                        let wait = p.wait(2);
                        self.backend
                            .update_numprocs(program, numprocs, wait)
                            .await?
                    }
                    "enable" => self.backend.enable(program, p.wait(1)).await?,
                    _ => self.backend.disable(program, p.wait(1)).await?,
                };
                Ok(Value::Bool(done))
            }
            _ => Err(Fault::bare(FaultCode::UnknownMethod)),
        }
    }
}

impl Namespace for SupvisorsNamespace {
    fn name(&self) -> &str {
        "supvisors"
    }

    fn methods(&self) -> &[MethodInfo] {
        SUPVISORS_METHODS
    }

    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture {
        Box::pin(self.clone().call_method(method.to_owned(), params))
    }
}

#[cfg(test)]
mod tests;
