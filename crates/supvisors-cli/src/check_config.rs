//! `supvisorsd --check-config`: load everything, print a summary (or JSON) or every error.
//!
//! Exit codes: 0 when the configuration loads (warnings included), 2 when it does not, as
//! supervisord exits on configuration errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use supvisors_rules::context::{LoadContext, Resolver};
use supvisors_rules::error::{ConfigError, Severity};
use supvisors_rules::{LoadedConfig, Overrides};

use crate::host::{self, SystemAccounts, SystemResolver};
use crate::summary;

/// What `--check-config` was asked to do.
pub struct CheckOptions {
    /// `-c FILE`, or the default search list.
    pub configuration: Option<PathBuf>,
    /// `-i STR`: overrides `[supervisord] identifier`.
    pub identifier: Option<String>,
    /// Print JSON instead of the summary.
    pub json: bool,
    /// Host name to assume instead of this host's.
    pub host_node_name: Option<String>,
    /// Host table to use instead of the system resolver.
    pub hosts: Option<PathBuf>,
}

/// Runs the check and returns the process exit code.
pub fn run(options: &CheckOptions) -> ExitCode {
    match check(options) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn check(options: &CheckOptions) -> Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let path = match &options.configuration {
        Some(path) if path.exists() => path.clone(),
        Some(path) => anyhow::bail!("could not find config file {}", path.display()),
        None => default_config_file(&cwd)?,
    };
    let table;
    let resolver: &dyn Resolver = match &options.hosts {
        Some(file) => {
            table = host::host_table_from_file(file)?;
            &table
        }
        None => &SystemResolver,
    };
    let ctx = LoadContext {
        env: std::env::vars().collect(),
        host_node_name: options
            .host_node_name
            .clone()
            .unwrap_or_else(host::host_node_name),
        cwd,
        local_addresses: if options.host_node_name.is_some() {
            // A pinned host has no interfaces of this machine: its addresses come from the table.
            Vec::new()
        } else {
            host::local_addresses()
        },
        accounts: &SystemAccounts,
        resolver,
    };
    let overrides = Overrides {
        identifier: options.identifier.clone(),
    };
    match supvisors_rules::load(&path, &ctx, &overrides) {
        Ok(loaded) => {
            print_warnings(&loaded);
            let rules_errors = loaded
                .supvisors
                .as_ref()
                .map(|s| s.rules_errors.as_slice())
                .unwrap_or_default();
            if !rules_errors.is_empty() {
                // Supvisors would start, but ignore every rules file: never what the user wants.
                eprintln!(
                    "supvisorsd: the rules files are invalid; Supvisors would run without any rules"
                );
                print_errors(rules_errors);
                return Ok(ExitCode::from(2));
            }
            if options.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary::to_json(&loaded))?
                );
            } else {
                print!("{}", summary::render(&loaded));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            print_errors(&errors);
            Ok(ExitCode::from(2))
        }
    }
}

fn print_warnings(loaded: &LoadedConfig) {
    for warning in loaded.warnings() {
        eprintln!("{warning}");
    }
}

fn print_errors(errors: &[ConfigError]) {
    let count = errors
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .count();
    for error in errors {
        eprintln!("{error}");
    }
    eprintln!(
        "supvisorsd: configuration rejected: {count} error{}",
        if count == 1 { "" } else { "s" }
    );
}

/// The first existing file of supervisord's search list.
fn default_config_file(cwd: &Path) -> Result<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(bin_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        candidates.push(bin_dir.join("../etc/supervisord.conf"));
        candidates.push(bin_dir.join("../supervisord.conf"));
    }
    candidates.push(cwd.join("supervisord.conf"));
    candidates.push(cwd.join("etc/supervisord.conf"));
    candidates.push(PathBuf::from("/etc/supervisord.conf"));
    candidates.push(PathBuf::from("/etc/supervisor/supervisord.conf"));
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let list: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    anyhow::bail!(
        "No config file found at default paths ({}); use the -c option to specify a config file \
         at a different path",
        list.join(", ")
    )
}
