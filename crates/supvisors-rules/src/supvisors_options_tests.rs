//! Tests of the `[rpcinterface:supvisors]` options (checklist §11.1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::context::{HostEntry, HostTable, LoadContext, StaticAccounts};
use crate::error::Severity;

fn entry(canonical: &str, aliases: &[&str], addrs: &[&str]) -> HostEntry {
    HostEntry {
        canonical: canonical.to_owned(),
        aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
        addresses: addrs.iter().filter_map(|a| a.parse().ok()).collect(),
    }
}

/// The test hosts; literal addresses resolve to themselves.
fn resolver() -> HostTable {
    HostTable::new()
        .with("rocky51", entry("rocky51", &["r51"], &["192.168.1.70"]))
        .with("rocky52", entry("rocky52", &[], &["192.168.1.72"]))
        .with("r51", entry("rocky51", &["r51"], &["192.168.1.70"]))
        .resolving_literal_addresses()
}

fn parse(pairs: &[(&str, &str)], identifier: &str) -> Result<SupvisorsOptions, Vec<ConfigError>> {
    let res = resolver();
    let ctx = LoadContext {
        env: BTreeMap::from([("HOME".to_owned(), "/tmp".to_owned())]),
        host_node_name: "rocky51".to_owned(),
        cwd: PathBuf::from("/"),
        local_addresses: vec![],
        accounts: &StaticAccounts::empty(),
        resolver: &res,
    };
    let entries: Vec<(String, String, u32)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (k, v))| ((*k).to_owned(), (*v).to_owned(), i as u32 + 2))
        .collect();
    parse_supvisors_options(
        &entries,
        Path::new("/etc/s.conf"),
        Path::new("/etc"),
        identifier,
        Some(65000),
        &ctx,
    )
}

fn ok(pairs: &[(&str, &str)]) -> SupvisorsOptions {
    parse(pairs, "supervisor").unwrap_or_else(|e| panic!("{e:?}"))
}

fn warned(opts: &SupvisorsOptions, key: &str) -> bool {
    opts.warnings
        .iter()
        .any(|w| w.severity == Severity::Warning && w.problem.contains(key))
}

#[test]
fn item_01_no_option_set_gives_every_default() {
    let o = ok(&[]);
    assert_eq!(o.supvisors_list, ["rocky51"]);
    assert_eq!(o.local_identifier, "rocky51");
    assert_eq!(o.synchro_timeout, 15);
    assert_eq!(o.inactivity_ticks, 2);
    assert_eq!(o.starting_strategy, StartingStrategies::Config);
    assert_eq!(o.conciliation_strategy, ConciliationStrategies::User);
    assert!(!o.auto_fence);
    assert_eq!(o.stats_periods, [10]);
    assert_eq!(o.stats_histo, 200);
    assert!(o.stats_enabled && !o.stats_irix_mode);
    assert_eq!((o.tail_limit, o.tailf_limit), (1024, 1024));
    assert_eq!(o.rules_files, None);
    assert_eq!(o.event_link, EventLinks::None);
    assert_eq!(o.logfile, SupvisorsLogFile::Auto);
    assert_eq!(
        (o.logfile_maxbytes, o.logfile_backups, o.loglevel),
        (50 << 20, 10, LogLevel::Info)
    );
    assert!(warned(&o, "no persistence for program disabilities"));
}

#[test]
fn item_02_synchro_timeout_and_inactivity_ticks_ranges() {
    for (v, expect) in [
        ("14", 15),
        ("1201", 15),
        ("15", 15),
        ("1200", 1200),
        ("x", 15),
    ] {
        let o = ok(&[("synchro_timeout", v)]);
        assert_eq!(o.synchro_timeout, expect, "{v}");
        assert_eq!(
            warned(&o, "synchro_timeout") || warned(&o, "invalid literal"),
            v == "14" || v == "1201" || v == "x"
        );
    }
    assert_eq!(ok(&[("inactivity_ticks", "1")]).inactivity_ticks, 2);
    assert_eq!(ok(&[("inactivity_ticks", "720")]).inactivity_ticks, 720);
    let o = ok(&[("inactivity_ticks", "721")]);
    assert_eq!(o.inactivity_ticks, 2);
    assert!(warned(&o, "expected in [2;720]"));
}

#[test]
fn item_03_lower_case_strategy_is_invalid_but_event_link_any_case() {
    let o = ok(&[
        ("starting_strategy", "config"),
        ("event_link", "zmq"),
        ("conciliation_strategy", "SENICIDE"),
    ]);
    assert_eq!(o.starting_strategy, StartingStrategies::Config);
    assert!(warned(&o, "invalid value for starting_strategy: config"));
    assert_eq!(o.event_link, EventLinks::Zmq);
    assert_eq!(o.conciliation_strategy, ConciliationStrategies::Senicide);
    assert_eq!(
        ok(&[("starting_strategy", "LESS_LOADED")]).starting_strategy,
        StartingStrategies::LessLoaded
    );
}

