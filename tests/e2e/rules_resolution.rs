//! Our rules engine resolves the same application and process rules as Supvisors 0.15's own
//! parser, on rules files made by mutating the reference's fixtures (values of every element
//! type, valid and invalid, aliases, names and patterns) and random sets of local processes:
//! same engine availability (files accepted or not), same application rules, same process
//! rules, same processes whose `autorestart` is forced off.
//!
//! Replay another run with `RULES_RESOLUTION_SEED=<n>`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Map, Value, json};
use supvisors_core::enums::StartingStrategies;
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_rules::rules_xml::resolve::make_namespec;
use supvisors_rules::rules_xml::{LocalProcess, load_rules};
use supvisors_tests::{Rng, describe, run_with_input, seed, venv_python, workspace_root};

const CASES: u64 = 200;

/// Values drawn for each element, by tag.
const VALUES: &[(&str, &[&str])] = &[
    (
        "start_sequence",
        &["1", "-1", "+1", "0", "127", "-128", "007", " 5 ", "3"],
    ),
    ("stop_sequence", &["1", "-1", "0", "2", " 4 "]),
    ("required", &["true", "false", "1", "0", " true "]),
    ("wait_exit", &["true", "false", "1", "0"]),
    ("expected_loading", &["0", "100", "5", " 7 ", "+3"]),
    (
        "identifiers",
        &[
            "",
            " ",
            "#",
            "*",
            "#,*",
            "#,a,b",
            "a, b, a",
            "b,zz",
            "alias1",
            "alias1,alias2",
            "#,alias2",
            "c,#",
            "d,b",
            "#,zz",
        ],
    ),
    (
        "reference",
        &[
            "",
            "disk_01",
            "disk_02",
            "converter",
            "dummy_model_01",
            "dummy_model_05",
            "unknown",
        ],
    ),
    ("starting_failure_strategy", &["ABORT", "STOP", "CONTINUE"]),
    (
        "running_failure_strategy",
        &[
            "CONTINUE",
            "RESTART_PROCESS",
            "STOP_APPLICATION",
            "RESTART_APPLICATION",
            "SHUTDOWN",
            "RESTART",
        ],
    ),
    (
        "distribution",
        &["ALL_INSTANCES", "SINGLE_INSTANCE", "SINGLE_NODE"],
    ),
    (
        "starting_strategy",
        &[
            "CONFIG",
            "LESS_LOADED",
            "MOST_LOADED",
            "LOCAL",
            "LESS_LOADED_NODE",
            "MOST_LOADED_NODE",
        ],
    ),
];
const INVALID: &[&str] = &["", "x", "200", "yes", "config"];
const IDENTIFIERS: &[&str] = &["a", "b", "c", "d"];

/// Byte ranges of the texts of the `<tag>text</tag>` elements of `doc`, with their tags.
fn leaf_elements(doc: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = doc[at..].find('<').map(|i| i + at) {
        at = open + 1;
        let tag: String = doc[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let start = at + tag.len() + 1;
        if tag.is_empty() || !doc[at + tag.len()..].starts_with('>') {
            continue;
        }
        let end = doc[start..].find('<').map_or(doc.len(), |i| i + start);
        if doc[end..].starts_with(&format!("</{tag}>")) {
            out.push((tag, start..end));
        }
    }
    out
}

fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut doc = base.to_owned();
    for _ in 0..rng.below(5) {
        let leaves = leaf_elements(&doc);
        let (tag, range) = leaves[rng.below(leaves.len())].clone();
        let choices = match VALUES.iter().find(|(t, _)| *t == tag) {
            Some((_, values)) if rng.below(100) < 95 => values,
            None if rng.below(100) < 95 => &["x"][..],
            _ => INVALID,
        };
        doc.replace_range(range, rng.pick(choices));
    }
    let aliases = if rng.chance(50) {
        r##"<alias name="alias1">a,alias2</alias><alias name="alias2">c,#</alias>"##
    } else {
        r#"<alias name="alias2">c</alias><alias name="alias1">alias2,d</alias>"#
    };
    doc.replacen("<root>", &format!("<root>{aliases}"), 1)
}

/// Values of the `attribute="..."` occurrences of `doc`.
fn attributes<'a>(doc: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    doc.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &doc[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Process names likely to match the names and patterns of `doc`, and some that do not.
fn names_in(doc: &str, out: &mut BTreeSet<String>) {
    for name in attributes(doc, "name")
        .into_iter()
        .chain(attributes(doc, "pattern"))
    {
        let plain: String = name
            .replace("\\d", "")
            .chars()
            .filter(|c| !"^$\\+*.()[]".contains(*c))
            .collect();
        for n in [
            name.to_owned(),
            format!("{plain}_01"),
            format!("{plain}01"),
            format!("x_{plain}"),
            format!("{plain}_0"),
            plain,
        ] {
            out.insert(n);
        }
    }
}

