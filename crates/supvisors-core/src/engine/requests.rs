//! State-changing requests of the `supvisors` namespace and their deferred replies (§1.7).

use super::Engine;
use crate::boundary::{CommandId, Output};
use crate::commands::{Command, CommandError, CommandReply};
use crate::enums::{ApplicationStates, StartingStrategies};
use crate::fsm::RedeployMark;
use crate::messages::{DeferredRequest, Intent};
use crate::queries::split_namespec;

use super::waiters::Waiter;

pub(super) type Reply = Result<CommandReply, CommandError>;

pub(super) const TRUE: Reply = Ok(CommandReply::Bool(true));

impl Engine {
    pub(super) fn reply(&mut self, id: CommandId, result: Reply) {
        self.out.push(Output::Reply { id, result });
    }

    fn reply_or_wait(&mut self, id: CommandId, wait: bool, waiter: Waiter, now_value: Reply) {
        if wait {
            self.waiters.push((id, waiter));
        } else {
            self.reply(id, now_value);
        }
    }

    pub(super) fn on_command(&mut self, id: CommandId, cmd: Command, now: f64) {
        if let Err(err) = cmd.guard().check(self.state) {
            self.reply(id, Err(err));
            return;
        }
        match cmd {
            Command::Restart => {
                self.on_restart(now);
                self.reply(id, TRUE);
            }
            Command::Shutdown => {
                self.on_shutdown(now);
                self.reply(id, TRUE);
            }
            Command::RestartSequence { wait } => {
                if self.is_master() {
                    self.redeploy_mark = RedeployMark::Forced;
                    self.intend_whole_sequence(now);
                } else {
                    self.forward(DeferredRequest::RestartSequence);
                }
                let waiter = Waiter::RestartSequence {
                    deployment_seen: false,
                };
                self.reply_or_wait(id, wait, waiter, TRUE);
            }
            Command::StopLocalProcesses(namespecs) => {
                let local = self.ctx.local_identifier().to_owned();
                for namespec in &namespecs {
                    let (app, process) = split_namespec(namespec);
                    let (ctx, out) = (&self.ctx, &mut self.out);
                    let only = [local.clone()];
                    let request = (app, process.unwrap_or(app), Some(&only[..]));
                    let followups = self.stopper.stop_process(ctx, out, now, request);
                    self.run_followups(followups, now);
                }
                self.waiters.push((id, Waiter::StopLocal(namespecs)));
            }
            Command::Conciliate(strategy) => {
                let applied = self.conciliate(strategy, now);
                self.reply(id, Ok(CommandReply::Bool(applied)));
            }
            Command::StartApplication {
                strategy,
                application,
                wait,
            } => {
                let result = self.start_application(strategy, &application, now);
                if result.is_ok() {
                    self.intend_application(&application, Intent::Run, now);
                }
                match result {
                    Ok(true) if wait => self
                        .waiters
                        .push((id, Waiter::StartApplication(application))),
                    other => self.reply(id, other.map(CommandReply::Bool)),
                }
            }
            Command::StopApplication { application, wait } => {
                let result = self.stop_application(&application, now);
                // already stopped (NOT_RUNNING) is still the wish to keep it stopped
                if matches!(result, Ok(_) | Err(CommandError::NotRunning(_))) {
                    self.intend_application(&application, Intent::Stopped, now);
                }
                match result {
                    Ok(true) if wait => self
                        .waiters
                        .push((id, Waiter::StopApplication(application))),
                    other => self.reply(id, other.map(CommandReply::Bool)),
                }
            }
            Command::RestartApplication {
                strategy,
                application,
                wait,
            } => match self.restart_application(strategy, &application, now) {
                Ok(()) => {
                    self.intend_application(&application, Intent::Run, now);
                    let waiter = Waiter::RestartApplication {
                        application,
                        stopped: false,
                    };
                    self.reply_or_wait(id, wait, waiter, TRUE);
                }
                Err(err) => self.reply(id, Err(err)),
            },
            Command::StartProcess {
                strategy,
                namespec,
                extra_args,
                wait,
            } => match self.start_processes(strategy, &namespec, &extra_args, now) {
                Ok(targets) => {
                    self.intend(&targets, Intent::Run, now);
                    self.reply_or_wait(id, wait, Waiter::StartProcesses(targets), TRUE);
                }
                Err(err) => self.reply(id, Err(err)),
            },
            Command::StartAnyProcess {
                strategy,
                regex,
                extra_args,
                wait,
            } => match self.start_any_process(strategy, &regex, &extra_args, now) {
                Ok(chosen) => {
                    self.intend(std::slice::from_ref(&chosen), Intent::Run, now);
                    if wait {
                        self.waiters.push((id, Waiter::StartAny(chosen)));
                    } else {
                        self.reply(id, Ok(CommandReply::Namespec(chosen)));
                    }
                }
                Err(err) => self.reply(id, Err(err)),
            },
            Command::StopProcess { namespec, wait } => match self.stop_processes(&namespec, now) {
                Ok(targets) => {
                    self.intend(&targets, Intent::Stopped, now);
                    self.reply_or_wait(id, wait, Waiter::StopProcesses(targets), TRUE);
                }
                Err(err @ CommandError::NotRunning(_)) => {
                    // already stopped is still the wish to keep it stopped
                    if let Ok(targets) = self.targets(&namespec) {
                        self.intend(&targets, Intent::Stopped, now);
                    }
                    self.reply(id, Err(err));
                }
                Err(err) => self.reply(id, Err(err)),
            },
            Command::RestartProcess {
                strategy,
                namespec,
                extra_args,
                wait,
            } => match self.restart_processes(strategy, &namespec, &extra_args, now) {
                Ok(namespecs) => {
                    self.intend(&namespecs, Intent::Run, now);
                    let waiter = Waiter::RestartProcesses {
                        namespecs,
                        stopped: false,
                    };
                    self.reply_or_wait(id, wait, waiter, TRUE);
                }
                Err(err) => self.reply(id, Err(err)),
            },
        }
    }