#[test]
fn item_04_stats_periods_sorted_and_whole_option_defaults() {
    assert_eq!(
        ok(&[("stats_periods", "720, 120,1800")]).stats_periods,
        [120, 720, 1800]
    );
    for bad in ["6, 3599", "1,2,3,4", "", "5,x", "3605", "0"] {
        let o = ok(&[("stats_periods", bad)]);
        assert_eq!(o.stats_periods, [10], "{bad}");
        assert!(warned(&o, "stats_periods"), "{bad}");
    }
    assert_eq!(ok(&[("stats_periods", "5,5")]).stats_periods, [5, 5]);
}

#[test]
fn item_05_tail_limits_are_byte_sizes() {
    let o = ok(&[("tail_limit", "1MB"), ("tailf_limit", "512")]);
    assert_eq!((o.tail_limit, o.tailf_limit), (1_048_576, 512));
    let o = ok(&[("tail_limit", "1XB")]);
    assert_eq!(o.tail_limit, 1024);
    assert!(warned(&o, "invalid literal"));
}

#[test]
fn lenient_options_warn_and_keep_defaults() {
    let o = ok(&[
        ("internal_port", "70000"),
        ("event_port", "-1"),
        ("auto_fence", "maybe"),
        ("stats_histo", "9"),
        ("stats_enabled", "nope"),
        ("stats_irix_mode", "2"),
        ("event_link", "PUB"),
    ]);
    assert_eq!((o.internal_port, o.event_port), (0, 0));
    assert!(!o.auto_fence && o.stats_enabled && !o.stats_irix_mode);
    assert_eq!(o.stats_histo, 200);
    assert_eq!(o.event_link, EventLinks::None);
    assert_eq!(o.warnings.len(), 8, "{:?}", o.warnings);
    assert!(
        o.warnings
            .iter()
            .all(|w| w.line.is_some() || w.problem.contains("persistence"))
    );
}

#[test]
fn item_06_invalid_logger_options_are_fatal() {
    for (k, v) in [
        ("loglevel", "verbose"),
        ("logfile", "/no/such/dir/s.log"),
        ("logfile_maxbytes", "lots"),
        ("logfile_backups", "ten"),
    ] {
        let errs = parse(&[(k, v)], "supervisor").expect_err(k);
        assert!(
            errs.iter()
                .any(|e| e.severity == Severity::Error && e.problem.contains(k)),
            "{errs:?}"
        );
    }
    let o = ok(&[
        ("logfile", "none"),
        ("loglevel", "BLATHER"),
        ("logfile_maxbytes", "0"),
    ]);
    assert_eq!(
        (o.logfile, o.loglevel, o.logfile_maxbytes),
        (SupvisorsLogFile::None, LogLevel::Blather, 0)
    );
}

#[test]
fn missing_inet_http_server_is_fatal() {
    let res = resolver();
    let ctx = LoadContext {
        env: BTreeMap::new(),
        host_node_name: "rocky51".to_owned(),
        cwd: PathBuf::from("/"),
        local_addresses: vec![],
        accounts: &StaticAccounts::empty(),
        resolver: &res,
    };
    let errs = parse_supvisors_options(
        &[],
        Path::new("/etc/s.conf"),
        Path::new("/etc"),
        "x",
        None,
        &ctx,
    )
    .expect_err("fatal");
    assert!(
        errs[0]
            .problem
            .starts_with("Supervisor MUST be configured using inet_http_server")
    );
}

#[test]
fn single_colon_item_is_a_configuration_error() {
    let errs = parse(
        &[("supvisors_list", "rocky51,cliche81:12000")],
        "supervisor",
    )
    .expect_err("bad item");
    assert!(
        errs[0]
            .problem
            .contains("could not define a Supvisors identification from \"cliche81:12000\"")
    );
    assert_eq!(errs[0].line, Some(2));
}

#[test]
fn unresolvable_host_is_fatal() {
    let errs =
        parse(&[("supvisors_list", "rocky51,unknown_host")], "supervisor").expect_err("unknown");
    assert!(errs[0].problem.contains("\"unknown_host\""));
}

#[test]
fn item_09_ports_identifiers_and_nodes_from_the_list() {
    let o = ok(&[(
        "supvisors_list",
        "10.0.0.1:7777:8000,10.0.0.2:7777:7776,<supervisor_05>10.0.0.5:7777:,10.0.0.5:9999:,rocky51",
    )]);
    let ids = o.identifiers();
    assert_eq!(
        ids,
        [
            "10.0.0.1:7777",
            "10.0.0.2:7777",
            "supervisor_05",
            "10.0.0.5:9999",
            "rocky51"
        ]
    );
    let i = &o.instances[0];
    assert_eq!(
        (i.http_port, i.internal_port, i.event_port),
        (7777, 8000, 8001)
    );
    assert_eq!(o.instances[1].event_port, 7778);
    let node5 = o
        .nodes
        .iter()
        .find(|n| n.ip_address == "10.0.0.5")
        .expect("node");
    assert_eq!(node5.identifiers, ["supervisor_05", "10.0.0.5:9999"]);
    assert_eq!(o.instances[4].ip_address, "192.168.1.70");
    assert_eq!(o.local_identifier, "rocky51");
    assert_eq!(o.local_instance().map(|i| i.http_port), Some(65000));
}

