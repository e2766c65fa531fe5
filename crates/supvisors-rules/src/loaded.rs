//! Everything `supvisorsd` takes from its configuration, loaded in the reference's order:
//! the Supervisor configuration, then (when `[rpcinterface:supvisors]` is present) the
//! Supvisors options, the rules files and the rules of every local process.

use std::path::Path;

use crate::context::LoadContext;
use crate::error::{ConfigError, Severity};
use crate::expand::{Names, Value, expand};
use crate::ini::{Dialect, parse_ini};
use crate::rules_xml::{LocalProcess, ResolvedRules, RulesEngine, load_rules, resolve_rules};
use crate::supervisor::{SupervisorConfig, load_supervisor_config};
use crate::supvisors_options::{SupvisorsOptions, parse_supvisors_options};
use crate::values::AutoRestart;
use crate::values::inet_address;

/// The factory that marks an `[rpcinterface:x]` section as the Supvisors plugin.
pub const SUPVISORS_FACTORY: &str = "supvisors.plugin:make_supvisors_rpcinterface";

/// Command-line values that override the configuration file (supervisord's flags).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `-i`: the Supervisor identifier.
    pub identifier: Option<String>,
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The Supervisor part, with `autorestart` already forced off where the rules require it.
    pub supervisor: SupervisorConfig,
    /// The Supvisors part, absent for a plain supervisord configuration.
    pub supvisors: Option<SupvisorsConfig>,
}

/// The Supvisors part of a configuration.
#[derive(Debug, Clone)]
pub struct SupvisorsConfig {
    /// `[rpcinterface:supvisors]` options.
    pub options: SupvisorsOptions,
    /// The rules engine; `None` when `rules_files` is unset or a rules file is invalid.
    pub rules_engine: Option<RulesEngine>,
    /// Why the rules engine is unavailable, when a rules file is invalid. The reference then
    /// runs without any rules; `--check-config` treats these as errors.
    pub rules_errors: Vec<ConfigError>,
    /// Rules of every local application and process.
    pub resolved: ResolvedRules,
}

impl LoadedConfig {
    /// Problems that do not prevent starting: the reference logs them and carries on.
    pub fn warnings(&self) -> Vec<&ConfigError> {
        let mut out: Vec<&ConfigError> = self.supervisor.warnings.iter().collect();
        if let Some(supvisors) = &self.supvisors {
            out.extend(&supvisors.options.warnings);
            out.extend(&supvisors.resolved.reports);
        }
        out
    }
}

/// Loads a configuration file and everything it refers to.
pub fn load(
    path: &Path,
    ctx: &LoadContext<'_>,
    overrides: &Overrides,
) -> Result<LoadedConfig, Vec<ConfigError>> {
    let mut supervisor = match load_supervisor_config(path, ctx) {
        Ok(supervisor) => supervisor,
        Err(mut errors) => {
            // Keep going: the Supvisors part can still be checked from the raw main file, so
            // that one run reports every problem.
            errors.extend(check_supvisors_part_alone(path, ctx, overrides));
            return Err(errors);
        }
    };
    if let Some(identifier) = &overrides.identifier {
        supervisor.supervisord.identifier = identifier.clone();
    }
    let Some(section) = supervisor
        .rpcinterfaces
        .iter()
        .find(|s| s.factory == SUPVISORS_FACTORY)
    else {
        return Ok(LoadedConfig {
            supervisor,
            supvisors: None,
        });
    };
    let inet_port = supervisor
        .inet_http_servers
        .first()
        .map(|server| u32::from(server.port));
    let options = parse_supvisors_options(
        &section.extras,
        &section.path,
        &supervisor.here,
        &supervisor.supervisord.identifier,
        inet_port,
        ctx,
    )?;
    let (rules_engine, rules_errors) = match &options.rules_files {
        Some(files) => match load_rules(files) {
            Ok(engine) => (Some(engine), Vec::new()),
            Err(errors) => (None, errors),
        },
        None => (None, Vec::new()),
    };
    let processes = local_processes(&supervisor);
    let mut resolved = resolve_rules(rules_engine.as_ref(), &options, &processes);
    // Resolution problems never stop the reference: they are reported, defaults are kept.
    for report in &mut resolved.reports {
        report.severity = Severity::Warning;
    }
    force_autorestart_off(&mut supervisor, &resolved.autorestart_forced_off);
    Ok(LoadedConfig {
        supervisor,
        supvisors: Some(SupvisorsConfig {
            options,
            rules_engine,
            rules_errors,
            resolved,
        }),
    })
}

