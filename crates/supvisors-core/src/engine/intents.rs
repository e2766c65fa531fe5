//! Recording and sharing what should run (quirk Q19, see `crate::intent`).

use super::Engine;
use crate::boundary::Output;
use crate::command::is_timeout_reason;
use crate::enums::ProcessStates;
use crate::fsm::RedeployMark;
use crate::messages::{ForcedProcessEvent, Intent, InternalMessage, ProcessIntent};
use crate::queries::split_namespec;

impl Engine {
    /// Records `intent` for the given `group:name` namespecs and broadcasts the records.
    pub(super) fn intend(&mut self, namespecs: &[String], intent: Intent, now: f64) {
        let origin = self.ctx.local_identifier().to_owned();
        let records: Vec<ProcessIntent> = namespecs
            .iter()
            .filter_map(|namespec| match split_namespec(namespec) {
                (app, Some(process)) => Some((app, process)),
                _ => None,
            })
            .map(|key| self.intents.set(key, intent, now, &origin))
            .collect();
        if !records.is_empty() {
            self.out
                .push(Output::Broadcast(InternalMessage::Intents(records)));
        }
    }

    /// Records `intent` for every process of an application.
    pub(super) fn intend_application(&mut self, application: &str, intent: Intent, now: f64) {
        let namespecs: Vec<String> = self
            .ctx
            .application(application)
            .map(|a| a.processes().iter().map(|p| p.namespec()).collect())
            .unwrap_or_default();
        self.intend(&namespecs, intent, now);
    }

    /// `restart_sequence` on the master: what was stopped on purpose in an auto-start
    /// application is part of the sequence again.
    pub(super) fn intend_whole_sequence(&mut self, now: f64) {
        let stopped: Vec<String> = self
            .intents
            .records()
            .into_iter()
            .filter(|r| r.intent == Intent::Stopped)
            .filter(|r| {
                self.ctx
                    .application(&r.group)
                    .is_some_and(|a| a.rules.start_sequence > 0)
            })
            .map(|r| crate::queries::make_namespec(&r.group, &r.name))
            .collect();
        self.intend(&stopped, Intent::Run, now);
    }

    /// A start that timed out (its request or its events lost with a link) on a process that
    /// should run and now runs nowhere asks the master for a repair DEPLOYMENT.
    ///
    /// Deviation from 0.15 (quirk Q19): the reference leaves the process FATAL until something
    /// else requests a DEPLOYMENT (Q4: no starting failure strategy on a timeout), possibly
    /// never in a quiet cluster (seeds 5363, 9296, 11306, 14443, 19379 of the repair scenario,
    /// 20,000-seed run). A target that never answers is retried at each timeout.
    pub(super) fn retry_lost_start(&mut self, event: &ForcedProcessEvent) {
        if !self.is_master()
            || event.state != ProcessStates::Fatal
            || !is_timeout_reason(&event.reason)
            || self.redeploy_mark != RedeployMark::None
        {
            return;
        }
        let Some(app) = self.ctx.application(&event.group) else {
            return;
        };
        let lost = app.process(&event.name).is_some_and(|p| {
            app.rules.start_sequence > 0 && p.rules.start_sequence > 0 && p.stopped()
        });
        if lost && self.intents.may_run(&event.group, &event.name) {
            self.redeploy_mark = RedeployMark::Requested;
        }
    }

    /// Merges the records published by another instance or returned by its handshake.
    pub(super) fn on_intents(&mut self, records: Vec<ProcessIntent>) {
        for record in records {
            self.intents.merge(record);
        }
    }
}
