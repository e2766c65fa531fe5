//! The Starter and the Stopper: application jobs sequenced by application priority (§7.3–7.6).

use std::collections::BTreeMap;

use crate::boundary::Output;
use crate::command::ProcessCommand;
use crate::context::Context;
use crate::enums::StartingStrategies;
use crate::jobs::{ApplicationJobs, JobEnv, LoadMap};
use crate::messages::Identifier;

/// A request one commander makes to the other once a job completes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followup {
    /// Starter → Stopper: STOP starting-failure strategy.
    StopApplication(String),
    /// Stopper → Starter: second half of `restart_application`.
    StartApplication(StartingStrategies, String),
    /// Stopper → Starter: second half of `restart_process` (strategy, application, process, extra args).
    StartProcess(StartingStrategies, String, String, String),
}

/// Either the Starter (`starting`) or the Stopper.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Commander {
    starting: bool,
    planned: BTreeMap<i32, Vec<ApplicationJobs>>,
    current: Vec<ApplicationJobs>,
    restart_applications: BTreeMap<String, StartingStrategies>,
    restart_processes: BTreeMap<String, Vec<(StartingStrategies, String, String)>>,
    held: bool,
}

impl Commander {
    /// The Starter: smallest sequences first.
    pub fn starter() -> Self {
        Commander {
            starting: true,
            ..Commander::default()
        }
    }

    /// The Stopper: greatest sequences first.
    pub fn stopper() -> Self {
        Commander::default()
    }

    /// Jobs planned or in progress.
    pub fn in_progress(&self) -> bool {
        !self.planned.is_empty() || !self.current.is_empty()
    }

    /// Names of the applications having jobs (planned or current).
    pub fn application_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .current
            .iter()
            .chain(self.planned.values().flatten())
            .map(|j| j.application.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The jobs in progress.
    pub fn current(&self) -> &[ApplicationJobs] {
        &self.current
    }

    /// Drops every job; pending restart requests too (quirk Q7 recommendation).
    pub fn abort(&mut self) {
        self.planned.clear();
        self.current.clear();
        self.restart_applications.clear();
        self.restart_processes.clear();
    }

    /// Load requested by the current start jobs, per instance (§7.4).
    pub fn load_requests(&self, ctx: &Context) -> LoadMap {
        Self::sum_loads(ctx, self.current.iter())
    }

    fn sum_loads<'a>(ctx: &Context, jobs: impl Iterator<Item = &'a ApplicationJobs>) -> LoadMap {
        let mut total = LoadMap::new();
        for job in jobs {
            for (id, load) in job.load_requests(ctx) {
                *total.entry(id).or_default() += load;
            }
        }
        total
    }

