//! Every file of `tests/invalid/ini/*.conf` must fail to load with an error at the line and
//! containing the text given in its `*.expect` sidecar (`line:substring`, line 0 meaning an
//! error about the whole file), and must never panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
use supvisors_rules::supervisor::load_supervisor_config;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid/ini")
}

#[test]
fn every_invalid_config_reports_the_expected_error() {
    let dir = corpus_dir();
    let mut confs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    confs.sort();
    assert!(confs.len() >= 25, "corpus too small: {}", confs.len());
    let mut env = BTreeMap::new();
    env.insert("HOME".to_string(), "/root".to_string());
    let ctx = LoadContext {
        env,
        host_node_name: "node1".into(),
        cwd: dir.clone(),
        local_addresses: Vec::new(),
        accounts: &StaticAccounts::root_only(),
        resolver: &HostTable::new(),
    };
    let mut failures = Vec::new();
    for conf in &confs {
        let expect_path = conf.with_extension("expect");
        let expect = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let expect = expect.trim_end_matches('\n');
        let (line, text) = expect
            .split_once(':')
            .unwrap_or_else(|| panic!("{}: want line:substring", expect_path.display()));
        let line: u32 = line
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            load_supervisor_config(conf, &ctx)
        }));
        let Ok(result) = result else {
            failures.push(format!("{}: panicked", conf.display()));
            continue;
        };
        let errors = match result {
            Ok(_) => {
                failures.push(format!("{}: loaded without error", conf.display()));
                continue;
            }
            Err(errors) => errors,
        };
        let want_line = (line != 0).then_some(line);
        if !errors
            .iter()
            .any(|e| e.line == want_line && e.problem.contains(text))
        {
            let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
            failures.push(format!(
                "{}: want {line}:{text:?}, got {got:#?}",
                conf.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