    fn start_application(
        &mut self,
        strategy: StartingStrategies,
        name: &str,
        now: f64,
    ) -> Result<bool, CommandError> {
        let app = self
            .ctx
            .application(name)
            .ok_or_else(|| CommandError::BadName(name.to_owned()))?;
        if !app.rules.managed {
            return Err(CommandError::NotManaged(name.to_owned()));
        }
        if app.state != ApplicationStates::Stopped {
            return Err(CommandError::AlreadyStarted(name.to_owned()));
        }
        let (ctx, out) = (&self.ctx, &mut self.out);
        let (_, followups) = self
            .starter
            .start_application(ctx, out, now, (strategy, name));
        self.run_followups(followups, now);
        Ok(self.starter.in_progress())
    }

    fn stop_application(&mut self, name: &str, now: f64) -> Result<bool, CommandError> {
        let app = self
            .ctx
            .application(name)
            .ok_or_else(|| CommandError::BadName(name.to_owned()))?;
        if !app.rules.managed {
            return Err(CommandError::NotManaged(name.to_owned()));
        }
        if !app.has_running_processes() {
            return Err(CommandError::NotRunning(name.to_owned()));
        }
        let (ctx, out) = (&self.ctx, &mut self.out);
        let followups = self.stopper.stop_application(ctx, out, now, name);
        self.run_followups(followups, now);
        Ok(self.stopper.in_progress())
    }

    fn restart_application(
        &mut self,
        strategy: StartingStrategies,
        name: &str,
        now: f64,
    ) -> Result<(), CommandError> {
        if self.ctx.application(name).is_none() {
            return Err(CommandError::BadName(format!(
                "application {name} unknown to Supvisors"
            )));
        }
        let (ctx, out) = (&self.ctx, &mut self.out);
        let followups = self
            .stopper
            .restart_application(ctx, out, now, (strategy, name));
        self.run_followups(followups, now);
        if self.starter.in_progress() || self.stopper.in_progress() {
            Ok(())
        } else {
            Err(CommandError::AbnormalTermination(format!(
                "failed restarting {name}"
            )))
        }
    }

    /// Name resolution of interfaces §1.4: the namespecs targeted.
    fn targets(&self, namespec: &str) -> Result<Vec<String>, CommandError> {
        let (app, process) = split_namespec(namespec);
        let a = self.ctx.application(app).ok_or_else(|| {
            CommandError::BadName(format!("application {app} unknown to Supvisors"))
        })?;
        match process {
            None => Ok(a.processes().iter().map(|p| p.namespec()).collect()),
            Some(name) if a.process(name).is_some() => Ok(vec![format!("{app}:{name}")]),
            Some(name) => Err(CommandError::BadName(format!(
                "process={name} unknown in application={app}"
            ))),
        }
    }