#[test]
fn item_10_core_identifiers_filtered_against_deduced_ones() {
    let o = ok(&[
        (
            "supvisors_list",
            "127.0.0.1,<supervisor_05>10.0.0.5:7777:,10.0.0.4:15000:,rocky51",
        ),
        (
            "core_identifiers",
            "127.0.0.1, supervisor_05, 10.0.0.4:15000, supervisor_06, 10.0.0.4,,",
        ),
    ]);
    let core: Vec<&str> = o.core_identifiers.iter().map(String::as_str).collect();
    assert_eq!(core, ["10.0.0.4:15000", "127.0.0.1", "supervisor_05"]);
    assert!(warned(&o, "identifier=supervisor_06 invalid"));
    assert!(warned(&o, "identifier=10.0.0.4 invalid"));
}

#[test]
fn item_11_local_identifier_from_supervisor_identifier_first() {
    let o = parse(
        &[("supvisors_list", "<a>rocky51:7000:,<b>rocky51:8000:")],
        "b",
    )
    .expect("ok");
    assert_eq!(o.local_identifier, "b");
}

#[test]
fn item_12_multiple_or_no_local_candidates_are_fatal() {
    let errs = parse(
        &[("supvisors_list", "rocky51,192.168.1.70:30000:")],
        "supervisor",
    )
    .expect_err("multi");
    assert!(
        errs[0]
            .problem
            .contains("multiple candidates for the local Supvisors"),
        "{errs:?}"
    );
    let errs = parse(&[("supvisors_list", "rocky52,10.0.0.1")], "supervisor").expect_err("none");
    assert_eq!(
        errs[0].problem,
        "could not find the local Supvisors in supvisors_list"
    );
    let errs = parse(&[("supvisors_list", "")], "supervisor").expect_err("empty list");
    assert!(errs[0].problem.contains("could not find"));
}

#[test]
fn alias_of_local_host_is_a_local_reference() {
    let o = ok(&[("supvisors_list", "rocky52,r51:6000:")]);
    assert_eq!(o.local_identifier, "r51:6000");
}

#[test]
fn duplicate_identifier_keeps_first_position_and_later_data() {
    let o = ok(&[(
        "supvisors_list",
        "<x>rocky51:7000:,rocky52,<x>rocky51:7100:",
    )]);
    assert_eq!(o.identifiers(), ["x", "rocky52"]);
    assert_eq!(o.instances[0].http_port, 7100);
}

#[test]
fn rules_files_with_no_match_warn_and_give_empty_list() {
    let o = ok(&[("rules_files", "/no/such/dir/*.xml")]);
    assert_eq!(o.rules_files, Some(vec![]));
    assert!(warned(&o, "no rules file found"));
    let o = ok(&[("rules_files", "%(ENV_NOPE)s/r.xml")]);
    assert_eq!(o.rules_files, None);
    assert!(warned(&o, "cannot be expanded"));
}

#[test]
fn disabilities_file_loaded_or_fatal_when_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("d.json");
    std::fs::write(&file, r#"{"prg": true}"#).expect("write");
    let name = file.display().to_string();
    let o = ok(&[("disabilities_file", &name)]);
    assert_eq!(o.disabilities.get("prg"), Some(&true));
    std::fs::write(&file, "{").expect("write");
    let errs = parse(&[("disabilities_file", &name)], "supervisor").expect_err("bad json");
    assert!(errs[0].problem.contains("invalid disabilities file"));
    let o = ok(&[("disabilities_file", "/no/such/dir/d.json")]);
    assert_eq!(o.disabilities_file, None);
    assert!(warned(&o, "does not exist"));
}

#[test]
fn tick_period_and_internal_secret_options_beyond_the_reference() {
    let opts = ok(&[("supvisors_list", "rocky51")]);
    assert_eq!(opts.tick_period, std::time::Duration::from_secs(5));
    assert_eq!(opts.internal_secret, None);
    let opts = ok(&[
        ("supvisors_list", "rocky51"),
        ("tick_period", "0.5"),
        ("internal_secret", "s3cret"),
    ]);
    assert_eq!(opts.tick_period, std::time::Duration::from_millis(500));
    assert_eq!(opts.internal_secret.as_deref(), Some("s3cret"));
    for bad in ["0", "0.05", "61", "fast", "nan"] {
        let opts = ok(&[("supvisors_list", "rocky51"), ("tick_period", bad)]);
        assert_eq!(opts.tick_period, std::time::Duration::from_secs(5), "{bad}");
        assert!(warned(&opts, "invalid value for tick_period: "), "{bad}");
    }
}
