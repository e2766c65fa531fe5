//! The context: every instance, application and process known to the local instance (spec §4, §6).
//!
//! The context applies facts (ticks, handshakes, process events) to the model; the FSM decides.

use std::sync::Arc;

use crate::application::ApplicationStatus;
use crate::boundary::{Output, Publication};
use crate::config::EngineConfig;
use crate::enums::SupvisorsInstanceStates;
use crate::instance::InstanceStatus;
use crate::messages::{DeferredRequest, Identifier, InternalMessage, StateModes, TickPayload};
use crate::process::ProcessStatus;
use crate::rules_provider::RulesProvider;
use crate::status::{ApplicationInfo, InstanceInfo, ProcessStatusInfo, SupvisorsStatus};

/// Instances, applications and processes as seen by the local instance.
#[derive(Clone)]
pub struct Context {
    config: EngineConfig,
    instances: Vec<InstanceStatus>,
    applications: Vec<ApplicationStatus>,
    rules: Arc<dyn RulesProvider + Send + Sync>,
    /// The master identifier, '' when none.
    pub master: Identifier,
    /// Local date of the last INITIALIZATION entry.
    pub start_date: f64,
    /// Counter of the last local tick processed.
    pub local_counter: u64,
    /// Q17: process events received from CHECKING instances, replayed after their handshake.
    pending: std::collections::BTreeMap<Identifier, Vec<InternalMessage>>,
    /// Σ expected_load of the processes running on each instance, aligned with `instances`.
    ///
    /// Kept up to date by every method that changes a process (a full scan per strategy
    /// choice cost 32 scans of every process on a large cluster); checked against the full
    /// computation in debug builds.
    loads: Vec<u32>,
    /// Index of each application in `applications`, by name.
    by_name: std::collections::BTreeMap<String, usize>,
    /// The last `supvisors` publication: the next one goes out only if it differs (spec §3.5).
    last_status: Option<SupvisorsStatus>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("master", &self.master)
            .field("start_date", &self.start_date)
            .field("local_counter", &self.local_counter)
            .field("instances", &self.instances)
            .field("applications", &self.applications)
            .finish_non_exhaustive()
    }
}

/// Adds (or removes) the contribution of a process to the loads of the instances it runs on.
fn shift_load(loads: &mut [u32], instances: &[InstanceStatus], p: &ProcessStatus, add: bool) {
    let load = u32::from(p.rules.expected_load);
    if load == 0 || !p.running() {
        return;
    }
    for id in p.running_identifiers() {
        if let Some(index) = instances.iter().position(|i| i.identifier() == id) {
            let slot = &mut loads[index];
            *slot = if add {
                *slot + load
            } else {
                slot.saturating_sub(load)
            };
        }
    }
}

/// At most this many process events are kept per CHECKING instance (Q17).
pub const MAX_PENDING_EVENTS: usize = 1_000;