    pub(super) fn process_is(&self, namespec: &str, running: bool) -> bool {
        let (app, process) = split_namespec(namespec);
        let p = process.and_then(|name| self.ctx.application(app)?.process(name));
        p.is_some_and(|p| if running { p.running() } else { p.stopped() })
    }

    fn start_processes(
        &mut self,
        strategy: StartingStrategies,
        namespec: &str,
        extra_args: &str,
        now: f64,
    ) -> Result<Vec<String>, CommandError> {
        let targets = self.targets(namespec)?;
        if let Some(running) = targets.iter().find(|t| self.process_is(t, true)) {
            return Err(CommandError::AlreadyStarted(running.clone()));
        }
        for target in &targets {
            let (app, process) = split_namespec(target);
            let process = process.unwrap_or(app);
            let (ctx, out) = (&self.ctx, &mut self.out);
            let followups =
                self.starter
                    .start_process(ctx, out, now, (strategy, app, process, extra_args));
            self.run_followups(followups, now);
        }
        if !self.starter.in_progress() {
            return Err(CommandError::AbnormalTermination(namespec.to_owned()));
        }
        Ok(targets)
    }

    /// Chooses the first stopped process matching `pattern` that `strategy` can place (§1.7.11).
    ///
    /// An invalid pattern is reported as INCORRECT_PARAMETERS (the reference raises an internal
    /// error).
    fn start_any_process(
        &mut self,
        strategy: StartingStrategies,
        pattern: &str,
        extra_args: &str,
        now: f64,
    ) -> Result<String, CommandError> {
        let regex = regex::Regex::new(pattern).map_err(|e| {
            CommandError::IncorrectParameters(format!("invalid regex {pattern:?}: {e}"))
        })?;
        let loads = self.instance_loads();
        let ids = self.ctx.identifiers();
        let local = self.ctx.local_identifier();
        let chosen = self
            .ctx
            .applications()
            .iter()
            .flat_map(|a| a.processes())
            // the reference matches the namespec as Supervisor writes it (`name` alone when
            // the group has the same name)
            .filter(|p| {
                let shown = crate::queries::make_namespec(&p.application_name, &p.process_name);
                !p.running() && regex.is_match(&shown)
            })
            .find(|p| {
                let candidates = p.possible_identifiers(&ids);
                let load = u32::from(p.rules.expected_load);
                crate::strategy::choose(strategy, &candidates, load, &loads, local).is_some()
            })
            .map(|p| p.namespec())
            .ok_or_else(|| {
                CommandError::BadName(format!("no candidate process matching \"{pattern}\""))
            })?;
        self.start_processes(strategy, &chosen, extra_args, now)?;
        Ok(chosen)
    }

    fn stop_processes(&mut self, namespec: &str, now: f64) -> Result<Vec<String>, CommandError> {
        let targets = self.targets(namespec)?;
        for target in &targets {
            let (app, process) = split_namespec(target);
            let process = process.unwrap_or(app);
            let (ctx, out) = (&self.ctx, &mut self.out);
            let followups = self
                .stopper
                .stop_process(ctx, out, now, (app, process, None));
            self.run_followups(followups, now);
        }
        if !self.stopper.in_progress() {
            return Err(CommandError::NotRunning(namespec.to_owned()));
        }
        Ok(targets)
    }

    fn restart_processes(
        &mut self,
        strategy: StartingStrategies,
        namespec: &str,
        extra_args: &str,
        now: f64,
    ) -> Result<Vec<String>, CommandError> {
        let targets = self.targets(namespec)?;
        for target in &targets {
            let (app, process) = split_namespec(target);
            let process = process.unwrap_or(app);
            let (ctx, out) = (&self.ctx, &mut self.out);
            let request = (strategy, app, process, extra_args);
            let followups = self.stopper.restart_process(ctx, out, now, request);
            self.run_followups(followups, now);
        }
        if !self.starter.in_progress() && !self.stopper.in_progress() {
            return Err(CommandError::AbnormalTermination(format!(
                "failed restarting {namespec}"
            )));
        }
        Ok(targets)
    }
}
