//! Process bookkeeping in the context: loads, events, forced states, removals (spec §6.8–6.10, §9).

use super::Context;
use crate::application::ApplicationStatus;
use crate::boundary::{LocalAction, Output, Publication};
use crate::enums::{ApplicationStates, SupvisorsInstanceStates};
use crate::messages::{ForcedProcessEvent, InternalMessage, LocalProcessInfo, ProcessEvent};
use crate::process::ProcessStatus;
use crate::status::{ApplicationInfo, ProcessStatusInfo};

/// Spec §9.1: every change of a process' extra arguments is applied to the local command line.
fn extra_args_changed(p: &ProcessStatus, before: &str, out: &mut Vec<Output>) {
    if p.extra_args != before {
        out.push(Output::Local(LocalAction::SetExtraArgs {
            namespec: p.namespec(),
            extra_args: p.extra_args.clone(),
        }));
    }
}

impl Context {
    /// Loads the process list of an instance, creating entries on first sight (spec §6.8).
    ///
    /// Like the reference, a load publishes nothing on the event interface.
    pub fn load_processes(
        &mut self,
        from: &str,
        infos: Vec<LocalProcessInfo>,
        now: f64,
        out: &mut Vec<Output>,
    ) {
        if self.instance(from).is_none() {
            return;
        }
        for info in infos {
            let index = self.setdefault_application(&info.group);
            let app = &self.applications[index];
            if app.process(&info.name).is_none() {
                let rules = self
                    .rules
                    .process_rules(&info.group, &info.name, &app.rules);
                let process = ProcessStatus::new(&info.group, &info.name, rules);
                self.applications[index].add_process(process);
            }
            let app = &mut self.applications[index];
            let before = app.process(&info.name).map(|p| p.extra_args.clone());
            let name = info.name.clone();
            if let (Some(before), Some(p)) = (before, app.add_info(&name, from, info, now)) {
                extra_args_changed(p, &before, out);
            }
        }
        for app in &mut self.applications {
            app.update_status();
        }
        self.refresh_loads();
    }

    fn setdefault_application(&mut self, name: &str) -> usize {
        match self.application_index(name) {
            Some(index) => index,
            None => {
                let rules = self.rules.application_rules(name);
                self.applications.push(ApplicationStatus::new(name, rules));
                let index = self.applications.len() - 1;
                self.by_name.insert(name.to_owned(), index);
                index
            }
        }
    }

    /// Index of (application, process) if known and configured on `from` (when `check_source`).
    fn find(&self, from: &str, group: &str, name: &str, check_source: bool) -> Option<usize> {
        let index = self.application_index(group)?;
        let process = self.applications[index].process(name)?;
        (!check_source || process.info(from).is_some()).then_some(index)
    }

    /// Unknown process from a RUNNING sender: ignored when closing, else the sender is invalidated.
    fn unknown_event(&mut self, from: &str, closing: bool, out: &mut Vec<Output>) {
        if !closing {
            self.invalid(from, false, out);
        }
    }

    /// Applies a process event (spec §6.10); returns the namespec when the model was updated.
    pub fn on_process_event(
        &mut self,
        from: &str,
        event: &ProcessEvent,
        closing: bool,
        now: f64,
        out: &mut Vec<Output>,
    ) -> Option<String> {
        match self.instance_state(from) {
            SupvisorsInstanceStates::Running => {}
            SupvisorsInstanceStates::Checking => {
                // Q17: the handshake snapshot may predate this event; keep it for the replay
                self.keep_pending(from, InternalMessage::Process(event.clone()));
                return None;
            }
            _ => return None,
        }
        let Some(index) = self.find(from, &event.group, &event.name, true) else {
            self.unknown_event(from, closing, out);
            return None;
        };
        let app = &mut self.applications[index];
        let process = app.process_mut(&event.name)?;
        let before = process.extra_args.clone();
        super::shift_load(&mut self.loads, &self.instances, process, false);
        process.update_info(from, event, now);
        super::shift_load(&mut self.loads, &self.instances, process, true);
        extra_args_changed(process, &before, out);
        let namespec = process.namespec();
        let status = ProcessStatusInfo::from(&*process);
        app.update_status();
        out.push(Output::Publish(Publication::ProcessEvent {
            identifier: from.to_owned(),
            group: event.group.clone(),
            name: event.name.clone(),
            event: Some(event.clone()),
        }));
        out.push(Output::Publish(Publication::Process(status)));
        out.push(Output::Publish(Publication::Application(
            ApplicationInfo::from(&*app),
        )));
        Some(namespec)
    }

