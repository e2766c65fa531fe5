//! Resolves rules for a JSON spec on stdin and prints them as JSON, for differential tests
//! against the reference (see `tests/differential/reference_resolve.py` for the format).

use std::io::Read;
use std::path::PathBuf;

use serde_json::{Value, json};
use supvisors_core::enums::StartingStrategies;
use supvisors_rules::rules_xml::resolve::make_namespec;
use supvisors_rules::rules_xml::{LocalProcess, load_rules};

fn main() {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        eprintln!("cannot read stdin");
        std::process::exit(2);
    }
    let spec: Value = match serde_json::from_str(&input) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("bad spec: {e}");
            std::process::exit(2);
        }
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let files: Vec<PathBuf> = strings(&spec["files"])
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let identifiers = strings(&spec["identifiers"]);
    let strategy =
        StartingStrategies::from_name(spec["starting_strategy"].as_str().unwrap_or("CONFIG"))
            .unwrap_or(StartingStrategies::Config);
    let locals: Vec<LocalProcess> = spec["processes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| LocalProcess {
                    group: p["group"].as_str().unwrap_or_default().to_owned(),
                    process_name: p["process"].as_str().unwrap_or_default().to_owned(),
                    program_name: p["process"].as_str().unwrap_or_default().to_owned(),
                    procnumber: p["procnumber"].as_u64().unwrap_or(0) as usize,
                    autorestart_enabled: p["autorestart"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    let engine = load_rules(&files).ok();
    let mut applications = serde_json::Map::new();
    let mut processes = serde_json::Map::new();
    let mut forced = Vec::new();
    for p in &locals {
        let (app, _) = match &engine {
            Some(e) => e.application_rules(&p.group, &identifiers, strategy),
            None => (
                supvisors_core::rules::ApplicationRules::without_engine(),
                Vec::new(),
            ),
        };
        applications.entry(p.group.clone()).or_insert_with(|| {
            json!({
                "managed": app.managed, "distribution": app.distribution.name(),
                "identifiers": app.identifiers, "hash_identifiers": app.hash_identifiers,
                "start_sequence": app.start_sequence, "stop_sequence": app.stop_sequence,
                "starting_strategy": app.starting_strategy.name(),
                "starting_failure_strategy": app.starting_failure_strategy.name(),
                "running_failure_strategy": app.running_failure_strategy.name(),
            })
        });
        let namespec = make_namespec(&p.group, &p.process_name);
        let (rules, forced_off) = match &engine {
            Some(e) => {
                let r = e.process_rules(&p.group, &p.process_name, &app, &identifiers, &locals);
                (r.rules, r.autorestart_forced_off)
            }
            None => (supvisors_core::rules::ProcessRules::inherited(&app), false),
        };
        if forced_off {
            forced.push(namespec.clone());
        }
        processes.insert(
            namespec,
            json!({
                "identifiers": rules.identifiers, "hash_identifiers": rules.hash_identifiers,
                "start_sequence": rules.start_sequence, "stop_sequence": rules.stop_sequence,
                "required": rules.required, "wait_exit": rules.wait_exit,
                "expected_load": rules.expected_load,
                "starting_failure_strategy": rules.starting_failure_strategy.name(),
                "running_failure_strategy": rules.running_failure_strategy.name(),
            }),
        );
    }
    let out = json!({
        "engine": engine.is_some(), "applications": applications, "processes": processes,
        "autorestart_forced_off": forced,
    });
    println!("{out}");
}
