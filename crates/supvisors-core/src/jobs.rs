//! The jobs of one application in one direction: start or stop sequences (spec §7.2).

use std::collections::BTreeMap;

use crate::boundary::Output;
use crate::command::{self, ProcessCommand, RequestResult, StartExpectation};
use crate::context::Context;
use crate::enums::{
    DistributionRules, ProcessStates, StartingFailureStrategies, StartingStrategies,
};
use crate::messages::{DeferredRequest, ForcedProcessEvent, Identifier, InternalMessage};
use crate::process::ProcessStatus;
use crate::strategy::{self, InstanceLoad};

/// Load requested per instance by start commands not yet effective.
pub type LoadMap = BTreeMap<Identifier, u32>;

/// The jobs of one application: planned groups by sequence, and commands in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationJobs {
    /// Application name.
    pub application: String,
    planned: BTreeMap<i32, Vec<ProcessCommand>>,
    current: Vec<ProcessCommand>,
    starting: bool,
    distribution: DistributionRules,
    strategy: StartingStrategies,
    identifiers: Vec<Identifier>,
    /// STOP starting-failure strategy: stop the application once this start job ends.
    pub stop_request: bool,
}

/// What a job needs from its surroundings for one call.
pub struct JobEnv<'a> {
    /// The context, read only.
    pub ctx: &'a Context,
    /// Where requests and forced events go.
    pub out: &'a mut Vec<Output>,
    /// Local date.
    pub now: f64,
    /// Load requested by the other start jobs in progress.
    pub others: &'a LoadMap,
}

impl ApplicationJobs {
    /// Start jobs with the application's distribution and the given strategy.
    pub fn starting(
        ctx: &Context,
        application: &str,
        planned: BTreeMap<i32, Vec<ProcessCommand>>,
        strategy: StartingStrategies,
    ) -> Self {
        let distribution = ctx
            .application(application)
            .map_or(DistributionRules::AllInstances, |a| a.rules.distribution);
        ApplicationJobs {
            application: application.to_owned(),
            planned,
            current: Vec::new(),
            starting: true,
            distribution,
            strategy,
            identifiers: Vec::new(),
            stop_request: false,
        }
    }

    /// Stop jobs.
    pub fn stopping(application: &str, planned: BTreeMap<i32, Vec<ProcessCommand>>) -> Self {
        ApplicationJobs {
            application: application.to_owned(),
            planned,
            current: Vec::new(),
            starting: false,
            distribution: DistributionRules::AllInstances,
            strategy: StartingStrategies::Config,
            identifiers: Vec::new(),
            stop_request: false,
        }
    }

    /// Planned or current commands remain.
    pub fn in_progress(&self) -> bool {
        !self.planned.is_empty() || !self.current.is_empty()
    }

    /// The commands in progress.
    pub fn current(&self) -> &[ProcessCommand] {
        &self.current
    }

    /// Every planned command, by sequence.
    pub fn planned(&self) -> &BTreeMap<i32, Vec<ProcessCommand>> {
        &self.planned
    }

