//! Facts from the instances: ticks, process events, state modes and handshakes (spec §4–§6).

use super::Engine;
use crate::boundary::Output;
use crate::enums::{RunningFailureStrategies, SupvisorsStates};
use crate::fsm::{self, RedeployMark};
use crate::messages::{
    DeferredRequest, HandshakeResult, InternalMessage, StateModes, TickPayload, TickStatus,
};
use crate::queries::split_namespec;

impl Engine {
    pub(super) fn on_message(&mut self, from: &str, msg: InternalMessage, now: f64) {
        let closing = fsm::is_closing(self.state);
        let out = &mut self.out;
        match msg {
            InternalMessage::Tick(tick) => {
                self.ctx.on_tick(from, &tick, now, out);
                if from == self.ctx.local_identifier() {
                    self.periodic_check(&tick, now);
                } else if let Some(status) = &tick.status {
                    self.on_tick_status(from, status, now);
                }
            }
            InternalMessage::Process(event) => {
                if let Some(namespec) = self.ctx.on_process_event(from, &event, closing, now, out) {
                    self.after_process_event(from, &namespec, false, now);
                }
            }
            InternalMessage::ForcedProcess(event) => {
                if let Some(namespec) = self.ctx.on_forced_event(from, &event, closing, now, out) {
                    // as the reference: commands are looked up with the sender, not the target
                    self.after_process_event(from, &namespec, true, now);
                    self.retry_lost_start(&event);
                }
            }
            InternalMessage::ProcessAdded(infos) => self.ctx.load_processes(from, infos, now, out),
            InternalMessage::ProcessRemoved { group, name } => {
                self.ctx
                    .on_process_removed(from, &group, &name, closing, out);
            }
            InternalMessage::ProcessDisability(info) => {
                self.ctx.on_process_disability(from, &info, closing, out);
            }
            InternalMessage::State(modes) => self.on_state_event(from, modes, now),
            InternalMessage::Intents(records) => self.on_intents(records),
        }
    }

    /// `tick_status` deviation (Q13, Q15): refresh a RUNNING peer's state modes, then re-sync
    /// if it declares another master that is RUNNING here.
    ///
    /// A master that is not RUNNING here (e.g. isolated by us only) could not be adopted, so
    /// re-synchronizing would only loop.
    pub(super) fn on_tick_status(&mut self, from: &str, status: &TickStatus, now: f64) {
        if !self.ctx.config().tick_status || !self.ctx.instance(from).is_some_and(|i| i.running()) {
            return;
        }
        self.on_state_event(from, status.state_modes, now);
        let operating = matches!(
            self.state,
            SupvisorsStates::Deployment
                | SupvisorsStates::Operation
                | SupvisorsStates::Conciliation
        );
        let master = status.master.as_str();
        if operating
            && !master.is_empty()
            && master != self.ctx.master
            && self.ctx.instance(master).is_some_and(|i| i.running())
        {
            self.set_state(SupvisorsStates::Initialization, now);
        }
    }

    /// Periodic check at each local tick (spec §5.8).
    pub(super) fn periodic_check(&mut self, tick: &TickPayload, now: f64) {
        let (lost, mut failures) =
            self.ctx
                .check_inactivity(tick.sequence_counter, tick.when, now, &mut self.out);
        if !lost.is_empty() {
            let (ctx, out) = (&self.ctx, &mut self.out);
            let mut followups =
                self.starter
                    .on_instances_invalidation(ctx, out, now, &lost, &mut failures);
            followups.extend(self.stopper.on_instances_invalidation(
                ctx,
                out,
                now,
                &lost,
                &mut failures,
            ));
            self.run_followups(followups, now);
        }
        self.fsm_next(now);
        if self.is_master() {
            for namespec in failures {
                if let (app, Some(process)) = split_namespec(&namespec) {
                    self.failure.add_default_job(&self.ctx, app, process);
                }
            }
            self.trigger_failures(now);
        }
        let isolated = self.ctx.handle_isolation(&mut self.out);
        if !isolated.is_empty() {
            self.out
                .push(Output::Request(DeferredRequest::IsolateInstances(isolated)));
        }
    }

    /// Starter and Stopper see the event (every instance), then the crash reaction (§5.9).
    pub(super) fn after_process_event(
        &mut self,
        identifier: &str,
        namespec: &str,
        forced: bool,
        now: f64,
    ) {
        // `p` alone names process `p` of group `p` (make_namespec).
        let (group, Some(name)) = split_namespec(namespec) else {
            return;
        };
        let (ctx, out) = (&self.ctx, &mut self.out);
        let mut followups = self
            .starter
            .on_event(ctx, out, now, (group, name, identifier));
        followups.extend(
            self.stopper
                .on_event(ctx, out, now, (group, name, identifier)),
        );
        self.run_followups(followups, now);
        self.crash_reaction(group, name, forced, now);
    }

    /// Crash reaction on the master (spec §5.9).
    pub(super) fn crash_reaction(&mut self, group: &str, name: &str, forced: bool, now: f64) {
        if !self.is_master() {
            return;
        }
        let Some(process) = self.ctx.application(group).and_then(|a| a.process(name)) else {
            return;
        };
        if !process.crashed() {
            return;
        }
        match process.rules.running_failure_strategy {
            RunningFailureStrategies::Restart => self.on_restart(now),
            RunningFailureStrategies::Shutdown => self.on_shutdown(now),
            RunningFailureStrategies::StopApplication
            | RunningFailureStrategies::RestartApplication
                if !forced =>
            {
                self.failure.add_default_job(&self.ctx, group, name);
            }
            _ => {}
        }
    }

    pub(super) fn on_state_event(&mut self, from: &str, modes: StateModes, now: f64) {
        let before = self.master_state();
        self.ctx.on_state_modes(from, modes, &mut self.out);
        if !self.is_master() && from == self.ctx.master && self.master_state() != before {
            let next = self.next_state(now);
            if let Some(next) = next {
                self.set_state(next, now);
            }
        }
    }

    pub(super) fn on_handshake(&mut self, from: &str, result: HandshakeResult, now: f64) {
        if self
            .ctx
            .on_authorization(from, result.authorized, &mut self.out)
        {
            if self.is_master()
                && matches!(
                    self.state,
                    SupvisorsStates::Deployment
                        | SupvisorsStates::Operation
                        | SupvisorsStates::Conciliation
                )
            {
                self.redeploy_mark = RedeployMark::Requested;
            }
            if !result.master.is_empty() {
                if self.ctx.master.is_empty() {
                    self.ctx.master.clone_from(&result.master);
                }
                if result.master != self.ctx.master {
                    self.set_state(SupvisorsStates::Initialization, now);
                }
            }
        }
        if result.authorized == Some(true) {
            self.on_intents(result.intents);
        }
        self.on_state_event(from, result.state_modes, now);
        if !result.processes.is_empty() {
            self.ctx
                .load_processes(from, result.processes, now, &mut self.out);
        }
        // Q17: replay what the instance published while it was CHECKING
        for message in self.ctx.take_pending(from) {
            self.on_message(from, message, now);
        }
    }
}