    /// Runs `f` on the job at `index` of `current` with the loads of the other current jobs.
    fn with_current<R>(
        &mut self,
        index: usize,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        f: impl FnOnce(&mut ApplicationJobs, &mut JobEnv<'_>) -> R,
    ) -> Option<R> {
        let others = Self::sum_loads(
            ctx,
            self.current
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, j)| j),
        );
        let job = self.current.get_mut(index)?;
        let mut env = JobEnv {
            ctx,
            out,
            now,
            others: &others,
        };
        Some(f(job, &mut env))
    }

    /// Entry points store jobs without triggering them until [`Commander::release`].
    ///
    /// The failure handler plans several repairs at once (the reference's `trigger=False`), so
    /// that the priorities decide which application goes first.
    pub fn hold(&mut self) {
        self.held = true;
    }

    /// Ends [`Commander::hold`] and runs `next()`.
    pub fn release(&mut self, ctx: &Context, out: &mut Vec<Output>, now: f64) -> Vec<Followup> {
        self.held = false;
        self.next(ctx, out, now)
    }

    /// `next()` (§7.3): finished jobs end, then the next application sequence starts.
    pub fn next(&mut self, ctx: &Context, out: &mut Vec<Output>, now: f64) -> Vec<Followup> {
        let mut followups = Vec::new();
        if self.held {
            return followups;
        }
        loop {
            let (done, running): (Vec<_>, Vec<_>) = std::mem::take(&mut self.current)
                .into_iter()
                .partition(|j| !j.in_progress());
            self.current = running;
            for job in done {
                self.after(job, &mut followups);
            }
            if !self.current.is_empty() {
                break;
            }
            let key = if self.starting {
                self.planned.keys().next().copied()
            } else {
                self.planned.keys().next_back().copied()
            };
            let Some(jobs) = key.and_then(|k| self.planned.remove(&k)) else {
                break;
            };
            self.current = jobs;
            for index in 0..self.current.len() {
                self.with_current(index, ctx, out, now, |job, env| {
                    job.before(env);
                    job.next(env);
                });
            }
        }
        followups
    }

    fn after(&mut self, job: ApplicationJobs, followups: &mut Vec<Followup>) {
        if self.starting {
            if job.stop_request {
                followups.push(Followup::StopApplication(job.application));
            }
            return;
        }
        if let Some(strategy) = self.restart_applications.remove(&job.application) {
            followups.push(Followup::StartApplication(
                strategy,
                job.application.clone(),
            ));
        }
        for (strategy, process, extra_args) in self
            .restart_processes
            .remove(&job.application)
            .unwrap_or_default()
        {
            followups.push(Followup::StartProcess(
                strategy,
                job.application.clone(),
                process,
                extra_args,
            ));
        }
    }

    /// Timeout checks at each local tick, then `next()`.
    pub fn check(&mut self, ctx: &Context, out: &mut Vec<Output>, now: f64) -> Vec<Followup> {
        for index in 0..self.current.len() {
            self.with_current(index, ctx, out, now, |job, env| job.check(env));
        }
        self.next(ctx, out, now)
    }

    /// Routes a process event to the current job of its application, then `next()`.
    pub fn on_event(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (application, process, identifier): (&str, &str, &str),
    ) -> Vec<Followup> {
        let Some(index) = self
            .current
            .iter()
            .position(|j| j.application == application)
        else {
            return Vec::new();
        };
        self.with_current(index, ctx, out, now, |job, env| {
            job.on_event(env, process, identifier)
        });
        self.next(ctx, out, now)
    }

    /// Lost instances (§7.8): pending commands there fail; `failures` loses what is handled here.
    pub fn on_instances_invalidation(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        lost: &[Identifier],
        failures: &mut Vec<String>,
    ) -> Vec<Followup> {
        for job in self
            .current
            .iter_mut()
            .chain(self.planned.values_mut().flatten())
        {
            job.on_instances_invalidation(ctx, lost, failures);
        }
        self.next(ctx, out, now)
    }

    fn store(&mut self, priority: i32, job: ApplicationJobs) {
        let jobs = self.planned.entry(priority).or_default();
        jobs.retain(|j| j.application != job.application);
        jobs.push(job);
    }

    /// Adds commands to the application's job (current first, then planned) or to a new job.
    fn merge(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        priority: i32,
        (application, seq, commands): (&str, i32, Vec<ProcessCommand>),
        new_job: impl FnOnce(BTreeMap<i32, Vec<ProcessCommand>>) -> ApplicationJobs,
    ) {
        if let Some(index) = self
            .current
            .iter()
            .position(|j| j.application == application)
        {
            self.with_current(index, ctx, out, now, |job, env| {
                job.add_commands(env, seq, commands)
            });
        } else if let Some(job) = self
            .planned
            .values_mut()
            .flatten()
            .find(|j| j.application == application)
        {
            let others = LoadMap::new();
            let mut env = JobEnv {
                ctx,
                out,
                now,
                others: &others,
            };
            job.add_commands(&mut env, seq, commands);
        } else {
            self.store(priority, new_job(BTreeMap::from([(seq, commands)])));
        }
    }
}

mod starter;
mod stopper;
