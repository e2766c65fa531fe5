//! Driving the state machine: `set_state`, enter/exit actions and evaluations (spec §5).

use super::Engine;
use crate::boundary::Output;
use crate::enums::SupvisorsStates;
use crate::fsm::{self, RedeployMark};
use crate::messages::{DeferredRequest, InternalMessage};

impl Engine {
    /// Stops every job: INITIALIZATION, RESTARTING and SHUTTING_DOWN entries.
    pub(super) fn abort_jobs(&mut self) {
        self.starter.abort();
        self.stopper.abort();
        self.failure.abort();
    }

    /// `fsm.next()`: Starter/Stopper timeout checks, then the state's own evaluation.
    pub(super) fn fsm_next(&mut self, now: f64) {
        let (ctx, out) = (&self.ctx, &mut self.out);
        let mut followups = self.starter.check(ctx, out, now);
        followups.extend(self.stopper.check(ctx, out, now));
        self.run_followups(followups, now);
        if let Some(next) = self.evaluate(now) {
            self.set_state(next, now);
        }
    }

    /// `set_state` of spec §5.2.
    pub(super) fn set_state(&mut self, target: SupvisorsStates, now: f64) {
        let mut target = Some(target);
        while let Some(to) = target.filter(|t| *t != self.state) {
            if self.is_master() && !fsm::transition_allowed(self.state, to) {
                // CRITICAL in the reference: the transition is refused.
                break;
            }
            self.exit_state();
            self.state = to;
            self.publish_state_modes();
            self.enter_state(now);
            target = self.evaluate(now);
        }
    }

    pub(super) fn exit_state(&mut self) {
        if self.state == SupvisorsStates::Initialization {
            let running = self.ctx.running_identifiers();
            let core = self.ctx.config().core_identifiers.clone();
            self.ctx.master = fsm::elect_master(&self.ctx.master, &running, &core);
        }
    }

    pub(super) fn enter_state(&mut self, now: f64) {
        use SupvisorsStates::*;
        match self.state {
            Initialization => {
                self.abort_jobs();
                self.ctx.reset(now);
            }
            Deployment if self.is_master() => {
                let forced = self.redeploy_mark == RedeployMark::Forced;
                let (ctx, out) = (&self.ctx, &mut self.out);
                let intents = &self.intents;
                let followups = self
                    .starter
                    .start_applications(ctx, out, now, (forced, intents));
                self.run_followups(followups, now);
                self.redeploy_mark = RedeployMark::None;
            }
            Conciliation if self.is_master() => {
                self.conciliate(self.ctx.config().conciliation_strategy, now);
            }
            Restarting | ShuttingDown => {
                self.abort_jobs();
                if self.is_master() {
                    let (ctx, out) = (&self.ctx, &mut self.out);
                    let followups = self.stopper.stop_applications(ctx, out, now);
                    self.run_followups(followups, now);
                }
            }
            Restart => self.out.push(Output::Request(DeferredRequest::Restart)),
            Shutdown => self.out.push(Output::Request(DeferredRequest::Shutdown)),
            _ => {}
        }
        self.note_state_for_waiters();
    }

    /// The evaluation of the current state (spec §5.4), None to stay.
    pub(super) fn next_state(&self, now: f64) -> Option<SupvisorsStates> {
        use SupvisorsStates::*;
        let ok = fsm::instances_ok(&self.ctx);
        let master = self.is_master();
        let jobs = self.starter.in_progress() || self.stopper.in_progress();
        match self.state {
            Off | Restart | Shutdown => None,
            Initialization => fsm::initialization_next(&self.ctx, now),
            Deployment | Operation | Conciliation if !ok => Some(Initialization),
            Restarting if !ok => Some(Restart),
            ShuttingDown if !ok => Some(Shutdown),
            Restarting if master => (!self.stopper.in_progress()).then_some(Restart),
            ShuttingDown if master => (!self.stopper.in_progress()).then_some(Shutdown),
            Deployment if master => (!self.starter.in_progress()).then_some(Operation),
            Operation | Conciliation if master && jobs => None,
            Operation if master => {
                if !self.ctx.conflicts().is_empty() {
                    Some(Conciliation)
                } else if self.redeploy_mark != RedeployMark::None {
                    Some(Deployment)
                } else {
                    None
                }
            }
            Conciliation if master => self.ctx.conflicts().is_empty().then_some(Operation),
            _ => self.master_state(),
        }
    }

    pub(super) fn publish_state_modes(&mut self) {
        let modes = self.state_modes();
        if self.published_modes != Some(modes) {
            self.published_modes = Some(modes);
            self.ctx.set_local_state_modes(modes);
            self.out
                .push(Output::Broadcast(InternalMessage::State(modes)));
            self.ctx.publish_status(&mut self.out);
        }
    }
}
