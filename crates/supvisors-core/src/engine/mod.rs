//! The engine: one instance's Supvisors logic, driven by `handle(input, now)` (spec §4–§5).
//!
//! `now` is the caller's wall clock in epoch seconds; the engine never reads a clock. All
//! periodic behaviour is paced by `Input::LocalTick`, which the driver feeds every tick period.
//!

use std::collections::VecDeque;

use crate::boundary::{CommandId, Input, Output, Publication};
use crate::commander::{Commander, Followup};
use crate::config::EngineConfig;
use crate::context::Context;
use crate::enums::{RunningFailureStrategies, SupvisorsStates};
use crate::failure::FailureHandler;
use crate::fsm::{self, RedeployMark};
use crate::messages::{
    DeferredRequest, HandshakeResult, Identifier, InternalMessage, StateModes, TickPayload,
    TickStatus,
};
use crate::rules_provider::RulesProvider;

/// The Supvisors engine of one instance.
pub struct Engine {
    ctx: Context,
    state: SupvisorsStates,
    redeploy_mark: RedeployMark,
    tick_counter: u64,
    published_modes: Option<StateModes>,
    waiters: Vec<(CommandId, requests::Waiter)>,
    starter: Commander,
    stopper: Commander,
    failure: FailureHandler,
    out: Vec<Output>,
}

impl Engine {
    /// An engine in state OFF; feed `Input::SupervisorRunning`-equivalent via [`Engine::start`].
    pub fn new(config: EngineConfig, rules: Box<dyn RulesProvider + Send>) -> Self {
        Engine {
            ctx: Context::new(config, rules),
            state: SupvisorsStates::OFF,
            redeploy_mark: RedeployMark::None,
            tick_counter: 0,
            published_modes: Some(StateModes::default()),
            waiters: Vec::new(),
            starter: Commander::starter(),
            stopper: Commander::stopper(),
            failure: FailureHandler::default(),
            out: Vec::new(),
        }
    }

    /// The local Supervisor is RUNNING: OFF → INITIALIZATION.
    pub fn start(&mut self, now: f64) -> Vec<Output> {
        self.set_state(SupvisorsStates::INITIALIZATION, now);
        std::mem::take(&mut self.out)
    }

    /// Applies one input and returns the decisions taken, in order.
    pub fn handle(&mut self, input: Input, now: f64) -> Vec<Output> {
        match input {
            Input::LocalTick { when } => {
                let status = self.ctx.config().tick_status.then(|| TickStatus {
                    master: self.ctx.master.clone(),
                    state_modes: self.state_modes(),
                });
                let tick = TickPayload {
                    when,
                    sequence_counter: self.tick_counter,
                    status,
                };
                self.tick_counter += 1;
                self.out
                    .push(Output::Broadcast(InternalMessage::Tick(tick)));
            }
            Input::Peer { from, msg } => self.on_message(&from, msg, now),
            Input::Handshake { from, result } => self.on_handshake(&from, result, now),
            Input::Command { id, cmd } => self.on_command(id, cmd, now),
        }
        self.publish_state_modes();
        self.update_waiters();
        std::mem::take(&mut self.out)
    }

    /// The local FSM state.
    pub fn state(&self) -> SupvisorsStates {
        self.state
    }

    /// The context (instances, applications, processes).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The master identifier ('' before election).
    pub fn master(&self) -> &str {
        &self.ctx.master
    }

    /// True when the local instance is the master.
    pub fn is_master(&self) -> bool {
        self.ctx.is_master()
    }

    /// The pending DEPLOYMENT mark.
    pub fn redeploy_mark(&self) -> RedeployMark {
        self.redeploy_mark
    }

    /// The master's last reported state, as a non-master follows it (None on the master).
    ///
    /// Deviation from 0.15 (quirks Q10, Q14): the reference keeps a separate `master_state`
    /// updated only by STATE messages received while the sender already is the master, so a
    /// late instance electing a master that reached OPERATION earlier stays in DEPLOYMENT until
    /// the master changes state again (found by the simulation). Here the state reported by the
    /// master instance (STATE messages and handshakes) is used; OFF and INITIALIZATION are not
    /// followed.
    pub fn master_state(&self) -> Option<SupvisorsStates> {
        if self.is_master() {
            return None;
        }
        let state = self.ctx.instance(&self.ctx.master)?.state_modes.fsm_state;
        (!matches!(
            state,
            SupvisorsStates::OFF | SupvisorsStates::INITIALIZATION
        ))
        .then_some(state)
    }

    /// The local state modes.
    pub fn state_modes(&self) -> StateModes {
        StateModes {
            fsm_state: self.state,
            starting_jobs: self.starter.in_progress(),
            stopping_jobs: self.stopper.in_progress(),
        }
    }

