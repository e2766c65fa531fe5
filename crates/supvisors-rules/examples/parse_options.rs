//! Parses `[rpcinterface:supvisors]` entries given as JSON on stdin and prints the typed
//! options (or the fatal errors) as JSON, for differential tests against the reference (see
//! `tests/differential/reference_options.py` for the format).

use std::collections::BTreeMap;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use supvisors_rules::context::{Accounts, HostEntry, LoadContext, Resolver, UserAccount};
use supvisors_rules::supvisors_options::{SupvisorsLogFile, parse_supvisors_options};

struct Table(Value);

impl Resolver for Table {
    fn resolve(&self, host: &str) -> Option<HostEntry> {
        let e = self.0.get(host)?;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        Some(HostEntry {
            canonical: e[0].as_str().unwrap_or_default().to_owned(),
            aliases: strings(&e[1]),
            addresses: strings(&e[2])
                .iter()
                .filter_map(|a| a.parse::<IpAddr>().ok())
                .collect(),
        })
    }
}

struct NoAccounts;

impl Accounts for NoAccounts {
    fn user_by_name(&self, _: &str) -> Option<UserAccount> {
        None
    }
    fn user_by_id(&self, _: u32) -> Option<UserAccount> {
        None
    }
    fn group_by_name(&self, _: &str) -> Option<u32> {
        None
    }
    fn group_exists(&self, _: u32) -> bool {
        false
    }
}

fn main() {
    let mut input = String::new();
    let _ = std::io::stdin().read_to_string(&mut input);
    let spec: Value = serde_json::from_str(&input).unwrap_or(Value::Null);
    let entries: Vec<(String, String, u32)> = spec["entries"]
        .as_array()
        .map(|a| {
            a.iter()
                .enumerate()
                .map(|(i, kv)| {
                    let k = kv[0].as_str().unwrap_or_default().to_owned();
                    (
                        k,
                        kv[1].as_str().unwrap_or_default().to_owned(),
                        i as u32 + 2,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let resolver = Table(spec["hosts"].clone());
    let ctx = LoadContext {
        env: BTreeMap::from([("HOME".to_owned(), "/root".to_owned())]),
        host_node_name: spec["host_node_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        cwd: PathBuf::from("/"),
        local_addresses: vec![],
        accounts: &NoAccounts,
        resolver: &resolver,
    };
    let identifier = spec["identifier"].as_str().unwrap_or("supervisor");
    let port = spec["http_port"].as_u64().map(|p| p as u32);
    let result = parse_supvisors_options(
        &entries,
        Path::new("/etc/s.conf"),
        Path::new("/etc"),
        identifier,
        port,
        &ctx,
    );
    let out = match result {
        Err(_) => json!({"fatal": true}),
        Ok(o) => json!({
            "fatal": false,
            "supvisors_list": o.supvisors_list,
            "internal_port": o.internal_port, "event_port": o.event_port,
            "event_link": o.event_link.name(), "auto_fence": o.auto_fence,
            "synchro_timeout": o.synchro_timeout, "inactivity_ticks": o.inactivity_ticks,
            "core_identifiers": o.core_identifiers,
            "conciliation_strategy": o.conciliation_strategy.name(),
            "starting_strategy": o.starting_strategy.name(),
            "stats_enabled": o.stats_enabled, "stats_periods": o.stats_periods,
            "stats_histo": o.stats_histo, "stats_irix_mode": o.stats_irix_mode,
            "tail_limit": o.tail_limit, "tailf_limit": o.tailf_limit,
            "logfile": match &o.logfile {
                SupvisorsLogFile::Auto => "AUTO".to_owned(),
                SupvisorsLogFile::None => "NONE".to_owned(),
                SupvisorsLogFile::Syslog => "SYSLOG".to_owned(),
                SupvisorsLogFile::Path(p) => p.display().to_string(),
            },
            "logfile_maxbytes": o.logfile_maxbytes, "logfile_backups": o.logfile_backups,
            "loglevel": o.loglevel as i32,
            "instances": o.instances.iter().map(|i| json!([i.identifier, i.host_name, i.http_port, i.internal_port, i.event_port, i.ip_address])).collect::<Vec<_>>(),
            "nodes": o.nodes.iter().map(|n| json!([n.ip_address, n.identifiers])).collect::<Vec<_>>(),
            "local_identifier": o.local_identifier,
        }),
    };
    println!("{out}");
}