    fn process<'c>(&self, ctx: &'c Context, name: &str) -> Option<&'c ProcessStatus> {
        ctx.application(&self.application)?.process(name)
    }

    fn instance_loads(&self, env: &JobEnv<'_>) -> Vec<InstanceLoad> {
        let own = self.load_requests(env.ctx);
        env.ctx
            .instances()
            .iter()
            .zip(env.ctx.loads())
            .map(|(i, load)| {
                let id = i.identifier();
                let pending =
                    env.others.get(id).copied().unwrap_or(0) + own.get(id).copied().unwrap_or(0);
                InstanceLoad {
                    identifier: id.to_owned(),
                    node: i.config.node.clone(),
                    running: i.running(),
                    load: *load,
                    pending,
                }
            })
            .collect()
    }

    fn choose(
        &self,
        env: &JobEnv<'_>,
        strategy: StartingStrategies,
        ids: &[Identifier],
        load: u32,
    ) -> Option<Identifier> {
        let loads = self.instance_loads(env);
        strategy::choose(strategy, ids, load, &loads, env.ctx.local_identifier())
    }

    /// Σ expected_load of targeted commands whose process is still stopped, per target (§7.4).
    pub fn load_requests(&self, ctx: &Context) -> LoadMap {
        let mut map = LoadMap::new();
        if !self.starting {
            return map;
        }
        for cmd in self.current.iter().chain(self.planned.values().flatten()) {
            if let (Some(id), Some(p)) = (&cmd.identifier, self.process(ctx, &cmd.process))
                && p.stopped()
            {
                *map.entry(id.clone()).or_default() += u32::from(p.rules.expected_load);
            }
        }
        map
    }

    /// `before()`: SINGLE_INSTANCE / SINGLE_NODE choose for the whole application (§7.2).
    pub fn before(&mut self, env: &mut JobEnv<'_>) {
        if !self.starting || self.distribution == DistributionRules::AllInstances {
            return;
        }
        let Some(app) = env.ctx.application(&self.application) else {
            return;
        };
        let candidates = app.possible_identifiers(&env.ctx.identifiers());
        let load = app.start_sequence_expected_load();
        let Some(chosen) = self.choose(env, self.strategy, &candidates, load) else {
            return;
        };
        if self.distribution == DistributionRules::SingleInstance {
            self.identifiers = vec![chosen.clone()];
        } else {
            // Q1: use the chosen instance's node key (the reference looks it up by host name).
            let node = env.ctx.config().node_of(&chosen).map(str::to_owned);
            self.identifiers = candidates
                .into_iter()
                .filter(|c| env.ctx.config().node_of(c).map(str::to_owned) == node)
                .collect();
        }
        let commands: Vec<(i32, usize)> = self
            .planned
            .iter()
            .flat_map(|(seq, cmds)| (0..cmds.len()).map(move |i| (*seq, i)))
            .collect();
        for (seq, i) in commands {
            self.target_planned(env, seq, i, true);
        }
    }

    /// Targets a planned command among the selected identifiers (non ALL_INSTANCES).
    ///
    /// In `before()` SINGLE_INSTANCE gives every command the chosen instance as is; a command
    /// added later goes through the strategy (load check included), like any SINGLE_NODE one.
    fn target_planned(&mut self, env: &mut JobEnv<'_>, seq: i32, index: usize, before: bool) {
        let Some(cmd) = self.planned.get(&seq).and_then(|c| c.get(index)) else {
            return;
        };
        let Some(p) = self.process(env.ctx, &cmd.process) else {
            return;
        };
        let target = if before && self.distribution == DistributionRules::SingleInstance {
            self.identifiers.first().cloned()
        } else {
            self.choose(
                env,
                self.strategy,
                &self.identifiers,
                u32::from(p.rules.expected_load),
            )
        };
        if let Some(target) = target
            && let Some(cmd) = self.planned.get_mut(&seq).and_then(|c| c.get_mut(index))
        {
            cmd.set_target(env.ctx, p, &target);
        }
    }

    /// Adds commands unless the process (on that target) is already current or planned (§7.2).
    pub fn add_commands(&mut self, env: &mut JobEnv<'_>, seq: i32, commands: Vec<ProcessCommand>) {
        for cmd in commands {
            let id = cmd.identifier.as_deref();
            let known = self
                .current
                .iter()
                .chain(self.planned.values().flatten())
                .any(|c| c.matches(&cmd.process, id));
            if known {
                continue; // WARN already planned
            }
            let list = self.planned.entry(seq).or_default();
            list.push(cmd);
            let index = list.len() - 1;
            if self.starting
                && self.distribution != DistributionRules::AllInstances
                && !self.identifiers.is_empty()
            {
                self.target_planned(env, seq, index, false);
            }
        }
    }

    /// `next()`: when nothing is current, pops the next group and pushes its commands (§7.2).
    pub fn next(&mut self, env: &mut JobEnv<'_>) {
        while self.current.is_empty() {
            let key = if self.starting {
                self.planned.keys().next().copied()
            } else {
                self.planned.keys().next_back().copied()
            };
            let Some(group) = key.and_then(|k| self.planned.remove(&k)) else {
                return;
            };
            for cmd in group {
                if let Some(cmd) = self.process_job(env, cmd) {
                    self.current.push(cmd);
                }
            }
        }
    }

    fn process_job(
        &mut self,
        env: &mut JobEnv<'_>,
        mut cmd: ProcessCommand,
    ) -> Option<ProcessCommand> {
        let p = self.process(env.ctx, &cmd.process)?;
        let namespec = p.namespec();
        if !self.starting {
            // Q16: a target that is not RUNNING here could never answer; not queued
            let target = cmd.identifier.clone()?;
            // Q21: the information of the target decides, not a forced state: a stop that
            // timed out because its request was lost forces STOPPED while the process still
            // runs there, and the reference (`running_on`) then skips every later stop, so a
            // conflict stays unresolvable and the master stays in CONCILIATION for good
            // (seed 8287 of the repair scenario, 20,000-seed run).
            let runs_there = p.running_identifiers().contains(&target);
            if !runs_there || !is_running(env.ctx, &target) {
                return None;
            }
            env.out.push(Output::Request(DeferredRequest::StopProcess {
                target: target.clone(),
                namespec,
            }));
            cmd.timing.request_counter = counter_of(env.ctx, &target);
            return Some(cmd);
        }
        if !p.stopped() {
            return None;
        }
        let params = cmd.start.clone()?;
        if self.distribution == DistributionRules::AllInstances {
            let candidates = p.possible_identifiers(&env.ctx.identifiers());
            let load = u32::from(p.rules.expected_load);
            if let Some(target) = self.choose(env, params.strategy, &candidates, load) {
                cmd.set_target(env.ctx, p, &target);
            }
        }
        // Q16: a SINGLE_* target chosen earlier may have stopped being RUNNING
        match cmd.identifier.clone().filter(|t| is_running(env.ctx, t)) {
            Some(target) => {
                env.out.push(Output::Request(DeferredRequest::StartProcess {
                    target: target.clone(),
                    namespec,
                    extra_args: params.extra_args,
                }));
                cmd.timing.request_counter = counter_of(env.ctx, &target);
                Some(cmd)
            }
            None => {
                let local = env.ctx.local_identifier().to_owned();
                force(
                    env,
                    p,
                    &local,
                    env.now,
                    ProcessStates::Fatal,
                    "no resource available".into(),
                );
                self.process_failure(env.ctx, &cmd.process);
                None
            }
        }
    }

    /// Starting failure handling (§7.2): ABORT / STOP / CONTINUE for required processes.
    fn process_failure(&mut self, ctx: &Context, process: &str) {
        let Some(p) = self.process(ctx, process) else {
            return;
        };
        if !self.starting || !p.rules.required {
            return;
        }
        match p.rules.starting_failure_strategy {
            StartingFailureStrategies::Abort => self.planned.clear(),
            StartingFailureStrategies::Stop => {
                self.planned.clear();
                self.stop_request = true;
            }
            StartingFailureStrategies::Continue => {}
        }
    }

    /// Timeout checks at a local tick: timed-out commands publish a forced state and go (§7.1);
    /// then `next()`.
    pub fn check(&mut self, env: &mut JobEnv<'_>) {
        let mut kept = Vec::new();
        for cmd in std::mem::take(&mut self.current) {
            let Some((p, target)) = self
                .process(env.ctx, &cmd.process)
                .zip(cmd.identifier.clone())
            else {
                continue;
            };
            let Some(info) = p.info(&target) else {
                continue;
            };
            let counter = counter_of(env.ctx, &target);
            let state = info.info.state;
            // Q16: a target no longer RUNNING, or restarted (its counter went back), can never
            // complete the command nor reach its timeout: drop it as timed out.
            let hopeless = !is_running(env.ctx, &target) || counter < cmd.timing.request_counter;
            let (expected, result, date, failure) = match &cmd.start {
                Some(params) => {
                    let e = StartExpectation {
                        wait_exit: p.rules.wait_exit,
                        ignore_wait_exit: params.ignore_wait_exit,
                    };
                    let (expected, result) = e.timed_out(state, cmd.timing, counter);
                    (expected, result, info.info.now, ProcessStates::Fatal)
                }
                None => {
                    let (expected, result) = command::stop_timed_out(state, cmd.timing, counter);
                    (expected, result, info.event_time, ProcessStates::Stopped)
                }
            };
            let result = if hopeless {
                RequestResult::TimedOut
            } else {
                result
            };
            match result {
                RequestResult::TimedOut => {
                    force(
                        env,
                        p,
                        &target,
                        date,
                        failure,
                        command::timeout_reason(expected),
                    );
                }
                // Q3: a start found RUNNING at check time is removed as a success.
                RequestResult::Success => {}
                RequestResult::InProgress | RequestResult::Failed => kept.push(cmd),
            }
        }
        self.current = kept;
        self.next(env);
    }

    /// A process event from `identifier`: judges the matching current command (§7.2).
    pub fn on_event(&mut self, env: &mut JobEnv<'_>, process: &str, identifier: &str) {
        let Some(index) = self
            .current
            .iter()
            .position(|c| c.matches(process, Some(identifier)))
        else {
            return;
        };
        let Some(p) = self.process(env.ctx, process) else {
            return;
        };
        let Some(info) = p.info(identifier) else {
            return;
        };
        let (state, expected) = (info.info.state, info.info.expected);
        let result = match &self.current[index].start {
            Some(params) => {
                let e = StartExpectation {
                    wait_exit: p.rules.wait_exit,
                    ignore_wait_exit: params.ignore_wait_exit,
                };
                if state == ProcessStates::Backoff {
                    self.current[index].timing.request_counter = counter_of(env.ctx, identifier);
                }
                e.on_event(state, expected)
            }
            None => command::stop_on_event(state),
        };
        if matches!(result, RequestResult::Success | RequestResult::Failed) {
            self.current.remove(index);
            if result == RequestResult::Failed {
                self.process_failure(env.ctx, process);
            }
            self.next(env);
        }
    }

    /// Lost instances: their current commands fail; failures already handled are dropped (§7.8).
    pub fn on_instances_invalidation(
        &mut self,
        ctx: &Context,
        lost: &[Identifier],
        failures: &mut Vec<String>,
    ) {
        let mut kept = Vec::new();
        for cmd in std::mem::take(&mut self.current) {
            if cmd.identifier.as_ref().is_some_and(|id| lost.contains(id)) {
                self.process_failure(ctx, &cmd.process);
                let namespec = crate::queries::make_namespec(&self.application, &cmd.process);
                failures.retain(|f| *f != namespec);
            } else {
                kept.push(cmd);
            }
        }
        self.current = kept;
        for cmd in self.planned.values().flatten() {
            let namespec = crate::queries::make_namespec(&self.application, &cmd.process);
            failures.retain(|f| *f != namespec);
        }
    }
}

fn is_running(ctx: &Context, identifier: &str) -> bool {
    ctx.instance(identifier).is_some_and(|i| i.running())
}

fn counter_of(ctx: &Context, identifier: &str) -> u64 {
    ctx.instance(identifier).map_or(0, |i| i.sequence_counter)
}

/// Publishes a forced state for `p` about `identifier` (spec §6.4).
fn force(
    env: &mut JobEnv<'_>,
    p: &ProcessStatus,
    identifier: &str,
    date: f64,
    state: ProcessStates,
    reason: String,
) {
    env.out
        .push(Output::Broadcast(InternalMessage::ForcedProcess(
            ForcedProcessEvent {
                group: p.application_name.clone(),
                name: p.process_name.clone(),
                state,
                identifier: identifier.to_owned(),
                now: date,
                reason,
                extra_args: p.extra_args.clone(),
            },
        )));
}