    fn on_message(&mut self, from: &str, msg: InternalMessage, now: f64) {
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
                    self.after_process_event(&event.identifier, &namespec, true, now);
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
        }
    }

    /// `tick_status` deviation (Q13, Q15): refresh a RUNNING peer's state modes, then re-sync
    /// if it declares another master that is RUNNING here.
    ///
    /// A master that is not RUNNING here (e.g. isolated by us only) could not be adopted, so
    /// re-synchronizing would only loop.
    fn on_tick_status(&mut self, from: &str, status: &TickStatus, now: f64) {
        if !self.ctx.config().tick_status || !self.ctx.instance(from).is_some_and(|i| i.running()) {
            return;
        }
        self.on_state_event(from, status.state_modes, now);
        let operating = matches!(
            self.state,
            SupvisorsStates::DEPLOYMENT
                | SupvisorsStates::OPERATION
                | SupvisorsStates::CONCILIATION
        );
        let master = status.master.as_str();
        if operating
            && !master.is_empty()
            && master != self.ctx.master
            && self.ctx.instance(master).is_some_and(|i| i.running())
        {
            self.set_state(SupvisorsStates::INITIALIZATION, now);
        }
    }

    /// Periodic check at each local tick (spec §5.8).
    fn periodic_check(&mut self, tick: &TickPayload, now: f64) {
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
                if let Some((app, process)) = namespec.split_once(':') {
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
    fn after_process_event(&mut self, identifier: &str, namespec: &str, forced: bool, now: f64) {
        let Some((group, name)) = namespec.split_once(':') else {
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
    fn crash_reaction(&mut self, group: &str, name: &str, forced: bool, now: f64) {
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
            RunningFailureStrategies::RESTART => self.on_restart(now),
            RunningFailureStrategies::SHUTDOWN => self.on_shutdown(now),
            RunningFailureStrategies::STOP_APPLICATION
            | RunningFailureStrategies::RESTART_APPLICATION
                if !forced =>
            {
                self.failure.add_default_job(&self.ctx, group, name);
            }
            _ => {}
        }
    }

    fn on_state_event(&mut self, from: &str, modes: StateModes, now: f64) {
        let before = self.master_state();
        self.ctx.on_state_modes(from, modes, &mut self.out);
        if !self.is_master() && from == self.ctx.master && self.master_state() != before {
            let next = self.next_state(now);
            if let Some(next) = next {
                self.set_state(next, now);
            }
        }
    }

    fn on_handshake(&mut self, from: &str, result: HandshakeResult, now: f64) {
        if self
            .ctx
            .on_authorization(from, result.authorized, &mut self.out)
        {
            if self.is_master()
                && matches!(
                    self.state,
                    SupvisorsStates::DEPLOYMENT
                        | SupvisorsStates::OPERATION
                        | SupvisorsStates::CONCILIATION
                )
            {
                self.redeploy_mark = RedeployMark::Requested;
            }
            if !result.master.is_empty() {
                if self.ctx.master.is_empty() {
                    self.ctx.master.clone_from(&result.master);
                }
                if result.master != self.ctx.master {
                    self.set_state(SupvisorsStates::INITIALIZATION, now);
                }
            }
        }
        self.on_state_event(from, result.state_modes, now);
        if !result.processes.is_empty() {
            self.ctx
                .load_processes(from, result.processes, now, &mut self.out);
        }
    }

    fn forward(&mut self, request: fn(Identifier) -> DeferredRequest) {
        let master = self.ctx.master.clone();
        self.out.push(Output::Request(request(master)));
    }

    fn on_restart(&mut self, now: f64) {
        if self.is_master() {
            self.set_state(SupvisorsStates::RESTARTING, now);
        } else {
            self.forward(DeferredRequest::RestartAll);
        }
    }

    fn on_shutdown(&mut self, now: f64) {
        if self.is_master() {
            self.set_state(SupvisorsStates::SHUTTING_DOWN, now);
        } else {
            self.forward(DeferredRequest::ShutdownAll);
        }
    }

    /// Loads seen by the strategies: running processes plus the Starter's pending requests.
    fn instance_loads(&self) -> Vec<crate::strategy::InstanceLoad> {
        let pending = self.starter.load_requests(&self.ctx);
        self.ctx
            .instances()
            .iter()
            .map(|i| crate::strategy::InstanceLoad {
                identifier: i.identifier().to_owned(),
                node: i.config.node.clone(),
                running: i.running(),
                load: self.ctx.instance_load(i.identifier()),
                pending: pending.get(i.identifier()).copied().unwrap_or(0),
            })
            .collect()
    }

    /// Executes what a commander asks of the other, until nothing is left.
    fn run_followups(&mut self, followups: Vec<Followup>, now: f64) {
        let mut queue: VecDeque<Followup> = followups.into();
        while let Some(followup) = queue.pop_front() {
            let (ctx, out) = (&self.ctx, &mut self.out);
            let more = match followup {
                Followup::StopApplication(app) => {
                    self.stopper.stop_application(ctx, out, now, &app)
                }
                Followup::StartApplication(strategy, app) => {
                    self.starter
                        .start_application(ctx, out, now, (strategy, &app))
                        .1
                }
                Followup::StartProcess(strategy, app, process, args) => {
                    let request = (strategy, app.as_str(), process.as_str(), args.as_str());
                    self.starter.start_process(ctx, out, now, request)
                }
            };
            queue.extend(more);
        }
    }

    /// Stops every job: INITIALIZATION, RESTARTING and SHUTTING_DOWN entries.
    fn abort_jobs(&mut self) {
        self.starter.abort();
        self.stopper.abort();
        self.failure.abort();
    }

    /// `fsm.next()`: Starter/Stopper timeout checks, then the state's own evaluation.
    fn fsm_next(&mut self, now: f64) {
        let (ctx, out) = (&self.ctx, &mut self.out);
        let mut followups = self.starter.check(ctx, out, now);
        followups.extend(self.stopper.check(ctx, out, now));
        self.run_followups(followups, now);
        if let Some(next) = self.evaluate(now) {
            self.set_state(next, now);
        }
    }

    /// `set_state` of spec §5.2.
    fn set_state(&mut self, target: SupvisorsStates, now: f64) {
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

    fn exit_state(&mut self) {
        if self.state == SupvisorsStates::INITIALIZATION {
            let running = self.ctx.running_identifiers();
            let core = self.ctx.config().core_identifiers.clone();
            self.ctx.master = fsm::elect_master(&self.ctx.master, &running, &core);
        }
    }

    fn enter_state(&mut self, now: f64) {
        use SupvisorsStates::*;
        match self.state {
            INITIALIZATION => {
                self.abort_jobs();
                self.ctx.reset(now);
            }
            DEPLOYMENT if self.is_master() => {
                let forced = self.redeploy_mark == RedeployMark::Forced;
                let (ctx, out) = (&self.ctx, &mut self.out);
                let followups = self.starter.start_applications(ctx, out, now, forced);
                self.run_followups(followups, now);
                self.redeploy_mark = RedeployMark::None;
            }
            CONCILIATION if self.is_master() => {
                self.conciliate(self.ctx.config().conciliation_strategy, now);
            }
            RESTARTING | SHUTTING_DOWN => {
                self.abort_jobs();
                if self.is_master() {
                    let (ctx, out) = (&self.ctx, &mut self.out);
                    let followups = self.stopper.stop_applications(ctx, out, now);
                    self.run_followups(followups, now);
                }
            }
            RESTART => self.out.push(Output::Request(DeferredRequest::Restart)),
            SHUTDOWN => self.out.push(Output::Request(DeferredRequest::Shutdown)),
            _ => {}
        }
        self.note_state_for_waiters();
    }

    /// The evaluation of the current state (spec §5.4), None to stay.
    fn next_state(&self, now: f64) -> Option<SupvisorsStates> {
        use SupvisorsStates::*;
        let ok = fsm::instances_ok(&self.ctx);
        let master = self.is_master();
        let jobs = self.starter.in_progress() || self.stopper.in_progress();
        match self.state {
            OFF | RESTART | SHUTDOWN => None,
            INITIALIZATION => fsm::initialization_next(&self.ctx, now),
            DEPLOYMENT | OPERATION | CONCILIATION if !ok => Some(INITIALIZATION),
            RESTARTING if !ok => Some(RESTART),
            SHUTTING_DOWN if !ok => Some(SHUTDOWN),
            RESTARTING if master => (!self.stopper.in_progress()).then_some(RESTART),
            SHUTTING_DOWN if master => (!self.stopper.in_progress()).then_some(SHUTDOWN),
            DEPLOYMENT if master => (!self.starter.in_progress()).then_some(OPERATION),
            OPERATION | CONCILIATION if master && jobs => None,
            OPERATION if master => {
                if !self.ctx.conflicts().is_empty() {
                    Some(CONCILIATION)
                } else if self.redeploy_mark != RedeployMark::None {
                    Some(DEPLOYMENT)
                } else {
                    None
                }
            }
            CONCILIATION if master => self.ctx.conflicts().is_empty().then_some(OPERATION),
            _ => self.master_state(),
        }
    }

    fn publish_state_modes(&mut self) {
        let modes = self.state_modes();
        if self.published_modes != Some(modes) {
            self.published_modes = Some(modes);
            self.ctx.set_local_state_modes(modes);
            self.out
                .push(Output::Broadcast(InternalMessage::State(modes)));
            self.out.push(Output::Publish(Publication::SupvisorsStatus));
        }
    }
}

#[cfg(test)]
mod jobs_tests;
mod repair;
mod requests;
#[cfg(test)]
mod tests;
