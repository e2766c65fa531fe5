//! Rules of applications and processes after post-processing (spec `supvisors-core.md` §3.7
//! to §3.10): stop sequence, `required` check, `autorestart` conflicts and `#` resolution.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use supvisors_core::enums::{RunningFailureStrategies, StartingStrategies};
use supvisors_core::rules::{ApplicationRules, ProcessRules};

use super::RulesEngine;
use super::identifiers::{application_hash_index, hash_choice};
use super::models::{LOOP_CHECK, Loader};
use crate::error::ConfigError;
use crate::supvisors_options::SupvisorsOptions;

/// A process of the local Supervisor configuration, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalProcess {
    /// Group (application) name.
    pub group: String,
    /// Process name (`prg_01` for a homogeneous program).
    pub process_name: String,
    /// Program name (the section name after `program:`).
    pub program_name: String,
    /// 0-based position of the process in its program (`numprocs_start` already removed).
    pub procnumber: usize,
    /// True unless the program's `autorestart` is false.
    pub autorestart_enabled: bool,
}

/// The local processes, indexed for the two look-ups the rules make (resolving thousands of
/// processes with linear searches was quadratic).
struct LocalProcesses {
    /// `autorestart_enabled` per (group, process name).
    autorestart: HashMap<(String, String), bool>,
    /// `procnumber` per process name: the reference keys them by process name only, and the
    /// last program defining a name wins.
    procnumbers: HashMap<String, usize>,
}

impl LocalProcesses {
    fn new(processes: &[LocalProcess]) -> Self {
        let mut autorestart = HashMap::new();
        let mut procnumbers = HashMap::new();
        for p in processes {
            autorestart
                .entry((p.group.clone(), p.process_name.clone()))
                .or_insert(p.autorestart_enabled);
            procnumbers.insert(p.process_name.clone(), p.procnumber);
        }
        LocalProcesses {
            autorestart,
            procnumbers,
        }
    }

    fn autorestart_enabled(&self, group: &str, process: &str) -> Option<bool> {
        self.autorestart
            .get(&(group.to_owned(), process.to_owned()))
            .copied()
    }

    fn procnumber(&self, process: &str) -> Option<usize> {
        self.procnumbers.get(process).copied()
    }
}

/// Every rule the local configuration needs, plus what was reported while resolving.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvedRules {
    /// Rules per group name.
    pub applications: BTreeMap<String, ApplicationRules>,
    /// Rules per namespec (Supervisor's: `group:process`, or `process` when both are equal).
    pub processes: BTreeMap<String, ProcessRules>,
    /// Namespecs whose local `autorestart` must be forced to false.
    pub autorestart_forced_off: Vec<String>,
    /// Warnings and errors of §3.12, in resolution order.
    pub reports: Vec<ConfigError>,
}

/// Rules of one process and what they require from the local Supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessResolution {
    /// The rules.
    pub rules: ProcessRules,
    /// True when the local `autorestart` of this process must be forced to false.
    pub autorestart_forced_off: bool,
    /// Warnings and errors found.
    pub reports: Vec<ConfigError>,
}

pub use supvisors_core::queries::make_namespec;

fn post_report(path: Option<&Path>, section: String, problem: String) -> ConfigError {
    let path = path.map(Path::to_path_buf).unwrap_or_default();
    ConfigError::new(path, problem)
        .in_section(section)
        .warning()
}

impl RulesEngine {
    /// Rules of an application (group) with post-processing; `identifiers` are the deduced
    /// identifiers in `supvisors_list` order and `starting_strategy` the option's value.
    pub fn application_rules(
        &self,
        name: &str,
        identifiers: &[String],
        starting_strategy: StartingStrategies,
    ) -> (ApplicationRules, Vec<ConfigError>) {
        let mut reports = Vec::new();
        let mut rules = ApplicationRules::unmanaged(starting_strategy);
        rules.stop_sequence = -1;
        let element = self.application(name);
        if let Some((_, path, app)) = element {
            let mut loader = Loader {
                engine: self,
                known: identifiers,
                reports: &mut reports,
            };
            loader.application(path, &app.element, &mut rules);
        }
        let path = element.map(|(_, p, _)| p);
        if rules.stop_sequence < 0 {
            rules.stop_sequence = rules.start_sequence;
        }
        if !rules.hash_identifiers.is_empty() {
            let choice = application_hash_index(name).and_then(|index| {
                hash_choice(&rules.hash_identifiers, identifiers, index)
                    .ok_or_else(|| format!("no identifier for # in application {name}"))
            });
            match choice {
                Ok(id) => rules.identifiers = vec![id],
                Err(msg) => {
                    reports.push(post_report(path, format!("application {name}"), msg));
                    rules.start_sequence = 0;
                }
            }
        }
        (rules, reports)
    }