/// Checks `[rpcinterface:supvisors]` and the rules files of a main file whose Supervisor part
/// does not load, from the raw sections: the options, the instances and the rules files
/// (rules are not resolved, since the processes are unknown).
fn check_supvisors_part_alone(
    path: &Path,
    ctx: &LoadContext<'_>,
    overrides: &Overrides,
) -> Vec<ConfigError> {
    let Ok(text) = std::fs::read_to_string(ctx.cwd.join(path)) else {
        return Vec::new();
    };
    let Ok(raw) = parse_ini(&text, path, Dialect::Supervisor) else {
        // The INI errors are already reported by the Supervisor part.
        return Vec::new();
    };
    let Some(section) = raw
        .sections
        .iter()
        .filter(|s| s.name.starts_with("rpcinterface:"))
        .find(|s| {
            s.get("supervisor.rpcinterface_factory")
                .is_some_and(|e| e.value == SUPVISORS_FACTORY)
        })
    else {
        return Vec::new();
    };
    let names: Names = ctx
        .env
        .iter()
        .map(|(k, v)| (format!("ENV_{k}").into(), Value::Str(v.as_str().into())))
        .collect();
    let mut errors = Vec::new();
    let mut extras = Vec::new();
    for entry in section
        .entries
        .iter()
        .filter(|e| e.key != "supervisor.rpcinterface_factory")
    {
        let context = format!("{}.{}", section.name, entry.key);
        match expand(&entry.value, &names, &context) {
            Ok(value) => extras.push((entry.key.clone(), value, entry.line)),
            Err(problem) => errors.push(
                ConfigError::new(path, problem)
                    .at_line(entry.line)
                    .in_section(section.name.as_str()),
            ),
        }
    }
    let identifier = overrides
        .identifier
        .clone()
        .or_else(|| {
            raw.get("supervisord", "identifier")
                .map(|e| e.value.clone())
        })
        .unwrap_or_else(|| "supervisor".to_owned());
    let inet_port = raw
        .get("inet_http_server", "port")
        .and_then(|e| inet_address(&e.value).ok())
        .map(|(_, port)| u32::from(port));
    let here = ctx
        .cwd
        .join(path)
        .parent()
        .map_or_else(|| Path::new("/").to_path_buf(), Path::to_path_buf);
    match parse_supvisors_options(&extras, path, &here, &identifier, inet_port, ctx) {
        Ok(options) => {
            if let Some(files) = &options.rules_files
                && let Err(rules_errors) = load_rules(files)
            {
                errors.extend(rules_errors);
            }
        }
        Err(option_errors) => errors.extend(option_errors),
    }
    errors
}

/// Every process of the configuration, as the rules resolution needs it.
pub fn local_processes(supervisor: &SupervisorConfig) -> Vec<LocalProcess> {
    supervisor
        .groups
        .iter()
        .flat_map(|group| {
            group.processes.iter().map(|process| LocalProcess {
                group: group.name.clone(),
                process_name: process.name.clone(),
                program_name: process.program_name.clone(),
                procnumber: process.procnumber,
                autorestart_enabled: process.autorestart != AutoRestart::Never,
            })
        })
        .collect()
}

fn force_autorestart_off(supervisor: &mut SupervisorConfig, namespecs: &[String]) {
    for group in &mut supervisor.groups {
        for process in &mut group.processes {
            let namespec = crate::rules_xml::resolve::make_namespec(&group.name, &process.name);
            if namespecs.contains(&namespec) {
                // Refcount 1 during loading: no copy is made.
                std::sync::Arc::make_mut(process).autorestart = AutoRestart::Never;
            }
        }
    }
}
