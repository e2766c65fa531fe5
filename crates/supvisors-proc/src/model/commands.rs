//! `supervisor.*` start, stop and signal methods (spec §3.5.6), name resolution (§3.5.1) and
//! the SHUTDOWN_STATE rule (§3.3).

use super::clock::Clock;
use super::deferred::{Outcome, Pending, ProcessResult, RpcResult, WaitKind, Waiter};
use super::faults::{Fault, FaultCode};
use super::host::{CommandErrorKind, Host};
use super::names::{make_namespec, split_namespec};
use super::state::{ProcessState, SupervisorState};
use super::supervisor::Supervisor;

/// A resolved namespec: a group index and, unless the whole group was named, a process index.
pub(crate) type Target = (usize, Option<usize>);

impl Supervisor {
    /// `SHUTDOWN_STATE` unless the mood is RUNNING (every method but `sendRemoteCommEvent`).
    pub fn check_state(&self) -> Result<(), Fault> {
        if self.mood < SupervisorState::Running {
            return Err(Fault::bare(FaultCode::ShutdownState));
        }
        Ok(())
    }

    /// `_getGroupAndProcess`: `BAD_NAME: <namespec>` for an unknown group or process.
    pub(crate) fn resolve(&self, namespec: &str) -> Result<Target, Fault> {
        let bad = || Fault::new(FaultCode::BadName, namespec);
        let (group, process) = split_namespec(namespec);
        let gi = self
            .groups
            .iter()
            .position(|g| g.config.name == group)
            .ok_or_else(bad)?;
        let Some(process) = process else {
            return Ok((gi, None));
        };
        let pi = self
            .groups
            .get(gi)
            .and_then(|g| g.processes.iter().position(|p| p.config.name == process))
            .ok_or_else(bad)?;
        Ok((gi, Some(pi)))
    }

    /// Like `resolve`, but a whole-group namespec is `BAD_NAME`.
    pub(crate) fn resolve_process(&self, namespec: &str) -> Result<(usize, usize), Fault> {
        match self.resolve(namespec)? {
            (gi, Some(pi)) => Ok((gi, pi)),
            (_, None) => Err(Fault::new(FaultCode::BadName, namespec)),
        }
    }

    /// All processes as (group index, process index), groups and processes by priority.
    pub(crate) fn all_by_priority(&self) -> Vec<(usize, usize)> {
        self.groups_by_priority()
            .into_iter()
            .flat_map(|gi| {
                let order = self
                    .groups
                    .get(gi)
                    .map(|g| g.by_priority())
                    .unwrap_or_default();
                order.into_iter().map(move |pi| (gi, pi))
            })
            .collect()
    }

    pub(crate) fn names_of(&self, gi: usize, pi: usize) -> Option<(String, String)> {
        let g = self.groups.get(gi)?;
        let p = g.processes.get(pi)?;
        Some((g.config.name.clone(), p.config.name.clone()))
    }

    /// `startProcess(namespec, wait)`.
    pub fn start_process(
        &mut self,
        namespec: &str,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        match self.resolve(namespec)? {
            (gi, None) => self.start_many(vec![gi], wait, now, host),
            (gi, Some(pi)) => self.start_one(gi, pi, namespec, wait, now, host),
        }
    }

    fn start_one(
        &mut self,
        gi: usize,
        pi: usize,
        namespec: &str,
        wait: bool,
        now: Clock,
        host: &mut dyn Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let Some(p) = self.groups.get(gi).and_then(|g| g.processes.get(pi)) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        // Supvisors' patched startProcess: after the state and name checks, before the others.
        if p.disabled {
            return Err(Fault::new(FaultCode::Disabled, namespec));
        }
        if let Err(e) = host.resolve_command(&p.command_line(), p.env_path()) {
            let code = match e.kind {
                CommandErrorKind::NotFound => FaultCode::NoFile,
                CommandErrorKind::NotExecutable => FaultCode::NotExecutable,
            };
            return Err(Fault::new(code, e.text));
        }
        if p.state.is_running() {
            return Err(Fault::new(FaultCode::AlreadyStarted, namespec));
        }
        if p.state == ProcessState::Unknown {
            return Err(Fault::new(
                FaultCode::Failed,
                format!("{namespec} is in an unknown process state"),
            ));
        }
        let id = p.id;
        self.with_process(gi, pi, now, host, |p, now, host, sink, env| {
            p.spawn(now, host, sink, env);
        });
        self.reap_now(now, host);
        let Some(p) = self.find_id(id) else {
            return Err(Fault::new(FaultCode::AbnormalTermination, namespec));
        };
        if p.spawnerr.is_some() {
            return Err(Fault::new(FaultCode::SpawnError, namespec));
        }
        self.with_process(gi, pi, now, host, |p, now, host, sink, env| {
            p.transition(now, host, sink, env);
        });
        let state = self.find_id(id).map(|p| p.state);
        if wait && state != Some(ProcessState::Running) {
            return Ok(Outcome::Deferred(Waiter {
                kind: WaitKind::Start {
                    process: id,
                    namespec: namespec.to_string(),
                },
            }));
        }
        Ok(Outcome::Done(RpcResult::Bool(true)))
    }

    /// Runs `f` on one process with the sink and environment, then offers events to pools.
    pub(crate) fn with_process<R>(
        &mut self,
        gi: usize,
        pi: usize,
        now: Clock,
        host: &mut dyn Host,
        f: impl FnOnce(
            &mut super::process::Process,
            Clock,
            &mut dyn Host,
            &mut super::output::Sink,
            &super::process::Env<'_>,
        ) -> R,
    ) -> Option<R> {
        let env = super::process::Env {
            server_url: self.server_url.as_deref(),
            strip_ansi: self.strip_ansi,
            mood: self.mood,
        };
        let p = self.groups.get_mut(gi)?.processes.get_mut(pi)?;
        let r = f(p, now, host, &mut self.sink, &env);
        self.flush();
        Some(r)
    }

