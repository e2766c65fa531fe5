//! Shared helpers of the integration tests: a resolver table and option parsing.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use supvisors_rules::context::{HostEntry, HostTable, LoadContext, StaticAccounts};
use supvisors_rules::error::ConfigError;
use supvisors_rules::supvisors_options::{SupvisorsOptions, parse_supvisors_options};

/// Hosts of the tests; literal addresses resolve to themselves.
pub fn test_resolver() -> HostTable {
    let table: &[(&str, &str, &[&str])] = &[
        ("rocky51", "192.168.1.70", &["r51"]),
        ("rocky52", "192.168.1.72", &[]),
        ("rocky54", "192.168.1.74", &[]),
        ("supv-01", "192.168.1.61", &[]),
        ("supv-03", "192.168.1.63", &[]),
    ];
    table
        .iter()
        .fold(HostTable::new(), |hosts, (name, address, aliases)| {
            let address: IpAddr = address.parse().expect("an IP address");
            let mut entry = HostEntry::single(name, address);
            entry.aliases = aliases.iter().map(|a| (*a).to_owned()).collect();
            hosts.with(name, entry)
        })
        .resolving_literal_addresses()
}

/// Parses option entries on host `host_node_name` with Supervisor port 60000.
pub fn options(
    entries: &[(String, String, u32)],
    host_node_name: &str,
    path: &Path,
) -> Result<SupvisorsOptions, Vec<ConfigError>> {
    let resolver = test_resolver();
    let ctx = LoadContext {
        env: BTreeMap::new(),
        host_node_name: host_node_name.to_owned(),
        cwd: PathBuf::from("/"),
        local_addresses: vec![],
        accounts: &StaticAccounts::empty(),
        resolver: &resolver,
    };
    parse_supvisors_options(
        entries,
        path,
        Path::new("/"),
        "supervisor",
        Some(60000),
        &ctx,
    )
}

/// Entries of a tiny INI text: `key = value` lines, indented continuation lines, comments.
pub fn ini_entries(text: &str) -> Vec<(String, String, u32)> {
    let mut entries: Vec<(String, String, u32)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if line.starts_with('[') || line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = entries.last_mut() {
                last.1.push('\n');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(['=', ':']) {
            entries.push((k.trim().to_lowercase(), v.trim().to_owned(), number));
        }
    }
    entries
}