    /// Q17: the events kept while `from` was CHECKING that are not older than what its
    /// handshake loaded (events about processes it did not report are dropped).
    ///
    /// The reference drops every event of a CHECKING instance (§6.10), so an event published
    /// between the handshake snapshot and the authorization was lost and the view stayed stale
    /// (found by the simulation).
    ///
    /// An event dated exactly like the snapshot cannot be ordered with it: it is replayed, as
    /// re-applying a state the snapshot already holds is harmless while dropping a newer one
    /// leaves the view stale for good (seed 1193 of the repair scenario, 1 ms clock).
    ///
    /// Forced events are kept too: a master may decide (no resource available) before this
    /// instance has authorized it, and the reference then loses the forced state for good on
    /// this instance only. Whether one still applies is weighed by `force_state` at replay.
    pub fn take_pending(&mut self, from: &str) -> Vec<InternalMessage> {
        let events = self.pending.remove(from).unwrap_or_default();
        events
            .into_iter()
            .filter(|message| match message {
                InternalMessage::Process(e) => self
                    .application(&e.group)
                    .and_then(|a| a.process(&e.name))
                    .and_then(|p| p.info(from))
                    .is_some_and(|i| e.now >= i.event_time),
                _ => true,
            })
            .collect()
    }

    fn keep_pending(&mut self, from: &str, message: InternalMessage) {
        let pending = self.pending.entry(from.to_owned()).or_default();
        if pending.len() < super::MAX_PENDING_EVENTS {
            pending.push(message);
        }
    }

    /// Applies a forced event (spec §6.4); returns the namespec unless unknown or dismissed.
    pub fn on_forced_event(
        &mut self,
        from: &str,
        event: &ForcedProcessEvent,
        closing: bool,
        now: f64,
        out: &mut Vec<Output>,
    ) -> Option<String> {
        match self.instance_state(from) {
            SupvisorsInstanceStates::Running => {}
            SupvisorsInstanceStates::Checking => {
                self.keep_pending(from, InternalMessage::ForcedProcess(event.clone()));
                return None;
            }
            _ => return None,
        }
        let Some(index) = self.find(from, &event.group, &event.name, false) else {
            self.unknown_event(from, closing, out);
            return None;
        };
        let app = &mut self.applications[index];
        let process = app.process_mut(&event.name)?;
        super::shift_load(&mut self.loads, &self.instances, process, false);
        let forced = process.force_state(event, now);
        super::shift_load(&mut self.loads, &self.instances, process, true);
        if !forced {
            return None;
        }
        let namespec = process.namespec();
        let status = ProcessStatusInfo::from(&*process);
        app.update_status();
        // the reference publishes the forced payload minus `forced`, with the sender as
        // `identifier`: its keys differ from a real event (no `disabled`), hence its own variant
        out.push(Output::Publish(Publication::ForcedProcessEvent {
            identifier: from.to_owned(),
            event: event.clone(),
        }));
        out.push(Output::Publish(Publication::Process(status)));
        out.push(Output::Publish(Publication::Application(
            ApplicationInfo::from(&*app),
        )));
        Some(namespec)
    }

    /// Applies PROCESS_DISABILITY from `from` (spec §9.2).
    pub fn on_process_disability(
        &mut self,
        from: &str,
        info: &LocalProcessInfo,
        closing: bool,
        out: &mut Vec<Output>,
    ) {
        if self.instance_state(from) != SupvisorsInstanceStates::Running {
            return;
        }
        let Some(index) = self.find(from, &info.group, &info.name, true) else {
            self.unknown_event(from, closing, out);
            return;
        };
        if let Some(p) = self.applications[index].process_mut(&info.name) {
            p.update_disability(from, info.disabled);
            // spec §3.5: the full local information goes out as is, nothing else is published
            out.push(Output::Publish(Publication::ProcessDisability {
                identifier: from.to_owned(),
                info: info.clone(),
            }));
        }
    }

    /// Applies PROCESS_REMOVED from `from`; `*` removes every process of the group there (§9.3).
    pub fn on_process_removed(
        &mut self,
        from: &str,
        group: &str,
        name: &str,
        closing: bool,
        out: &mut Vec<Output>,
    ) {
        if self.instance_state(from) != SupvisorsInstanceStates::Running {
            return;
        }
        let found = if name == "*" {
            self.application_index(group)
        } else {
            self.find(from, group, name, true)
        };
        let Some(index) = found else {
            self.unknown_event(from, closing, out);
            return;
        };
        let app = &mut self.applications[index];
        let names: Vec<String> = app
            .processes()
            .iter()
            .filter(|p| {
                if name == "*" {
                    p.info(from).is_some()
                } else {
                    p.process_name == name
                }
            })
            .map(|p| p.process_name.clone())
            .collect();
        let mut impacted = false;
        for process_name in names {
            out.push(Output::Publish(Publication::ProcessEvent {
                identifier: from.to_owned(),
                group: group.to_owned(),
                name: process_name.clone(),
                event: None,
            }));
            let Some(p) = app.process_mut(&process_name) else {
                continue;
            };
            if p.remove_identifier(from) {
                let last = ProcessStatusInfo::from(&*p);
                out.push(Output::Publish(Publication::ProcessDeleted(last)));
                app.remove_process(&process_name);
                impacted = true;
            }
        }
        app.update_status();
        if app.processes().is_empty() {
            app.state = ApplicationStates::Deleted;
        }
        if impacted {
            out.push(Output::Publish(Publication::Application(
                ApplicationInfo::from(&*app),
            )));
        }
        if app.processes().is_empty() {
            self.applications.remove(index);
            self.by_name = (self.applications.iter().enumerate())
                .map(|(i, a)| (a.name.clone(), i))
                .collect();
        }
        self.refresh_loads();
    }
}
