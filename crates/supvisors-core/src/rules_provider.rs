//! Where the engine gets the rules of an application or a process the first time it sees it.

use crate::rules::{ApplicationRules, ProcessRules};

/// Resolves rules on first sight of an application or a process (spec §3.4, §6.8).
pub trait RulesProvider {
    /// Rules of an application (a Supervisor group).
    fn application_rules(&self, application: &str) -> ApplicationRules;
    /// Rules of a process, given the rules of its application.
    fn process_rules(
        &self,
        application: &str,
        process: &str,
        application_rules: &ApplicationRules,
    ) -> ProcessRules;
}

impl<T: RulesProvider + ?Sized> RulesProvider for Box<T> {
    fn application_rules(&self, application: &str) -> ApplicationRules {
        (**self).application_rules(application)
    }

    fn process_rules(
        &self,
        application: &str,
        process: &str,
        application_rules: &ApplicationRules,
    ) -> ProcessRules {
        (**self).process_rules(application, process, application_rules)
    }
}

/// No rules engine at all: every application unmanaged, stop sequences unset (spec §3.10).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRulesEngine;

impl RulesProvider for NoRulesEngine {
    fn application_rules(&self, _application: &str) -> ApplicationRules {
        ApplicationRules::without_engine()
    }

    fn process_rules(
        &self,
        _: &str,
        _: &str,
        application_rules: &ApplicationRules,
    ) -> ProcessRules {
        ProcessRules::inherited(application_rules)
    }
}

/// Rules given up front, per application name and per `group:process`; others are defaults.
#[derive(Debug, Clone, Default)]
pub struct FixedRules {
    /// Rules by application name.
    pub applications: std::collections::BTreeMap<String, ApplicationRules>,
    /// Rules by namespec.
    pub processes: std::collections::BTreeMap<String, ProcessRules>,
}

impl RulesProvider for FixedRules {
    fn application_rules(&self, application: &str) -> ApplicationRules {
        self.applications
            .get(application)
            .cloned()
            .unwrap_or_else(ApplicationRules::without_engine)
    }

    fn process_rules(
        &self,
        application: &str,
        process: &str,
        application_rules: &ApplicationRules,
    ) -> ProcessRules {
        self.processes
            .get(&format!("{application}:{process}"))
            .cloned()
            .unwrap_or_else(|| ProcessRules::inherited(application_rules))
    }
}