    /// `startProcessGroup(name, wait)`.
    pub fn start_process_group(
        &mut self,
        name: &str,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let gi = self.group_index(name)?;
        self.start_many(vec![gi], wait, now, host)
    }

    /// `startAllProcesses(wait)`.
    pub fn start_all_processes(
        &mut self,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let all = self.groups_by_priority();
        self.start_many(all, wait, now, host)
    }

    pub(crate) fn group_index(&self, name: &str) -> Result<usize, Fault> {
        self.groups
            .iter()
            .position(|g| g.config.name == name)
            .ok_or_else(|| Fault::new(FaultCode::BadName, name))
    }

    pub(crate) fn members(&self, groups: &[usize]) -> Vec<(usize, usize)> {
        groups
            .iter()
            .flat_map(|&gi| {
                let order = self
                    .groups
                    .get(gi)
                    .map(|g| g.by_priority())
                    .unwrap_or_default();
                order.into_iter().map(move |pi| (gi, pi))
            })
            .collect()
    }

    fn start_many(
        &mut self,
        groups: Vec<usize>,
        wait: bool,
        now: Clock,
        host: &mut dyn Host,
    ) -> Result<Outcome, Fault> {
        let mut results = Vec::new();
        let mut pending = Vec::new();
        for (gi, pi) in self.members(&groups) {
            let Some((group, name)) = self.names_of(gi, pi) else {
                continue;
            };
            let running = self
                .groups
                .get(gi)
                .and_then(|g| g.processes.get(pi))
                .is_some_and(|p| p.state.is_running());
            if running {
                continue;
            }
            let namespec = make_namespec(&group, &name);
            match self.start_one(gi, pi, &namespec, wait, now, host) {
                Err(f) => results.push(ProcessResult::fault(&group, &name, &f)),
                Ok(Outcome::Deferred(w)) => pending.push(Pending {
                    group,
                    name,
                    wait: Box::new(w.kind),
                }),
                Ok(Outcome::Done(_)) => results.push(ProcessResult::ok(&group, &name)),
            }
        }
        Ok(self.settle(results, pending, now))
    }

    /// Evaluates pending members once (as the reference does in the same call).
    fn settle(
        &mut self,
        results: Vec<ProcessResult>,
        pending: Vec<Pending>,
        now: Clock,
    ) -> Outcome {
        let mut waiter = Waiter {
            kind: WaitKind::All { results, pending },
        };
        match self.poll(&mut waiter, now) {
            Some(Ok(r)) => Outcome::Done(r),
            Some(Err(_)) | None => Outcome::Deferred(waiter),
        }
    }

    /// `stopProcess(namespec, wait)`.
    pub fn stop_process(
        &mut self,
        namespec: &str,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        match self.resolve(namespec)? {
            (gi, None) => self.stop_many(vec![gi], wait, now, host),
            (gi, Some(pi)) => self.stop_one(gi, pi, namespec, wait, now, host),
        }
    }

    fn stop_one(
        &mut self,
        gi: usize,
        pi: usize,
        namespec: &str,
        wait: bool,
        now: Clock,
        host: &mut dyn Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let Some(p) = self.groups.get(gi).and_then(|g| g.processes.get(pi)) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        if !p.state.is_running() {
            return Err(Fault::new(FaultCode::NotRunning, namespec));
        }
        let id = p.id;
        let msg = self
            .with_process(gi, pi, now, host, |p, now, host, sink, _| {
                p.stop(now, host, sink)
            })
            .flatten();
        if let Some(msg) = msg {
            return Err(Fault::new(FaultCode::Failed, msg));
        }
        self.reap_now(now, host);
        let stopped = self.find_id(id).is_none_or(|p| p.state.is_stopped());
        if wait && !stopped {
            return Ok(Outcome::Deferred(Waiter {
                kind: WaitKind::Stop { process: id },
            }));
        }
        Ok(Outcome::Done(RpcResult::Bool(true)))
    }

    /// `stopProcessGroup(name, wait)`.
    pub fn stop_process_group(
        &mut self,
        name: &str,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let gi = self.group_index(name)?;
        self.stop_many(vec![gi], wait, now, host)
    }

    /// `stopAllProcesses(wait)`.
    pub fn stop_all_processes(
        &mut self,
        wait: bool,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<Outcome, Fault> {
        self.check_state()?;
        let all = self.groups_by_priority();
        self.stop_many(all, wait, now, host)
    }

    fn stop_many(
        &mut self,
        groups: Vec<usize>,
        wait: bool,
        now: Clock,
        host: &mut dyn Host,
    ) -> Result<Outcome, Fault> {
        let mut results = Vec::new();
        let mut pending = Vec::new();
        for (gi, pi) in self.members(&groups) {
            let Some((group, name)) = self.names_of(gi, pi) else {
                continue;
            };
            let running = self
                .groups
                .get(gi)
                .and_then(|g| g.processes.get(pi))
                .is_some_and(|p| p.state.is_running());
            if !running {
                continue;
            }
            let namespec = make_namespec(&group, &name);
            match self.stop_one(gi, pi, &namespec, wait, now, host) {
                Err(f) => results.push(ProcessResult::fault(&group, &name, &f)),
                Ok(Outcome::Deferred(w)) => pending.push(Pending {
                    group,
                    name,
                    wait: Box::new(w.kind),
                }),
                Ok(Outcome::Done(_)) => results.push(ProcessResult::ok(&group, &name)),
            }
        }
        Ok(self.settle(results, pending, now))
    }
}
