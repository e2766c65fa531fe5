//! Renderings of a loaded configuration: a summary for people and JSON for tools.
//!
//! The JSON keys for the Supvisors part (`instances`, `options`, `applications`, `processes`…)
//! are those of `tests/reference/dump_reference.py`, so the differential tests compare both
//! implementations directly.

use std::fmt::Write as _;

use serde_json::{Value, json};
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_rules::LoadedConfig;
use supvisors_rules::rules_xml::resolve::make_namespec;
use supvisors_rules::supervisor::{GroupConfig, GroupKind, ProcessConfig};
use supvisors_rules::values::{AutoRestart, LogFile};

/// The loaded configuration as JSON.
pub fn to_json(loaded: &LoadedConfig) -> Value {
    let sup = &loaded.supervisor;
    let mut out = json!({
        "config_file": sup.path.display().to_string(),
        "included_files": sup.included_files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "identifier": sup.supervisord.identifier,
        "groups": sup.groups.iter().map(group_json).collect::<Vec<_>>(),
        "supvisors": loaded.supvisors.is_some(),
    });
    let Some(supvisors) = &loaded.supvisors else {
        return out;
    };
    let opts = &supvisors.options;
    let applications: serde_json::Map<String, Value> = supvisors
        .resolved
        .applications
        .iter()
        .map(|(name, rules)| (name.clone(), application_json(rules)))
        .collect();
    let mut processes = serde_json::Map::new();
    for group in &sup.groups {
        for process in &group.processes {
            let namespec = make_namespec(&group.name, &process.name);
            if let Some(rules) = supvisors.resolved.processes.get(&namespec) {
                processes.insert(namespec, process_json(rules, process));
            }
        }
    }
    let extra = json!({
        "instances": opts.instances.iter().map(|i| json!({
            "identifier": i.identifier,
            "host_name": i.host_name,
            "http_port": i.http_port,
            "internal_port": i.internal_port,
            "event_port": i.event_port,
        })).collect::<Vec<_>>(),
        "local_identifier": opts.local_identifier,
        "core_identifiers": opts.core_identifiers.iter().collect::<Vec<_>>(),
        "options": {
            "synchro_timeout": opts.synchro_timeout,
            "inactivity_ticks": opts.inactivity_ticks,
            "auto_fence": opts.auto_fence,
            "event_link": opts.event_link.name(),
            "starting_strategy": opts.starting_strategy.name(),
            "conciliation_strategy": opts.conciliation_strategy.name(),
            "stats_enabled": opts.stats_enabled,
            "stats_periods": opts.stats_periods,
            "stats_histo": opts.stats_histo,
            "stats_irix_mode": opts.stats_irix_mode,
            "tail_limit": opts.tail_limit,
            "tailf_limit": opts.tailf_limit,
            "rules_files": opts.rules_files.as_ref().map(|files| {
                files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>()
            }),
        },
        "rules_engine": supvisors.rules_engine.is_some(),
        "applications": applications,
        "processes": processes,
    });
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    out
}

fn group_json(group: &GroupConfig) -> Value {
    json!({
        "name": group.name,
        "priority": group.priority,
        "kind": group_kind(&group.kind),
        "processes": group.processes.iter().map(|p| json!({
            "name": p.name,
            "program": p.program_name,
            "command": p.command,
            "priority": p.priority,
            "autostart": p.autostart,
            "autorestart": autorestart(p.autorestart),
        })).collect::<Vec<_>>(),
    })
}

fn application_json(rules: &ApplicationRules) -> Value {
    json!({
        "managed": rules.managed,
        "distribution": rules.distribution.name(),
        "identifiers": rules.identifiers,
        "hash_identifiers": rules.hash_identifiers,
        "start_sequence": rules.start_sequence,
        "stop_sequence": rules.stop_sequence,
        "starting_strategy": rules.starting_strategy.name(),
        "starting_failure_strategy": rules.starting_failure_strategy.name(),
        "running_failure_strategy": rules.running_failure_strategy.name(),
    })
}

fn process_json(rules: &ProcessRules, process: &ProcessConfig) -> Value {
    json!({
        "identifiers": rules.identifiers,
        "hash_identifiers": rules.hash_identifiers,
        "start_sequence": rules.start_sequence,
        "stop_sequence": rules.stop_sequence,
        "required": rules.required,
        "wait_exit": rules.wait_exit,
        "expected_loading": rules.expected_load,
        "starting_failure_strategy": rules.starting_failure_strategy.name(),
        "running_failure_strategy": rules.running_failure_strategy.name(),
        "autorestart": process.autorestart != AutoRestart::Never,
    })
}

fn group_kind(kind: &GroupKind) -> &'static str {
    match kind {
        GroupKind::Homogeneous => "program",
        GroupKind::Heterogeneous { .. } => "group",
        GroupKind::EventListenerPool { .. } => "eventlistener",
        GroupKind::Fcgi { .. } => "fcgi-program",
    }
}

fn autorestart(value: AutoRestart) -> &'static str {
    match value {
        AutoRestart::Never => "false",
        AutoRestart::Unexpected => "unexpected",
        AutoRestart::Unconditional => "true",
    }
}

