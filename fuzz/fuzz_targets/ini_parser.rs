//! Feeds arbitrary bytes (as lossy UTF-8) to the raw INI parser in both dialects and to the
//! typed `supervisord.conf` loader. Any panic is a bug: bad input must only produce errors,
//! and text written back with `to_configparser_string` must read back unchanged.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
use supvisors_rules::ini::{Dialect, parse_ini};
use supvisors_rules::supervisor::load_supervisor_config_from_str;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/nonexistent-fuzz-dir/supervisord.conf");
    let _ = parse_ini(&text, path, Dialect::Supervisor);
    // What supvisors_breed writes must read back to the same content.
    if let Ok(ini) = parse_ini(&text, path, Dialect::ConfigParser) {
        let written = ini.to_configparser_string();
        match parse_ini(&written, path, Dialect::ConfigParser) {
            Ok(again) => {
                let pairs =
                    |i: &supvisors_rules::ini::RawIni| -> Vec<(String, Vec<(String, String)>)> {
                        i.sections
                            .iter()
                            .map(|s| {
                                (
                                    s.name.clone(),
                                    s.entries
                                        .iter()
                                        .map(|e| (e.key.clone(), e.value.clone()))
                                        .collect(),
                                )
                            })
                            .collect()
                    };
                assert_eq!(pairs(&ini), pairs(&again), "{written:?}");
            }
            Err(errs) => panic!("written text does not parse: {written:?}: {errs:?}"),
        }
    }
    let mut env = BTreeMap::new();
    env.insert("HOME".to_string(), "/nonexistent-fuzz-home".to_string());
    let ctx = LoadContext {
        env,
        host_node_name: "fuzz".into(),
        cwd: "/nonexistent-fuzz-dir".into(),
        local_addresses: Vec::new(),
        accounts: &StaticAccounts::root_only(),
        resolver: &HostTable::new(),
    };
    let _ = load_supervisor_config_from_str(&text, path, &ctx);
});