/// One case: rules files written to `dir`, identifiers, strategy and local processes, as
/// `resolve_rules.py` reads them.
fn case(rng: &mut Rng, bases: &[String], dir: &std::path::Path, index: u64) -> Value {
    let mut files = Vec::new();
    let mut names = BTreeSet::new();
    let mut groups = BTreeSet::new();
    for j in 0..rng.range(1, 2) {
        let base = rng.below(bases.len());
        let doc = mutate(rng, &bases[base]);
        names_in(&doc, &mut names);
        for needle in ["<application name=\"", "<application pattern=\""] {
            for (i, _) in doc.match_indices(needle) {
                let rest = &doc[i + needle.len()..];
                if let Some(end) = rest.find('"') {
                    groups.insert(rest[..end].replace('^', ""));
                }
            }
        }
        let path = dir.join(format!("r{index}_{j}.xml"));
        std::fs::write(&path, doc).expect("write rules file");
        files.push(path.display().to_string());
    }
    let names: Vec<String> = names.into_iter().collect();
    let mut groups: Vec<String> = groups
        .into_iter()
        .map(|g| format!("{g}{}", rng.pick(&["", "_1", "_2", "-3", "_0"])))
        .collect();
    groups.push("other".into());
    let processes: Vec<Value> = (0..rng.range(1, 12))
        .map(|_| {
            json!({
                "group": groups[rng.below(groups.len())],
                "process": names[rng.below(names.len())],
                "procnumber": rng.below(7),
                "autorestart": rng.chance(70),
            })
        })
        .collect();
    let count = rng.range(1, 4);
    json!({
        "files": files,
        "identifiers": rng.sample(IDENTIFIERS, count),
        "starting_strategy": rng.pick(&["CONFIG", "LESS_LOADED"]),
        "processes": processes,
    })
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// What our engine resolves for a case, in the shape `resolve_rules.py` prints.
fn ours(case: &Value) -> Value {
    let files: Vec<PathBuf> = strings(&case["files"])
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let identifiers = strings(&case["identifiers"]);
    let strategy = StartingStrategies::from_name(case["starting_strategy"].as_str().unwrap_or(""))
        .expect("a known starting strategy");
    let locals: Vec<LocalProcess> = case["processes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let name = p["process"].as_str().unwrap_or_default().to_owned();
            LocalProcess {
                group: p["group"].as_str().unwrap_or_default().to_owned(),
                process_name: name.clone(),
                program_name: name,
                procnumber: p["procnumber"].as_u64().unwrap_or(0) as usize,
                autorestart_enabled: p["autorestart"].as_bool().unwrap_or(false),
            }
        })
        .collect();
    let engine = load_rules(&files).ok();
    let mut applications = Map::new();
    let mut processes = Map::new();
    let mut forced = Vec::new();
    for p in &locals {
        let app = match &engine {
            Some(e) => e.application_rules(&p.group, &identifiers, strategy).0,
            None => ApplicationRules::without_engine(),
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
            None => (ProcessRules::inherited(&app), false),
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
    json!({
        "engine": engine.is_some(), "applications": applications, "processes": processes,
        "autorestart_forced_off": forced,
    })
}

fn reference(cases: &[Value]) -> Vec<Value> {
    let mut cmd = Command::new(venv_python());
    cmd.arg(workspace_root().join("tests/reference/resolve_rules.py"));
    let out = run_with_input(&mut cmd, &Value::from(cases.to_vec()).to_string());
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    let results: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("resolve_rules.py prints JSON");
    assert_eq!(results.len(), cases.len(), "{}", describe(&cmd, &out));
    results
}

#[test]
fn mutated_rules_resolve_as_the_reference_resolves_them() {
    let seed = seed("RULES_RESOLUTION_SEED", 20_261_125);
    let fixtures = workspace_root().join("crates/supvisors-rules/tests/fixtures/reference");
    let bases: Vec<String> = ["my_movies.xml", "xml_test.xml"]
        .iter()
        .map(|f| std::fs::read_to_string(fixtures.join(f)).expect("reference fixture"))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: Vec<Value> = (0..CASES)
        .map(|i| case(&mut Rng::for_input(seed, i), &bases, dir.path(), i))
        .collect();
    let expected = reference(&cases);
    let (mut engines, mut managed) = (0, 0);
    let mut mismatches = Vec::new();
    for (i, (case, expected)) in cases.iter().zip(&expected).enumerate() {
        let actual = ours(case);
        engines += usize::from(expected["engine"] == true);
        managed += expected["applications"]
            .as_object()
            .into_iter()
            .flat_map(|apps| apps.values())
            .filter(|app| app["managed"] == true)
            .count();
        if actual == *expected {
            continue;
        }
        let mut report = format!("seed {seed}, case {i}: {case}");
        for key in ["engine", "autorestart_forced_off"] {
            if actual[key] != expected[key] {
                report += &format!(
                    "\n  {key}: reference {} ours {}",
                    expected[key], actual[key]
                );
            }
        }
        for kind in ["applications", "processes"] {
            for (name, rules) in expected[kind].as_object().into_iter().flatten() {
                if actual[kind].get(name) != Some(rules) {
                    report += &format!(
                        "\n  {kind} {name}:\n    reference {rules}\n    ours      {}",
                        actual[kind][name]
                    );
                }
            }
        }
        for file in strings(&case["files"]) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            report += &format!("\n  --- {file}\n{text}");
        }
        mismatches.push(report);
    }
    assert!(
        mismatches.is_empty(),
        "{} of {CASES} cases resolve differently (replay with RULES_RESOLUTION_SEED={seed}):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Both outcomes must be exercised for the comparison to mean something.
    assert!(
        engines >= CASES as usize / 2 && engines + 5 <= CASES as usize,
        "{engines} of {CASES} cases have a rules engine; retune the generator"
    );
    assert!(
        managed >= 30,
        "only {managed} managed applications; retune the generator"
    );
}
