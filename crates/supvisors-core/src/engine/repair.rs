//! Repairs decided by the master: running failures (§8.5) and conciliation (§8.4).

use super::Engine;
use crate::conciliation::{self, Resolution};
use crate::enums::{ConciliationStrategies, SupvisorsStates};
use crate::failure::Repair;

impl Engine {
    /// Runs the failure jobs whose applications have no Starter/Stopper job (§8.5).
    pub(super) fn trigger_failures(&mut self, now: f64) {
        let mut busy = self.starter.application_names();
        busy.extend(self.stopper.application_names());
        let repairs = self.failure.trigger(&self.ctx, &busy);
        if repairs.is_empty() {
            return;
        }
        self.starter.hold();
        self.stopper.hold();
        let mut followups = Vec::new();
        for repair in repairs {
            if let Repair::StopApplication(app) = &repair {
                // Q19: the strategy decided the application must not run; a repair keeps it so
                self.intend_application(app, crate::messages::Intent::Stopped, now);
            }
            let (ctx, out) = (&self.ctx, &mut self.out);
            followups.extend(match repair {
                Repair::StopApplication(app) => self.stopper.stop_application(ctx, out, now, &app),
                Repair::RestartApplication(strategy, app) => {
                    self.stopper
                        .restart_application(ctx, out, now, (strategy, &app))
                }
                Repair::RestartProcess(strategy, app, process) => {
                    let request = (strategy, app.as_str(), process.as_str(), "");
                    self.stopper.restart_process(ctx, out, now, request)
                }
            });
        }
        self.run_followups(followups, now);
        let (ctx, out) = (&self.ctx, &mut self.out);
        let mut followups = self.stopper.release(ctx, out, now);
        followups.extend(self.starter.release(ctx, out, now));
        self.run_followups(followups, now);
    }

    /// Applies a conciliation strategy to every current conflict (§8.4); false for USER.
    pub(super) fn conciliate(&mut self, strategy: ConciliationStrategies, now: f64) -> bool {
        if strategy == ConciliationStrategies::User {
            return false;
        }
        let order = self.ctx.identifiers();
        let plans: Vec<(String, String, Resolution)> = self
            .ctx
            .conflicts()
            .into_iter()
            .map(|p| {
                let resolution = conciliation::resolve(strategy, p, &order);
                (
                    p.application_name.clone(),
                    p.process_name.clone(),
                    resolution,
                )
            })
            .collect();
        self.stopper.hold();
        let mut followups = Vec::new();
        let mut failed = false;
        for (app, process, resolution) in plans {
            let (ctx, out) = (&self.ctx, &mut self.out);
            match resolution {
                Resolution::Nothing => {}
                Resolution::StopOn(ids) => {
                    let request = (app.as_str(), process.as_str(), Some(&ids[..]));
                    followups.extend(self.stopper.stop_process(ctx, out, now, request));
                }
                Resolution::Restart => {
                    let strategy = ctx
                        .application(&app)
                        .map_or(ctx.config().starting_strategy, |a| {
                            a.rules.starting_strategy
                        });
                    let request = (strategy, app.as_str(), process.as_str(), "");
                    followups.extend(self.stopper.restart_process(ctx, out, now, request));
                }
                Resolution::StopAndFail => {
                    let request = (app.as_str(), process.as_str(), None);
                    followups.extend(self.stopper.stop_process(ctx, out, now, request));
                    self.failure.add_default_job(&self.ctx, &app, &process);
                    failed = true;
                }
            }
        }
        let (ctx, out) = (&self.ctx, &mut self.out);
        followups.extend(self.stopper.release(ctx, out, now));
        self.run_followups(followups, now);
        if failed {
            self.trigger_failures(now);
        }
        true
    }

    /// The state evaluation plus its side effect: a master in CONCILIATION with conflicts left
    /// and no job in progress applies its strategy again (§5.4.5).
    pub(super) fn evaluate(&mut self, now: f64) -> Option<SupvisorsStates> {
        let next = self.next_state(now);
        let idle = !self.starter.in_progress() && !self.stopper.in_progress();
        if next.is_none()
            && self.state == SupvisorsStates::Conciliation
            && self.is_master()
            && idle
            && !self.ctx.conflicts().is_empty()
        {
            self.conciliate(self.ctx.config().conciliation_strategy, now);
        }
        next
    }
}
