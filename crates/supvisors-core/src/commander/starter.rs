//! Starter entry points (spec §7.4).

use std::collections::BTreeMap;

use super::{Commander, Followup};
use crate::boundary::Output;
use crate::command::ProcessCommand;
use crate::context::Context;
use crate::enums::StartingStrategies;
use crate::intent::Intents;
use crate::jobs::ApplicationJobs;

impl Commander {
    /// Starter: plans the start sequence of an application; false when it has none (§7.4).
    pub fn store_start(
        &mut self,
        ctx: &Context,
        application: &str,
        strategy: StartingStrategies,
    ) -> bool {
        self.store_start_of(ctx, application, strategy, |_| true)
    }

    /// `store_start` limited to the processes `keep` accepts (by process name).
    fn store_start_of(
        &mut self,
        ctx: &Context,
        application: &str,
        strategy: StartingStrategies,
        keep: impl Fn(&str) -> bool,
    ) -> bool {
        let Some(app) = ctx.application(application) else {
            return false;
        };
        let planned: BTreeMap<i32, Vec<ProcessCommand>> = app
            .start_sequence()
            .range(1..)
            .map(|(seq, ps)| {
                let commands: Vec<ProcessCommand> = ps
                    .iter()
                    .filter(|p| keep(&p.process_name))
                    .map(|p| ProcessCommand::start(ctx, &p.process_name, strategy))
                    .collect();
                (*seq, commands)
            })
            .filter(|(_, commands)| !commands.is_empty())
            .collect();
        if planned.is_empty() {
            return false; // WARN has no valid start_sequence
        }
        let job = ApplicationJobs::starting(ctx, application, planned, strategy);
        self.store(app.rules.start_sequence, job);
        true
    }

    /// Starter: DEPLOYMENT plan (§7.4): auto-start applications never started or failed, or all
    /// when `forced`, and (Q19) those with a start-sequenced process that should run and runs
    /// nowhere; processes stopped on purpose are left out.
    ///
    /// Deviation from 0.15 (quirk Q19, `crate::intent`): the reference relies on the failure
    /// flags, which a lost master, a reboot or a handshake (Q12) can wipe out for good.
    pub fn start_applications(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (forced, intents): (bool, &Intents),
    ) -> Vec<Followup> {
        for app in ctx.applications() {
            if app.rules.start_sequence <= 0 {
                continue;
            }
            let may_run = |process: &str| intents.may_run(&app.name, process);
            let lost = app
                .start_sequence()
                .range(1..)
                .flat_map(|(_, ps)| ps)
                .any(|p| p.stopped() && may_run(&p.process_name));
            if forced || lost || app.never_started() || app.major_failure || app.minor_failure {
                self.store_start_of(ctx, &app.name, app.rules.starting_strategy, may_run);
            }
        }
        self.next(ctx, out, now)
    }

    /// Starter: `start_application` (only a STOPPED application); true when jobs were planned.
    pub fn start_application(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (strategy, application): (StartingStrategies, &str),
    ) -> (bool, Vec<Followup>) {
        let stopped = ctx
            .application(application)
            .is_some_and(|a| a.state == crate::enums::ApplicationStates::Stopped);
        let stored = stopped && self.store_start(ctx, application, strategy);
        (stored, self.next(ctx, out, now))
    }

    /// Starter: the start phase of a restart (§8.5, `restart_application`): as
    /// `start_application`, except that an application running again starts its
    /// start-sequenced processes that run nowhere and were not stopped on purpose.
    ///
    /// Deviation from 0.15 (quirk Q19): the reference refuses the start when a process of the
    /// application runs again (a stop request lost with its instance link, the stop timeout's
    /// forced state not yet received), so the crashed process that caused a RESTART_APPLICATION
    /// stayed down for good (simulation seed 1675 of the repair scenario).
    pub fn resume_application(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (strategy, application): (StartingStrategies, &str),
        intents: &Intents,
    ) -> Vec<Followup> {
        let Some(app) = ctx.application(application) else {
            return Vec::new();
        };
        if app.state == crate::enums::ApplicationStates::Stopped {
            return self
                .start_application(ctx, out, now, (strategy, application))
                .1;
        }
        let lost = |name: &str| {
            app.process(name).is_some_and(|p| p.stopped()) && intents.may_run(application, name)
        };
        self.store_start_of(ctx, application, strategy, lost);
        self.next(ctx, out, now)
    }

    /// Starter: `start_process` of a stopped process, RUNNING being enough (§7.4).
    pub fn start_process(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (strategy, application, process, extra_args): (StartingStrategies, &str, &str, &str),
    ) -> Vec<Followup> {
        let Some(app) = ctx.application(application) else {
            return Vec::new();
        };
        let Some(p) = app.process(process).filter(|p| p.stopped()) else {
            return Vec::new();
        };
        let mut cmd = ProcessCommand::start(ctx, process, strategy);
        if let Some(params) = cmd.start.as_mut() {
            params.ignore_wait_exit = true;
            params.extra_args = extra_args.to_owned();
        }
        let seq = p.rules.start_sequence;
        let priority = app.rules.start_sequence;
        self.merge(
            ctx,
            out,
            now,
            priority,
            (application, seq, vec![cmd]),
            |planned| ApplicationJobs::starting(ctx, application, planned, strategy),
        );
        self.next(ctx, out, now)
    }
}
