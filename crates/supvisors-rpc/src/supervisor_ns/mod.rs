//! The `supervisor` XML-RPC namespace (spec §3.5): thin handlers that check arguments the way
//! Python applies them, call the process model inside its manager task, and encode results.
//! Everything a method decides lives in `supvisors_proc::model`.

pub mod convert;
mod logs;

use std::path::PathBuf;
use std::sync::Arc;

use supvisors_proc::driver::{Gone, ManagerHandle};
use supvisors_proc::mainlog::MainLogHandle;
use supvisors_proc::model::{Channel, Outcome, SignalArg};
use supvisors_rules::supervisor::SupervisorConfig;

use crate::dispatch::{CallFuture, MethodInfo, Namespace, expect_arity, to_int, to_str, truthy};
use crate::fault::{Fault, FaultCode};
use crate::supervisor_api::SUPERVISOR_METHODS;
use crate::value::Value;

pub use logs::Tails;

/// Re-reads the configuration file for `reloadConfig`: the parsed config, or the text of the
/// first error (`CANT_REREAD: <text>`).
pub type Reload = Arc<dyn Fn() -> Result<SupervisorConfig, String> + Send + Sync>;

/// The `supervisor` namespace of one daemon.
#[derive(Clone)]
pub struct SupervisorNamespace {
    manager: ManagerHandle,
    main_log: Option<PathBuf>,
    log: MainLogHandle,
    reload: Reload,
}

impl SupervisorNamespace {
    /// Handlers over `manager`; `main_log` is the main log file (none with syslog).
    pub fn new(
        manager: ManagerHandle,
        main_log: Option<PathBuf>,
        log: MainLogHandle,
        reload: Reload,
    ) -> Self {
        Self {
            manager,
            main_log,
            log,
            reload,
        }
    }
}

fn gone(_: Gone) -> Fault {
    // Only while the daemon is going away: the reference would be in SHUTDOWN state.
    Fault::bare(FaultCode::ShutdownState)
}

fn string_arg(params: &[Value], i: usize) -> Result<String, Fault> {
    params
        .get(i)
        .map_or_else(|| Err(Fault::bare(FaultCode::IncorrectParameters)), to_str)
        .map(str::to_owned)
}

fn wait_arg(params: &[Value], i: usize) -> bool {
    params.get(i).is_none_or(truthy)
}

fn signal_arg(v: &Value) -> SignalArg {
    match v {
        Value::Int(i) => SignalArg::Int(i64::from(*i)),
        Value::Bool(b) => SignalArg::Int(i64::from(*b)),
        other => SignalArg::Str(
            other
                .as_str()
                .map_or_else(|| format!("{other:?}"), str::to_owned),
        ),
    }
}

fn channel_of(method: &str) -> Channel {
    if method.contains("Stderr") {
        Channel::Stderr
    } else {
        Channel::Stdout
    }
}

/// The `INCORRECT_PARAMETERS: <value>` detail of a non-string `sendProcessStdin`, as Python
/// shows the value with `str()`.
fn python_str(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Double(d) => d.to_string(),
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => s.clone(),
        Value::Nil => "None".into(),
        other => format!("{other:?}"),
    }
}

impl SupervisorNamespace {
    async fn state_checked<R, F>(&self, f: F) -> Result<R, Fault>
    where
        R: Send + 'static,
        F: FnOnce(&mut supvisors_proc::driver::Core) -> R + Send + 'static,
    {
        self.model(move |core, _| {
            core.model.check_state()?;
            Ok(f(core))
        })
        .await
    }

    /// Runs `f` on the model; its fault (or the manager being gone) is the method's fault.
    async fn model<R, F>(&self, f: F) -> Result<R, Fault>
    where
        R: Send + 'static,
        F: FnOnce(
                &mut supvisors_proc::driver::Core,
                supvisors_proc::model::Clock,
            ) -> Result<R, supvisors_proc::model::Fault>
            + Send
            + 'static,
    {
        Ok(self.manager.with(f).await.map_err(gone)??)
    }

    async fn deferred<F>(&self, f: F) -> Result<Value, Fault>
    where
        F: FnOnce(
                &mut supvisors_proc::driver::Core,
                supvisors_proc::model::Clock,
            ) -> Result<Outcome, supvisors_proc::model::Fault>
            + Send
            + 'static,
    {
        let result = self.manager.deferred(f).await.map_err(gone)?;
        Ok(convert::rpc_result(&result?))
    }