fn log_file(file: &LogFile) -> String {
    match file {
        LogFile::None => "NONE".to_owned(),
        LogFile::Auto => "AUTO".to_owned(),
        LogFile::Syslog => "syslog".to_owned(),
        LogFile::Path(path) => path.display().to_string(),
    }
}

/// The loaded configuration as a summary for people.
pub fn render(loaded: &LoadedConfig) -> String {
    let sup = &loaded.supervisor;
    let mut out = String::new();
    let _ = writeln!(out, "Configuration: {}", sup.path.display());
    for file in &sup.included_files {
        let _ = writeln!(out, "  included: {}", file.display());
    }
    let _ = writeln!(out, "Supervisor identifier: {}", sup.supervisord.identifier);
    for server in &sup.inet_http_servers {
        let host = if server.host.is_empty() {
            "*"
        } else {
            &server.host
        };
        let _ = writeln!(
            out,
            "HTTP server [{}]: {host}:{}",
            server.section, server.port
        );
    }
    for server in &sup.unix_http_servers {
        let _ = writeln!(
            out,
            "HTTP server [{}]: {}",
            server.section,
            server.file.display()
        );
    }
    match &loaded.supvisors {
        None => {
            let _ = writeln!(out, "Supvisors: not configured (plain supervisord)");
        }
        Some(supvisors) => render_supvisors(&mut out, supvisors),
    }
    let count: usize = sup.groups.iter().map(|g| g.processes.len()).sum();
    let _ = writeln!(
        out,
        "Groups: {} ({count} processes), in start order:",
        sup.groups.len()
    );
    for group in &sup.groups {
        render_group(&mut out, loaded, group);
    }
    out
}

fn render_supvisors(out: &mut String, supvisors: &supvisors_rules::SupvisorsConfig) {
    let opts = &supvisors.options;
    let _ = writeln!(out, "Supvisors instances (supvisors_list order):");
    for i in &opts.instances {
        let mut marks = Vec::new();
        if i.identifier == opts.local_identifier {
            marks.push("local");
        }
        if opts.core_identifiers.contains(&i.identifier) {
            marks.push("core");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" [{}]", marks.join(", "))
        };
        let _ = writeln!(
            out,
            "  {} host={} node={} http={} internal={} event={}{marks}",
            i.identifier, i.host_name, i.ip_address, i.http_port, i.internal_port, i.event_port
        );
    }
    let _ = writeln!(
        out,
        "Supvisors options: synchro_timeout={}s inactivity_ticks={} auto_fence={} \
         starting_strategy={} conciliation_strategy={} event_link={}",
        opts.synchro_timeout,
        opts.inactivity_ticks,
        opts.auto_fence,
        opts.starting_strategy,
        opts.conciliation_strategy,
        opts.event_link
    );
    match (&opts.rules_files, &supvisors.rules_engine) {
        (None, _) => {
            let _ = writeln!(out, "Rules: none (rules_files not set)");
        }
        (Some(files), engine) => {
            let state = if engine.is_some() {
                "loaded"
            } else {
                "REJECTED: running without rules"
            };
            let _ = writeln!(out, "Rules files ({state}):");
            for file in files {
                let _ = writeln!(out, "  {}", file.display());
            }
        }
    }
}

fn render_group(out: &mut String, loaded: &LoadedConfig, group: &GroupConfig) {
    let resolved = loaded.supvisors.as_ref().map(|s| &s.resolved);
    let app = resolved.and_then(|r| r.applications.get(&group.name));
    let _ = write!(
        out,
        "  {} ({}, priority {})",
        group.name,
        group_kind(&group.kind),
        group.priority
    );
    if let Some(app) = app {
        if app.managed {
            let _ = write!(
                out,
                ": managed, start {} stop {}, {} on {}, {} / {} / {}",
                app.start_sequence,
                app.stop_sequence,
                app.distribution,
                app.identifiers.join(","),
                app.starting_strategy,
                app.starting_failure_strategy,
                app.running_failure_strategy
            );
        } else {
            let _ = write!(out, ": not managed");
        }
    }
    let _ = writeln!(out);
    for process in &group.processes {
        let namespec = make_namespec(&group.name, &process.name);
        let _ = write!(
            out,
            "    {namespec}: priority {} autostart={} autorestart={} stdout={} command={:?}",
            process.priority,
            process.autostart,
            autorestart(process.autorestart),
            log_file(&process.stdout.logfile),
            process.command
        );
        if let Some(rules) = resolved.and_then(|r| r.processes.get(&namespec)) {
            let _ = write!(
                out,
                "\n      rules: on {} start {} stop {} required={} wait_exit={} load={}% {} / {}",
                if rules.identifiers.is_empty() {
                    "(nowhere)".to_owned()
                } else {
                    rules.identifiers.join(",")
                },
                rules.start_sequence,
                rules.stop_sequence,
                rules.required,
                rules.wait_exit,
                rules.expected_load,
                rules.starting_failure_strategy,
                rules.running_failure_strategy
            );
        }
        let _ = writeln!(out);
    }
}