    /// Rules of a process with post-processing, given its application's rules and the local
    /// processes (for `procnumber` and `autorestart`).
    pub fn process_rules(
        &self,
        group: &str,
        process: &str,
        application: &ApplicationRules,
        identifiers: &[String],
        local: &[LocalProcess],
    ) -> ProcessResolution {
        let local = LocalProcesses::new(local);
        self.process_rules_indexed(group, process, application, identifiers, &local)
    }

    fn process_rules_indexed(
        &self,
        group: &str,
        process: &str,
        application: &ApplicationRules,
        identifiers: &[String],
        local: &LocalProcesses,
    ) -> ProcessResolution {
        let namespec = make_namespec(group, process);
        let mut reports = Vec::new();
        let mut rules = ProcessRules::inherited(application);
        let element = self.program(group, process);
        if let Some((path, program)) = element {
            let mut loader = Loader {
                engine: self,
                known: identifiers,
                reports: &mut reports,
            };
            loader.program(path, program, &mut rules, LOOP_CHECK);
        }
        let path = element.map(|(p, _)| p);
        let section = format!("program {namespec}");
        if rules.required && rules.start_sequence == 0 {
            let msg = format!(
                "ProcessRules.check_start_sequence: {namespec} - required forced to False because \
                 no start_sequence defined"
            );
            reports.push(post_report(path, section.clone(), msg));
            rules.required = false;
        }
        if rules.stop_sequence < 0 {
            rules.stop_sequence = rules.start_sequence;
        }
        let local_autorestart = local.autorestart_enabled(group, process);
        let mut autorestart_forced_off = false;
        let app_level = matches!(
            rules.running_failure_strategy,
            RunningFailureStrategies::StopApplication
                | RunningFailureStrategies::RestartApplication
        );
        if app_level && local_autorestart == Some(true) {
            autorestart_forced_off = true;
            let msg = format!(
                "ProcessRules.check_autorestart: namespec={namespec} - autorestart disabled due to \
                 running failure strategy {}",
                rules.running_failure_strategy
            );
            reports.push(post_report(path, section.clone(), msg));
        }
        if !rules.hash_identifiers.is_empty() {
            let procnumber = local.procnumber(process);
            match procnumber.and_then(|n| hash_choice(&rules.hash_identifiers, identifiers, n)) {
                Some(id) => rules.identifiers = vec![id],
                None => {
                    let msg = format!(
                        "ProcessRules.check_hash_identifiers: cannot apply \"#\" to unknown program={namespec}"
                    );
                    reports.push(post_report(path, section, msg));
                    rules.start_sequence = 0;
                }
            }
        }
        ProcessResolution {
            rules,
            autorestart_forced_off,
            reports,
        }
    }
}

/// Rules of an application; `engine` `None` means no rules engine (§3.10).
pub fn application_rules(
    engine: Option<&RulesEngine>,
    name: &str,
    options: &SupvisorsOptions,
) -> (ApplicationRules, Vec<ConfigError>) {
    match engine {
        Some(engine) => {
            engine.application_rules(name, &options.identifiers(), options.starting_strategy)
        }
        None => (ApplicationRules::without_engine(), Vec::new()),
    }
}

/// Rules of a process; `engine` `None` means no rules engine: defaults, no post-processing.
pub fn process_rules(
    engine: Option<&RulesEngine>,
    group: &str,
    process: &str,
    application: &ApplicationRules,
    options: &SupvisorsOptions,
    local: &[LocalProcess],
) -> ProcessResolution {
    match engine {
        Some(engine) => {
            engine.process_rules(group, process, application, &options.identifiers(), local)
        }
        None => ProcessResolution {
            rules: ProcessRules::inherited(application),
            autorestart_forced_off: false,
            reports: Vec::new(),
        },
    }
}

/// Resolves the rules of every local process and of their applications.
pub fn resolve_rules(
    engine: Option<&RulesEngine>,
    options: &SupvisorsOptions,
    processes: &[LocalProcess],
) -> ResolvedRules {
    let local = LocalProcesses::new(processes);
    let identifiers = options.identifiers();
    let mut out = ResolvedRules::default();
    for process in processes {
        if !out.applications.contains_key(&process.group) {
            let (rules, mut reports) = application_rules(engine, &process.group, options);
            out.reports.append(&mut reports);
            out.applications.insert(process.group.clone(), rules);
        }
        let namespec = make_namespec(&process.group, &process.process_name);
        if out.processes.contains_key(&namespec) {
            continue;
        }
        let Some(app) = out.applications.get(&process.group) else {
            continue;
        };
        let mut resolution = match engine {
            Some(engine) => engine.process_rules_indexed(
                &process.group,
                &process.process_name,
                app,
                &identifiers,
                &local,
            ),
            None => ProcessResolution {
                rules: ProcessRules::inherited(app),
                autorestart_forced_off: false,
                reports: Vec::new(),
            },
        };
        out.reports.append(&mut resolution.reports);
        if resolution.autorestart_forced_off {
            out.autorestart_forced_off.push(namespec.clone());
        }
        out.processes.insert(namespec, resolution.rules);
    }
    out
}
