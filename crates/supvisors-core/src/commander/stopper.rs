//! Stopper entry points (spec §7.5).

use std::collections::BTreeMap;

use super::{Commander, Followup};
use crate::boundary::Output;
use crate::command::ProcessCommand;
use crate::context::Context;
use crate::enums::StartingStrategies;
use crate::jobs::ApplicationJobs;
use crate::messages::Identifier;

impl Commander {
    pub(super) fn store_stop(&mut self, ctx: &Context, application: &str) {
        let Some(app) = ctx.application(application) else {
            return;
        };
        let planned: BTreeMap<i32, Vec<ProcessCommand>> = app
            .stop_sequence()
            .into_iter()
            .map(|(seq, ps)| {
                let cmds = ps
                    .iter()
                    .flat_map(|p| {
                        p.running_identifiers()
                            .iter()
                            .map(move |id| ProcessCommand::stop(ctx, p, id))
                    })
                    .collect::<Vec<_>>();
                (seq, cmds)
            })
            .filter(|(_, cmds)| !cmds.is_empty())
            .collect();
        if !planned.is_empty() {
            self.store(
                app.rules.stop_sequence,
                ApplicationJobs::stopping(application, planned),
            );
        }
    }

    /// Stopper: global stop of every application with running processes (§7.5).
    pub fn stop_applications(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
    ) -> Vec<Followup> {
        for app in ctx.applications() {
            if app.has_running_processes() {
                self.store_stop(ctx, &app.name);
            }
        }
        self.next(ctx, out, now)
    }

    /// Stopper: `stop_application` when it has running processes.
    pub fn stop_application(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        application: &str,
    ) -> Vec<Followup> {
        if ctx
            .application(application)
            .is_some_and(|a| a.has_running_processes())
        {
            self.store_stop(ctx, application);
        }
        self.next(ctx, out, now)
    }

    /// Stopper: `stop_process` wherever it runs (restricted to `only` if given).
    pub fn stop_process(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (application, process, only): (&str, &str, Option<&[Identifier]>),
    ) -> Vec<Followup> {
        let Some(app) = ctx.application(application) else {
            return Vec::new();
        };
        let Some(p) = app.process(process) else {
            return Vec::new();
        };
        let cmds: Vec<ProcessCommand> = p
            .running_identifiers()
            .iter()
            .filter(|id| only.is_none_or(|o| o.contains(id)))
            .map(|id| ProcessCommand::stop(ctx, p, id))
            .collect();
        if !cmds.is_empty() {
            let (seq, priority) = (p.rules.stop_sequence, app.rules.stop_sequence);
            self.merge(
                ctx,
                out,
                now,
                priority,
                (application, seq, cmds),
                |planned| ApplicationJobs::stopping(application, planned),
            );
        }
        self.next(ctx, out, now)
    }

    /// Stopper: `restart_application`: stop, then start in `after` (or start at once).
    pub fn restart_application(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (strategy, application): (StartingStrategies, &str),
    ) -> Vec<Followup> {
        if ctx
            .application(application)
            .is_some_and(|a| a.has_running_processes())
        {
            self.restart_applications
                .insert(application.to_owned(), strategy);
            self.stop_application(ctx, out, now, application)
        } else {
            vec![Followup::StartApplication(strategy, application.to_owned())]
        }
    }

    /// Stopper: `restart_process`: stop, then start in `after` (or start at once).
    pub fn restart_process(
        &mut self,
        ctx: &Context,
        out: &mut Vec<Output>,
        now: f64,
        (strategy, application, process, extra_args): (StartingStrategies, &str, &str, &str),
    ) -> Vec<Followup> {
        let running = ctx
            .application(application)
            .and_then(|a| a.process(process))
            .is_some_and(|p| p.running());
        if running {
            let entry = (strategy, process.to_owned(), extra_args.to_owned());
            self.restart_processes
                .entry(application.to_owned())
                .or_default()
                .push(entry);
            self.stop_process(ctx, out, now, (application, process, None))
        } else {
            let followup = Followup::StartProcess(
                strategy,
                application.into(),
                process.into(),
                extra_args.into(),
            );
            vec![followup]
        }
    }
}
