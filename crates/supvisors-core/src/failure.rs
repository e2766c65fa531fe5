//! The running failure handler of the master (spec §8.5): prioritized, deferred repair jobs.

use crate::context::Context;
use crate::enums::{ApplicationStates, RunningFailureStrategies, StartingStrategies};

/// A repair the handler asks the Stopper (and then the Starter) to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Stop the application.
    StopApplication(String),
    /// Stop then start the application with this strategy.
    RestartApplication(StartingStrategies, String),
    /// Stop then start the process (application, process) with this strategy, no extra args.
    RestartProcess(StartingStrategies, String, String),
}

/// Pending running-failure jobs, highest priority first: stop app > restart app > restart process > continue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailureHandler {
    stop_applications: Vec<String>,
    restart_applications: Vec<String>,
    restart_processes: Vec<(String, String)>,
    continue_processes: Vec<(String, String)>,
}

fn insert<T: PartialEq>(set: &mut Vec<T>, item: T) {
    if !set.contains(&item) {
        set.push(item);
    }
}

fn start_sequenced(ctx: &Context, app: &str, process: &str) -> bool {
    ctx.application(app)
        .and_then(|a| a.process(process))
        .is_some_and(|p| p.rules.start_sequence > 0)
}

impl FailureHandler {
    /// Drops every pending job (INITIALIZATION, RESTARTING, SHUTTING_DOWN).
    pub fn abort(&mut self) {
        *self = FailureHandler::default();
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self == &FailureHandler::default()
    }

    /// Adds the job of `strategy` for a process, with the priority rules of §8.5.
    pub fn add_job(
        &mut self,
        ctx: &Context,
        strategy: RunningFailureStrategies,
        app: &str,
        process: &str,
    ) {
        let stopping = self.stop_applications.iter().any(|a| a == app);
        let restarting = self.restart_applications.iter().any(|a| a == app);
        let key = (app.to_owned(), process.to_owned());
        // a process job is superseded by its application's stop, or restart when start-sequenced
        let superseded = stopping || (restarting && start_sequenced(ctx, app, process));
        match strategy {
            RunningFailureStrategies::StopApplication => {
                insert(&mut self.stop_applications, app.to_owned());
                self.restart_applications.retain(|a| a != app);
                self.restart_processes.retain(|(a, _)| a != app);
                self.continue_processes.retain(|(a, _)| a != app);
            }
            RunningFailureStrategies::RestartApplication if !stopping => {
                insert(&mut self.restart_applications, app.to_owned());
                let sequenced = |(a, p): &(String, String)| a == app && start_sequenced(ctx, a, p);
                self.restart_processes.retain(|k| !sequenced(k));
                self.continue_processes.retain(|k| !sequenced(k));
            }
            RunningFailureStrategies::RestartProcess if !superseded => {
                self.continue_processes.retain(|k| *k != key);
                insert(&mut self.restart_processes, key);
            }
            RunningFailureStrategies::Continue
                if !superseded && !self.restart_processes.contains(&key) =>
            {
                insert(&mut self.continue_processes, key);
            }
            _ => {} // RESTART / SHUTDOWN add no job; other cases are superseded
        }
    }

    /// The job of the process' own strategy, promoted to RESTART_APPLICATION when it is
    /// RESTART_PROCESS on a start-sequenced process of a STOPPED application.
    pub fn add_default_job(&mut self, ctx: &Context, app: &str, process: &str) {
        let Some(a) = ctx.application(app) else {
            return;
        };
        let Some(p) = a.process(process) else { return };
        let strategy = p.rules.running_failure_strategy;
        self.add_job(ctx, strategy, app, process);
        if strategy == RunningFailureStrategies::RestartProcess
            && a.state == ApplicationStates::Stopped
            && p.rules.start_sequence > 0
        {
            self.add_job(
                ctx,
                RunningFailureStrategies::RestartApplication,
                app,
                process,
            );
        }
    }