    async fn call_method(self, method: String, params: Vec<Value>) -> Result<Value, Fault> {
        let m = method.as_str();
        match m {
            "getAPIVersion" | "getVersion" => {
                expect_arity(&params, 0, 0)?;
                self.state_checked(|_| Value::string("3.0")).await
            }
            "getSupervisorVersion" => {
                expect_arity(&params, 0, 0)?;
                self.state_checked(|_| Value::string("4.3.0")).await
            }
            "getIdentification" => {
                expect_arity(&params, 0, 0)?;
                self.state_checked(|c| Value::string(c.model.identifier()))
                    .await
            }
            "getState" => {
                expect_arity(&params, 0, 0)?;
                let state = self.model(|c, _| c.model.get_state()).await?;
                Ok(Value::structure([
                    ("statecode", Value::Int(state.code())),
                    ("statename", Value::string(state.name())),
                ]))
            }
            "getPID" => {
                expect_arity(&params, 0, 0)?;
                let pid = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
                self.state_checked(move |_| Value::Int(pid)).await
            }
            "readLog" | "readMainLog" => {
                expect_arity(&params, 2, 0)?;
                let (offset, length) = (to_int(&params[0])?, to_int(&params[1])?);
                self.state_checked(|_| ()).await?;
                let path = self
                    .main_log
                    .clone()
                    // No file means `logfile=syslog`; the reference names it in the fault.
                    .ok_or_else(|| Fault::new(FaultCode::NoFile, Some("syslog")))?;
                logs::read(path, offset, length).await
            }
            "clearLog" => {
                expect_arity(&params, 0, 0)?;
                self.state_checked(|_| ()).await?;
                let exists = self.main_log.as_ref().is_some_and(|p| p.exists());
                if !exists {
                    return Err(Fault::bare(FaultCode::NoFile));
                }
                self.log
                    .clear()
                    .await
                    .map_err(|e| Fault::new(FaultCode::Failed, Some(e)))?;
                self.log
                    .log(supvisors_proc::model::Level::Info, "reopening log file");
                Ok(Value::Bool(true))
            }
            "shutdown" => {
                expect_arity(&params, 0, 0)?;
                let r = self.model(|c, _| c.model.shutdown()).await?;
                Ok(Value::Bool(r))
            }
            "restart" => {
                expect_arity(&params, 0, 0)?;
                let r = self.model(|c, _| c.model.restart()).await?;
                Ok(Value::Bool(r))
            }
            "reloadConfig" => {
                expect_arity(&params, 0, 0)?;
                self.state_checked(|_| ()).await?;
                let reload = Arc::clone(&self.reload);
                let parsed = tokio::task::spawn_blocking(move || reload())
                    .await
                    .map_err(|_| Fault::bare(FaultCode::Failed))?;
                let diff = self
                    .model(move |c, _| c.model.reload_config(parsed))
                    .await?;
                let names =
                    |v: Vec<String>| Value::Array(v.into_iter().map(Value::string).collect());
                Ok(Value::Array(vec![Value::Array(vec![
                    names(diff.added),
                    names(diff.changed),
                    names(diff.removed),
                ])]))
            }
            "addProcessGroup" => {
                expect_arity(&params, 1, 0)?;
                let name = string_arg(&params, 0)?;
                let r = self
                    .model(move |c, _| c.model.add_process_group(&name, &mut c.host))
                    .await?;
                Ok(Value::Bool(r))
            }
            "removeProcessGroup" => {
                expect_arity(&params, 1, 0)?;
                let name = string_arg(&params, 0)?;
                let r = self
                    .model(move |c, _| c.model.remove_process_group(&name))
                    .await?;
                Ok(Value::Bool(r))
            }
            "getProcessInfo" => {
                expect_arity(&params, 1, 0)?;
                let name = string_arg(&params, 0)?;
                let info = self
                    .model(move |c, now| c.model.get_process_info(&name, now, &c.host))
                    .await?;
                Ok(convert::process_info(&info))
            }
            "getAllProcessInfo" => {
                expect_arity(&params, 0, 0)?;
                let infos = self
                    .model(|c, now| c.model.get_all_process_info(now, &c.host))
                    .await?;
                Ok(Value::Array(
                    infos.iter().map(convert::process_info).collect(),
                ))
            }
            "getAllConfigInfo" => {
                expect_arity(&params, 0, 0)?;
                let infos = self.model(|c, _| c.model.get_all_config_info()).await?;
                Ok(Value::Array(
                    infos.iter().map(convert::config_info).collect(),
                ))
            }
            "startProcess" | "stopProcess" | "startProcessGroup" | "stopProcessGroup" => {
                expect_arity(&params, 1, 1)?;
                let name = string_arg(&params, 0)?;
                let wait = wait_arg(&params, 1);
                match m {
                    "startProcess" => {
                        self.deferred(move |c, now| {
                            c.model.start_process(&name, wait, now, &mut c.host)
                        })
                        .await
                    }
                    "stopProcess" => {
                        self.deferred(move |c, now| {
                            c.model.stop_process(&name, wait, now, &mut c.host)
                        })
                        .await
                    }
                    "startProcessGroup" => {
                        self.deferred(move |c, now| {
                            c.model.start_process_group(&name, wait, now, &mut c.host)
                        })
                        .await
                    }
                    _ => {
                        self.deferred(move |c, now| {
                            c.model.stop_process_group(&name, wait, now, &mut c.host)
                        })
                        .await
                    }
                }
            }
            "startAllProcesses" => {
                expect_arity(&params, 0, 1)?;
                let wait = wait_arg(&params, 0);
                self.deferred(move |c, now| c.model.start_all_processes(wait, now, &mut c.host))
                    .await
            }
            "stopAllProcesses" => {
                expect_arity(&params, 0, 1)?;
                let wait = wait_arg(&params, 0);
                self.deferred(move |c, now| c.model.stop_all_processes(wait, now, &mut c.host))
                    .await
            }
            "signalProcess" | "signalProcessGroup" => {
                expect_arity(&params, 2, 0)?;
                let name = string_arg(&params, 0)?;
                let sig = signal_arg(&params[1]);
                let group = m == "signalProcessGroup";
                let r = self
                    .model(move |c, now| {
                        if group {
                            c.model.signal_process_group(&name, &sig, now, &mut c.host)
                        } else {
                            c.model.signal_process(&name, &sig, now, &mut c.host)
                        }
                    })
                    .await?;
                Ok(convert::rpc_result(&r))
            }
            "signalAllProcesses" => {
                expect_arity(&params, 1, 0)?;
                let sig = signal_arg(&params[0]);
                let r = self
                    .model(move |c, now| c.model.signal_all_processes(&sig, now, &mut c.host))
                    .await?;
                Ok(convert::rpc_result(&r))
            }
            "readProcessStdoutLog" | "readProcessLog" | "readProcessStderrLog" => {
                expect_arity(&params, 3, 0)?;
                let name = string_arg(&params, 0)?;
                let (offset, length) = (to_int(&params[1])?, to_int(&params[2])?);
                let channel = channel_of(m);
                let path = self
                    .model(move |c, _| {
                        c.model.check_state()?;
                        c.model.log_path(&name, channel)
                    })
                    .await?;
                let path = path.ok_or_else(|| Fault::bare(FaultCode::NoFile))?;
                logs::read(PathBuf::from(path), offset, length).await
            }
            "tailProcessStdoutLog" | "tailProcessLog" | "tailProcessStderrLog" => {
                expect_arity(&params, 3, 0)?;
                let name = string_arg(&params, 0)?;
                let (offset, length) = (to_int(&params[1])?, to_int(&params[2])?);
                let channel = channel_of(m);
                let path = self
                    .model(move |c, _| {
                        c.model.check_state()?;
                        c.model.log_path(&name, channel)
                    })
                    .await?;
                logs::tail(path.map(PathBuf::from), offset, length).await
            }
            "clearProcessLogs" | "clearProcessLog" => {
                expect_arity(&params, 1, 0)?;
                let name = string_arg(&params, 0)?;
                let (result, clears) = self
                    .manager
                    .with(move |c, _| {
                        let r = c.model.clear_process_logs(&name, &mut c.host);
                        (r, c.host.take_clears())
                    })
                    .await
                    .map_err(gone)?;
                let ok = result?;
                for io in clears {
                    for capture in io.captures() {
                        capture
                            .clear()
                            .await
                            .map_err(|_| Fault::new(FaultCode::Failed, params[0].as_str()))?;
                    }
                }
                Ok(Value::Bool(ok))
            }
            "clearAllProcessLogs" => {
                expect_arity(&params, 0, 0)?;
                let (result, clears) = self
                    .manager
                    .with(|c, _| {
                        let r = c.model.clear_all_process_logs(&mut c.host);
                        (r, c.host.take_clears())
                    })
                    .await
                    .map_err(gone)?;
                let results = result?;
                for io in clears {
                    for capture in io.captures() {
                        // A failure is already impossible to attribute after the fact; the
                        // reference reports FAILED per process only for synchronous errors.
                        let _ = capture.clear().await;
                    }
                }
                Ok(Value::Array(
                    results.iter().map(convert::process_result).collect(),
                ))
            }
            "sendProcessStdin" => {
                expect_arity(&params, 2, 0)?;
                let chars = match &params[1] {
                    Value::String(s) | Value::Raw(s) => s.clone().into_bytes(),
                    Value::Base64(b) => b.clone(),
                    other => {
                        return Err(Fault::new(
                            FaultCode::IncorrectParameters,
                            Some(python_str(other)),
                        ));
                    }
                };
                let name = string_arg(&params, 0)?;
                let r = self
                    .model(move |c, _| c.model.send_process_stdin(&name, &chars, &mut c.host))
                    .await?;
                Ok(Value::Bool(r))
            }
            "sendRemoteCommEvent" => {
                expect_arity(&params, 2, 0)?;
                let kind = string_arg(&params, 0)?;
                let data = string_arg(&params, 1)?;
                let r = self
                    .manager
                    .with(move |c, _| c.model.send_remote_comm_event(&kind, &data))
                    .await
                    .map_err(gone)?;
                Ok(Value::Bool(r))
            }
            _ => Err(Fault::bare(FaultCode::UnknownMethod)),
        }
    }
}

impl Namespace for SupervisorNamespace {
    fn name(&self) -> &str {
        "supervisor"
    }

    fn methods(&self) -> &[MethodInfo] {
        SUPERVISOR_METHODS
    }

    fn call(&self, method: &str, params: Vec<Value>) -> CallFuture {
        Box::pin(self.clone().call_method(method.to_owned(), params))
    }
}
