//! The engine: one instance's Supvisors logic, driven by `handle(input, now)` (spec §4–§5).
//!
//! `now` is the caller's wall clock in epoch seconds; the engine never reads a clock. All
//! periodic behaviour is paced by `Input::LocalTick`, which the driver feeds every tick period.
//! Submodules: `peers` (facts from instances), `states` (the FSM), `requests` (commands),
//! `waiters` (deferred replies), `repair` (failure handler and conciliation), `intents` (what
//! should run, Q19).

use std::collections::VecDeque;

use crate::boundary::{CommandId, Input, Output};
use crate::commander::{Commander, Followup};
use crate::config::EngineConfig;
use crate::context::Context;
use crate::enums::SupvisorsStates;
use crate::failure::FailureHandler;
use crate::fsm::RedeployMark;
use crate::intent::Intents;
use crate::messages::{
    DeferredRequest, Identifier, InternalMessage, StateModes, TickPayload, TickStatus,
};
use crate::rules_provider::RulesProvider;

/// The Supvisors engine of one instance.
///
/// Cloning is how a driver publishes a read-only snapshot for queries after each step.
#[derive(Clone, Debug)]
pub struct Engine {
    ctx: Context,
    state: SupvisorsStates,
    redeploy_mark: RedeployMark,
    tick_counter: u64,
    published_modes: Option<StateModes>,
    waiters: Vec<(CommandId, waiters::Waiter)>,
    starter: Commander,
    stopper: Commander,
    failure: FailureHandler,
    intents: Intents,
    out: Vec<Output>,
}

impl Engine {
    /// An engine in state OFF; feed `Input::SupervisorRunning`-equivalent via [`Engine::start`].
    pub fn new(config: EngineConfig, rules: impl RulesProvider + Send + Sync + 'static) -> Self {
        Engine {
            ctx: Context::new(config, rules),
            state: SupvisorsStates::Off,
            redeploy_mark: RedeployMark::None,
            tick_counter: 0,
            published_modes: Some(StateModes::default()),
            waiters: Vec::new(),
            starter: Commander::starter(),
            stopper: Commander::stopper(),
            failure: FailureHandler::default(),
            intents: Intents::default(),
            out: Vec::new(),
        }
    }

    /// The local Supervisor is RUNNING: OFF → INITIALIZATION.
    pub fn start(&mut self, now: f64) -> Vec<Output> {
        self.set_state(SupvisorsStates::Initialization, now);
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

    /// The Starter (jobs planned and in progress).
    pub fn starter(&self) -> &Commander {
        &self.starter
    }

    /// The Stopper (jobs planned and in progress).
    pub fn stopper(&self) -> &Commander {
        &self.stopper
    }

    /// What should run, as known here (quirk Q19); a driver's handshake returns its records.
    pub fn intents(&self) -> &Intents {
        &self.intents
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
            SupvisorsStates::Off | SupvisorsStates::Initialization
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

    fn forward(&mut self, request: fn(Identifier) -> DeferredRequest) {
        let master = self.ctx.master.clone();
        self.out.push(Output::Request(request(master)));
    }

    fn on_restart(&mut self, now: f64) {
        if self.is_master() {
            self.set_state(SupvisorsStates::Restarting, now);
        } else {
            self.forward(DeferredRequest::RestartAll);
        }
    }

    fn on_shutdown(&mut self, now: f64) {
        if self.is_master() {
            self.set_state(SupvisorsStates::ShuttingDown, now);
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
            .zip(self.ctx.loads())
            .map(|(i, load)| crate::strategy::InstanceLoad {
                identifier: i.identifier().to_owned(),
                node: i.config.node.clone(),
                running: i.running(),
                load: *load,
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
                    let request = (strategy, app.as_str());
                    self.starter
                        .resume_application(ctx, out, now, request, &self.intents)
                }
                Followup::StartProcess(strategy, app, process, args) => {
                    let request = (strategy, app.as_str(), process.as_str(), args.as_str());
                    self.starter.start_process(ctx, out, now, request)
                }
            };
            queue.extend(more);
        }
    }
}

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod fsm_tests;
mod intents;
#[cfg(test)]
mod intents_tests;
mod peers;
mod repair;
mod requests;
#[cfg(test)]
mod starter_tests;
mod states;
#[cfg(test)]
mod stopper_tests;
mod waiters;