    /// The repairs that can run now: jobs of applications with Starter/Stopper jobs (`busy`) wait.
    pub fn trigger(&mut self, ctx: &Context, busy: &[String]) -> Vec<Repair> {
        let strategy_of = |app: &str| {
            ctx.application(app)
                .map_or(StartingStrategies::Config, |a| a.rules.starting_strategy)
        };
        let is_busy = |app: &str| busy.iter().any(|b| b == app);
        let mut repairs = Vec::new();
        let (ready, waiting): (Vec<_>, Vec<_>) =
            self.stop_applications.drain(..).partition(|a| !is_busy(a));
        self.stop_applications = waiting;
        repairs.extend(ready.into_iter().map(Repair::StopApplication));
        let (ready, waiting): (Vec<_>, Vec<_>) = self
            .restart_applications
            .drain(..)
            .partition(|a| !is_busy(a));
        self.restart_applications = waiting;
        repairs.extend(
            ready
                .into_iter()
                .map(|a| Repair::RestartApplication(strategy_of(&a), a)),
        );
        let (ready, waiting): (Vec<_>, Vec<_>) = self
            .restart_processes
            .drain(..)
            .partition(|(a, _)| !is_busy(a));
        self.restart_processes = waiting;
        repairs.extend(
            ready
                .into_iter()
                .map(|(a, p)| Repair::RestartProcess(strategy_of(&a), a, p)),
        );
        self.continue_processes.clear();
        repairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::enums::ProcessStates;
    use crate::process::tests::local_info;
    use crate::rules::{ApplicationRules, ProcessRules};
    use crate::rules_provider::FixedRules;
    use RunningFailureStrategies::*;

    /// app with p1 (start 1), p2 (start 0); other with q (start 1); all loaded on a.
    fn ctx(state: ProcessStates) -> Context {
        let mut rules = FixedRules::default();
        for app in ["app", "other"] {
            let mut r = ApplicationRules::unmanaged(StartingStrategies::LessLoaded);
            r.managed = true;
            r.start_sequence = 1;
            rules.applications.insert(app.into(), r);
        }
        let base = ProcessRules::inherited(&ApplicationRules::without_engine());
        for (ns, seq) in [("app:p1", 1), ("app:p2", 0), ("other:q", 1)] {
            let mut p = base.clone();
            p.start_sequence = seq;
            p.running_failure_strategy = RestartProcess;
            rules.processes.insert(ns.into(), p);
        }
        let mut c = Context::new(EngineConfig::new("a", &["a"]).unwrap(), Box::new(rules));
        let infos = vec![
            local_info("app", "p1", state),
            local_info("app", "p2", state),
            local_info("other", "q", state),
        ];
        c.load_processes("a", infos, 1.0, &mut Vec::new());
        c
    }

    #[test]
    fn item_96_restart_process_promoted_in_stopped_application() {
        let c = ctx(ProcessStates::Stopped);
        let mut h = FailureHandler::default();
        h.add_default_job(&c, "app", "p1");
        assert_eq!(h.restart_applications, ["app"]);
        assert!(h.restart_processes.is_empty(), "wiped by the promotion");
        h.add_default_job(&c, "app", "p2");
        assert_eq!(
            h.restart_processes,
            [("app".into(), "p2".into())],
            "p2 not start-sequenced"
        );
        let c = ctx(ProcessStates::Running);
        let mut h = FailureHandler::default();
        h.add_default_job(&c, "app", "p1");
        assert!(
            h.restart_applications.is_empty(),
            "application running: no promotion"
        );
        assert_eq!(h.restart_processes.len(), 1);
    }

    #[test]
    fn item_97_priorities_and_deferral() {
        let c = ctx(ProcessStates::Running);
        let mut h = FailureHandler::default();
        h.add_job(&c, RestartProcess, "app", "p1");
        h.add_job(&c, RestartProcess, "app", "p2");
        h.add_job(&c, Continue, "other", "q");
        h.add_job(&c, RestartApplication, "app", "p1");
        assert_eq!(
            h.restart_processes,
            [("app".into(), "p2".into())],
            "only sequenced ones removed"
        );
        h.add_job(&c, RestartProcess, "app", "p1");
        assert_eq!(
            h.restart_processes.len(),
            1,
            "superseded by the application restart"
        );
        h.add_job(&c, StopApplication, "app", "p1");
        assert_eq!(
            (h.stop_applications.len(), h.restart_applications.len()),
            (1, 0)
        );
        assert!(h.restart_processes.is_empty());
        h.add_job(&c, RestartApplication, "app", "p1");
        assert!(h.restart_applications.is_empty(), "stop supersedes restart");
        h.add_job(&c, Restart, "other", "q");
        h.add_job(&c, Shutdown, "other", "q");
        assert_eq!(
            h.continue_processes.len(),
            1,
            "RESTART / SHUTDOWN add no job"
        );
        let repairs = h.trigger(&c, &["app".into()]);
        assert!(
            repairs.is_empty(),
            "app busy: deferred; continue jobs just cleared"
        );
        assert!(h.continue_processes.is_empty());
        let repairs = h.trigger(&c, &[]);
        assert_eq!(repairs, [Repair::StopApplication("app".into())]);
        assert!(h.is_empty());
        h.add_job(&c, RestartProcess, "other", "q");
        assert_eq!(
            h.trigger(&c, &[]),
            [Repair::RestartProcess(
                StartingStrategies::LessLoaded,
                "other".into(),
                "q".into()
            )]
        );
    }
}
