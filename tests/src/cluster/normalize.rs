//! The Supvisors queries compared between two clusters, with what legitimately differs between
//! two runs masked. Each rule and its reason:
//!
//! | rule | why |
//! |---|---|
//! | `last_event_time`, `start`, `stop`, `now` → `"<time>"` when non-zero | wall clock of each run; zero (never started / stopped) is kept |
//! | `pid` → `"<pid>"` when non-zero | the kernel's choice; zero (not running) is kept |
//! | description `pid N, uptime H:MM:SS` → `pid <pid>, uptime <uptime>` | same |
//! | description `%b %d %I:%M %p` (stop date of STOPPED/EXITED) → `<date>` | same |
//! | applications sorted by name, processes by (application, process) | both lists follow the order in which the instance learnt each process from its peers, which is timing |
//! | `identifiers` of a process sorted | kept in a set by the reference: its order is hashing |
//! | local processes sorted by (group, name) | Supervisor's order is its configuration's, equal on both sides, sorted anyway for a stable diff |
//!
//! Nothing else is touched: states, failures, rules, `expected_exit`, `extra_args`,
//! `spawnerr` and everything else must be equal.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use super::Cluster;
use crate::xmlrpc::s;

/// The four Supvisors queries (plus the instance's local process view) seen from instance
/// `identifier`, normalized: `{"applications", "processes", "application_rules",
/// "process_rules", "local_processes"}`.
pub fn snapshot(cluster: &Cluster, identifier: &str) -> Json {
    let applications = sorted_by(
        cluster.must(identifier, "supvisors.get_all_applications_info", &[]),
        &["application_name"],
    );
    let names: Vec<String> = applications
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["application_name"].as_str().map(str::to_owned))
        .collect();
    let mut application_rules = Map::new();
    let mut process_rules = Map::new();
    for name in &names {
        let rules = cluster.must(identifier, "supvisors.get_application_rules", &[s(name)]);
        application_rules.insert(name.clone(), rules);
        let namespec = format!("{name}:*");
        let rules = cluster.must(identifier, "supvisors.get_process_rules", &[s(&namespec)]);
        process_rules.insert(name.clone(), sorted_by(rules, &["process_name"]));
    }
    let mut processes = sorted_by(
        cluster.must(identifier, "supvisors.get_all_process_info", &[]),
        &["application_name", "process_name"],
    );
    for process in processes.as_array_mut().into_iter().flatten() {
        mask_time(process, "last_event_time");
        if let Some(ids) = process["identifiers"].as_array_mut() {
            ids.sort_by_key(Json::to_string);
        }
    }
    let mut local_processes = sorted_by(
        cluster.must(identifier, "supvisors.get_all_local_process_info", &[]),
        &["group", "name"],
    );
    for process in local_processes.as_array_mut().into_iter().flatten() {
        normalize_local(process);
    }
    json!({
        "applications": applications,
        "processes": processes,
        "application_rules": application_rules,
        "process_rules": process_rules,
        "local_processes": local_processes,
    })
}

/// Where each process runs according to a [`snapshot`]: namespec → sorted identifiers.
pub fn placement(snapshot: &Json) -> BTreeMap<String, Vec<String>> {
    snapshot["processes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let namespec = format!(
                "{}:{}",
                p["application_name"].as_str().unwrap_or_default(),
                p["process_name"].as_str().unwrap_or_default()
            );
            let ids = p["identifiers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            (namespec, ids)
        })
        .collect()
}

/// Masks the clock and kernel parts of one local process (see the module table).
pub fn normalize_local(process: &mut Json) {
    for key in ["start", "stop", "now"] {
        mask_time(process, key);
    }
    if process["pid"].as_i64().is_some_and(|pid| pid != 0) {
        process["pid"] = json!("<pid>");
    }
    if let Some(text) = process["description"].as_str() {
        process["description"] = json!(normalize_description(text));
    }
}

/// Masks pids, uptimes and stop dates of a Supervisor process description.
pub fn normalize_description(text: &str) -> String {
    if text.starts_with("pid ") && text.contains(", uptime ") {
        return "pid <pid>, uptime <uptime>".to_owned();
    }
    // `%b %d %I:%M %p`, as in "Nov 25 01:23 PM".
    let words: Vec<&str> = text.split(' ').collect();
    let is_date = words.len() == 4
        && words[0].len() == 3
        && words[0].chars().all(char::is_alphabetic)
        && words[1].len() == 2
        && words[1].chars().all(|c| c.is_ascii_digit())
        && words[2].len() == 5
        && words[2].as_bytes()[2] == b':'
        && (words[3] == "AM" || words[3] == "PM");
    if is_date {
        "<date>".to_owned()
    } else {
        text.to_owned()
    }
}

fn mask_time(object: &mut Json, key: &str) {
    if object[key].as_f64().is_some_and(|t| t != 0.0) {
        object[key] = json!("<time>");
    }
}

/// A JSON list sorted by the string values of `keys`; anything else is returned unchanged.
fn sorted_by(mut list: Json, keys: &[&str]) -> Json {
    if let Some(items) = list.as_array_mut() {
        items.sort_by_key(|item| {
            keys.iter()
                .map(|k| item[*k].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        });
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_kernel_values_are_masked_zero_kept() {
        let mut p = json!({"pid": 42, "start": 1700000000, "stop": 0, "now": 1.7e9,
                           "description": "pid 42, uptime 0:00:07", "state": 20});
        normalize_local(&mut p);
        assert_eq!(
            p,
            json!({"pid": "<pid>", "start": "<time>", "stop": 0, "now": "<time>",
                   "description": "pid <pid>, uptime <uptime>", "state": 20})
        );
        assert_eq!(normalize_description("Nov 25 01:23 PM"), "<date>");
        assert_eq!(normalize_description("Not started"), "Not started");
    }

    #[test]
    fn placement_lists_identifiers_per_namespec() {
        let snap = json!({"processes": [
            {"application_name": "a", "process_name": "p", "identifiers": ["x", "y"]},
            {"application_name": "a", "process_name": "q", "identifiers": []}]});
        let placed = placement(&snap);
        assert_eq!(placed["a:p"], ["x", "y"]);
        assert!(placed["a:q"].is_empty());
    }
}