impl Context {
    /// A context with every instance UNKNOWN and no application.
    pub fn new(config: EngineConfig, rules: impl RulesProvider + Send + Sync + 'static) -> Self {
        let instances: Vec<InstanceStatus> = config
            .instances
            .iter()
            .cloned()
            .map(InstanceStatus::new)
            .collect();
        let loads = vec![0; instances.len()];
        Context {
            config,
            instances,
            applications: Vec::new(),
            rules: Arc::new(rules),
            master: Identifier::new(),
            start_date: 0.0,
            local_counter: 0,
            pending: std::collections::BTreeMap::new(),
            loads,
            by_name: std::collections::BTreeMap::new(),
            last_status: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Every instance, in `supvisors_list` order.
    pub fn instances(&self) -> &[InstanceStatus] {
        &self.instances
    }

    /// One instance.
    pub fn instance(&self, identifier: &str) -> Option<&InstanceStatus> {
        self.instances.iter().find(|i| i.identifier() == identifier)
    }

    fn instance_mut(&mut self, identifier: &str) -> Option<&mut InstanceStatus> {
        self.instances
            .iter_mut()
            .find(|i| i.identifier() == identifier)
    }

    /// The state of an instance (UNKNOWN for names not in the list).
    pub fn instance_state(&self, identifier: &str) -> SupvisorsInstanceStates {
        self.instance(identifier)
            .map_or(SupvisorsInstanceStates::Unknown, InstanceStatus::state)
    }

    /// The local identifier.
    pub fn local_identifier(&self) -> &str {
        &self.config.local_identifier
    }

    /// True when the local instance is the master.
    pub fn is_master(&self) -> bool {
        self.master == self.config.local_identifier
    }

    /// Every application, in creation order.
    pub fn applications(&self) -> &[ApplicationStatus] {
        &self.applications
    }

    /// One application.
    pub fn application(&self, name: &str) -> Option<&ApplicationStatus> {
        self.application_index(name).map(|i| &self.applications[i])
    }

    /// Position of an application in [`Context::applications`].
    fn application_index(&self, name: &str) -> Option<usize> {
        let index = self.by_name.get(name).copied();
        debug_assert_eq!(
            index,
            self.applications.iter().position(|a| a.name == name),
            "stale application index"
        );
        index
    }

    /// Identifiers in `supvisors_list` order.
    pub fn identifiers(&self) -> Vec<Identifier> {
        self.config.identifiers()
    }

    /// Identifiers of RUNNING instances, in `supvisors_list` order.
    pub fn running_identifiers(&self) -> Vec<Identifier> {
        self.instances
            .iter()
            .filter(|i| i.running())
            .map(|i| i.identifier().to_owned())
            .collect()
    }

    /// Number of instances neither ISOLATING nor ISOLATED.
    pub fn active_count(&self) -> usize {
        self.instances.iter().filter(|i| !i.in_isolation()).count()
    }

    /// Σ expected_load of the processes running on the instance (spec §4.1).
    pub fn instance_load(&self, identifier: &str) -> u32 {
        self.instances
            .iter()
            .position(|i| i.identifier() == identifier)
            .map_or(0, |index| self.loads()[index])
    }

    /// Σ expected_load of the processes running on each instance, in `supvisors_list` order
    /// (aligned with [`Context::instances`]).
    pub fn loads(&self) -> &[u32] {
        debug_assert_eq!(self.loads, self.computed_loads(), "stale instance loads");
        &self.loads
    }

    /// The loads computed from every process (what `loads` caches).
    fn computed_loads(&self) -> Vec<u32> {
        let mut loads = vec![0; self.instances.len()];
        for p in self
            .applications
            .iter()
            .flat_map(ApplicationStatus::processes)
        {
            shift_load(&mut loads, &self.instances, p, true);
        }
        loads
    }

    /// Recomputes the cached loads after a bulk change (loads, removals, lost instances).
    fn refresh_loads(&mut self) {
        self.loads = self.computed_loads();
    }

    /// Processes of managed applications running on more than one instance (spec §6.9).
    pub fn conflicts(&self) -> Vec<&ProcessStatus> {
        self.applications
            .iter()
            .flat_map(ApplicationStatus::conflicts)
            .collect()
    }

    /// INITIALIZATION entry: no master, sync restarts now, instances reset (spec §4.2, §5.4.2).
    pub fn reset(&mut self, now: f64) {
        self.master.clear();
        self.pending.clear();
        self.start_date = now;
        self.instances.iter_mut().for_each(InstanceStatus::reset);
    }

    /// Changes the state of an instance; true when it changed. Publishes nothing: as in the
    /// reference, only some changes are published (spec §3.5), by the caller.
    fn set_instance_state(&mut self, id: &str, to: SupvisorsInstanceStates) -> bool {
        self.instance_mut(id)
            .is_some_and(|status| status.state() != to && status.set_state(to).is_ok())
    }

    /// Invalidates an instance: SILENT, or ISOLATING when fenced (never for the local one; §4.7).
    pub fn invalid(&mut self, id: &str, fence: bool, out: &mut Vec<Output>) {
        self.pending.remove(id);
        let to = if id != self.config.local_identifier && (fence || self.config.auto_fence) {
            SupvisorsInstanceStates::Isolating
        } else {
            SupvisorsInstanceStates::Silent
        };
        if self.set_instance_state(id, to) {
            self.publish_instance(id, out);
        }
        self.publish_status(out);
    }

    fn publish_instance(&self, id: &str, out: &mut Vec<Output>) {
        if let Some(info) = InstanceInfo::of(self, id) {
            out.push(Output::Publish(Publication::Instance(info)));
        }
    }

    /// Publishes the Supvisors status as the local instance sees it now, unless it is the one
    /// published last (spec §3.5, the reference's `last_state_modes`).
    pub fn publish_status(&mut self, out: &mut Vec<Output>) {
        let status = SupvisorsStatus::of(self);
        if self.last_status.as_ref() != Some(&status) {
            self.last_status = Some(status.clone());
            out.push(Output::Publish(Publication::SupvisorsStatus(status)));
        }
    }

    /// Applies a TICK from `from` (spec §4.4 steps 1–5).
    pub fn on_tick(&mut self, from: &str, tick: &TickPayload, now: f64, out: &mut Vec<Output>) {
        let local_running = self
            .instance(self.local_identifier())
            .is_some_and(InstanceStatus::running);
        let local_counter = self.local_counter;
        let is_local = from == self.config.local_identifier;
        let inactivity_ticks = self.config.inactivity_ticks;
        let Some(status) = self.instance_mut(from) else {
            return;
        };
        if (!is_local && !local_running) || status.in_isolation() {
            return;
        }
        let state = status.state();
        let checked = matches!(
            state,
            SupvisorsInstanceStates::Checking | SupvisorsInstanceStates::Running
        );
        // Q18: TICKs are numbered without gap; missing more than inactivity_ticks of them means
        // the link was reset, and what X published meanwhile may be lost too. The reference
        // notices only if the silence spans inactivity_ticks + 1 local ticks, which latency
        // jitter can defeat (14.9 s instead of 15 s): X would then never be re-checked.
        let skipped = !is_local
            && tick.sequence_counter > status.sequence_counter.saturating_add(inactivity_ticks);
        // Q20: an instance restarted before its second TICK sends counter 0 again; the same
        // counter with another date is a new incarnation (the reference misses it, so the
        // processes that ran there are forgotten without failure: seed 12519 of the repair
        // scenario, 20,000-seed run).
        #[allow(clippy::float_cmp)] // the very same TICK carries the very same date
        let again =
            tick.sequence_counter == status.sequence_counter && tick.when != status.remote_time;
        if checked && (tick.sequence_counter < status.sequence_counter || again || skipped) {
            // stealth restart (or Q18): found inactive at the next local tick
            status.local_sequence_counter = 0;
            return;
        }
        status.update_times(tick.sequence_counter, tick.when, local_counter, now);
        for app in &mut self.applications {
            if app.may_host(from) {
                for p in app.processes_mut() {
                    p.update_times(from, tick.when);
                }
            } else {
                debug_assert!(
                    app.processes().iter().all(|p| p.info(from).is_none()),
                    "{} has information from {from} but does not list it",
                    app.name
                );
            }
        }
        if matches!(
            state,
            SupvisorsInstanceStates::Unknown | SupvisorsInstanceStates::Silent
        ) {
            // published just below with the new times, once, as the reference does
            self.set_instance_state(from, SupvisorsInstanceStates::Checking);
            out.push(Output::Request(DeferredRequest::CheckInstance(
                from.to_owned(),
            )));
        }
        self.publish_instance(from, out);
        self.publish_status(out);
    }

    /// Inactivity detection at a local tick (spec §4.8): returns (lost instances, failed namespecs).
    pub fn check_inactivity(
        &mut self,
        local_counter: u64,
        when: f64,
        now: f64,
        out: &mut Vec<Output>,
    ) -> (Vec<Identifier>, Vec<String>) {
        self.local_counter = local_counter;
        let (mut lost, mut failures) = (Vec::new(), Vec::new());
        if when - self.start_date <= f64::from(self.config.synchro_timeout) {
            return (lost, failures);
        }
        // (application index, process name) of the processes that failed, in order of failure
        let mut failed: Vec<(usize, String)> = Vec::new();
        for id in self.identifiers() {
            let Some(status) = self.instance(&id) else {
                continue;
            };
            match status.state() {
                SupvisorsInstanceStates::Unknown => self.invalid(&id, false, out),
                SupvisorsInstanceStates::Checking | SupvisorsInstanceStates::Running
                    if local_counter.saturating_sub(status.local_sequence_counter)
                        > self.config.inactivity_ticks =>
                {
                    self.invalid(&id, false, out);
                    lost.push(id.clone());
                    for (index, app) in self.applications.iter_mut().enumerate() {
                        for p in app.processes_mut() {
                            if p.running_on(&id) && p.invalidate_identifier(&id, now) {
                                failures.push(p.namespec());
                                let key = (index, p.process_name.clone());
                                if !failed.contains(&key) {
                                    failed.push(key);
                                }
                            }
                        }
                    }
                    self.refresh_loads();
                }
                _ => {}
            }
        }
        // spec §3.5, as the reference: every lost instance first, then each failed process
        // once, then each impacted application once
        for (index, name) in &failed {
            if let Some(p) = self.applications[*index].process(name) {
                let info = ProcessStatusInfo::from(p);
                out.push(Output::Publish(Publication::Process(info)));
            }
        }
        let mut impacted: Vec<usize> = failed.iter().map(|(index, _)| *index).collect();
        impacted.sort_unstable();
        impacted.dedup();
        for index in impacted {
            let app = &mut self.applications[index];
            app.update_status();
            let info = ApplicationInfo::from(&*app);
            out.push(Output::Publish(Publication::Application(info)));
        }
        (lost, failures)
    }

    /// Applies a handshake authorization (spec §4.6); true when the instance became RUNNING.
    pub fn on_authorization(
        &mut self,
        from: &str,
        authorized: Option<bool>,
        out: &mut Vec<Output>,
    ) -> bool {
        if self.instance_state(from) != SupvisorsInstanceStates::Checking {
            return false;
        }
        match authorized {
            None => self.invalid(from, false, out),
            Some(false) => self.invalid(from, true, out),
            Some(true) => {
                // not published: the next TICK of the instance is (as in the reference)
                self.set_instance_state(from, SupvisorsInstanceStates::Running);
                return true;
            }
        }
        false
    }

    /// Stores the state modes reported by a non-local, non-isolated instance (spec §4.11).
    pub fn on_state_modes(&mut self, from: &str, modes: StateModes, out: &mut Vec<Output>) {
        let local = from == self.config.local_identifier;
        let Some(status) = self.instance_mut(from) else {
            return;
        };
        if status.in_isolation() {
            return;
        }
        if !local {
            status.state_modes = modes;
        }
        self.publish_status(out);
    }

    /// Sets the local instance's own state modes.
    pub fn set_local_state_modes(&mut self, modes: StateModes) {
        let local = self.config.local_identifier.clone();
        if let Some(status) = self.instance_mut(&local) {
            status.state_modes = modes;
        }
    }

    /// All ISOLATING instances become ISOLATED; returns them for one ISOLATE request (spec §4.9).
    pub fn handle_isolation(&mut self, out: &mut Vec<Output>) -> Vec<Identifier> {
        let isolating: Vec<Identifier> = self
            .instances
            .iter()
            .filter(|i| i.state() == SupvisorsInstanceStates::Isolating)
            .map(|i| i.identifier().to_owned())
            .collect();
        for id in &isolating {
            if self.set_instance_state(id, SupvisorsInstanceStates::Isolated) {
                self.publish_instance(id, out);
                self.publish_status(out);
            }
        }
        isolating
    }
}

mod processes;
#[cfg(test)]
mod publish_tests;
#[cfg(test)]
mod tests;
