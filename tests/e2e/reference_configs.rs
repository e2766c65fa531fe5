//! The configuration trees shipped with Supvisors 0.15 load with `supvisorsd --check-config` and
//! resolve to the same options and rules as the reference implementation computes.
//!
//! Both sides see the same pinned host facts: the host name, a host table answering name
//! resolution, the supervisord identifier and the environment.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use supvisors_tests::{binary, describe, run, venv_python, workspace_root};

/// Host table shared by both sides (`gethostbyaddr` answers).
const HOSTS: &str = r#"{
 "rocky51": ["rocky51", [], ["127.0.1.51"]],
 "rocky52": ["rocky52", [], ["127.0.1.52"]],
 "rocky53": ["rocky53", [], ["127.0.1.53"]],
 "rocky70": ["rocky70", [], ["192.168.1.70"]],
 "192.168.1.70": ["rocky70", [], ["192.168.1.70"]]
}"#;

struct Case {
    /// Directory, relative to the fixture's `test/`, used as working directory.
    cwd: &'static str,
    config: &'static str,
    host_node_name: &'static str,
    identifier: Option<&'static str>,
    env_identifier: Option<&'static str>,
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = workspace_root().join("tests/fixtures/reference/supvisors-0.15/test");
    // cp -a keeps the symbolic links of the gathering use case pointing inside the copy.
    let mut cmd = Command::new("cp");
    cmd.arg("-a").arg(&src).arg(dir.path());
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    dir
}

fn json_of(cmd: &mut Command) -> Value {
    let out = run(cmd);
    assert!(out.status.success(), "{}", describe(cmd, &out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("invalid JSON ({err}):\n{}", describe(cmd, &out)))
}

fn configure(cmd: &mut Command, case: &Case, cwd: &Path, hosts: &Path) {
    cmd.current_dir(cwd)
        .arg("-c")
        .arg(case.config)
        .arg("--host-node-name")
        .arg(case.host_node_name)
        .arg("--hosts")
        .arg(hosts);
    if let Some(id) = case.identifier {
        cmd.arg("-i").arg(id);
    }
    // The use cases' start scripts export these for log file names.
    cmd.env("CUR_DATE", "2026-11-25")
        .env("CUR_TIME", "08-00-00");
    match case.env_identifier {
        Some(v) => cmd.env("IDENTIFIER", v),
        None => cmd.env_remove("IDENTIFIER"),
    };
}

/// Makes `rules_files` comparable: absolute paths of the temporary copy become relative.
fn normalize(mut value: Value, cwd: &Path) -> Value {
    if let Some(files) = value
        .pointer_mut("/options/rules_files")
        .and_then(Value::as_array_mut)
    {
        for file in files {
            if let Some(s) = file.as_str() {
                let rel = Path::new(s)
                    .strip_prefix(cwd)
                    .map(PathBuf::from)
                    .unwrap_or_else(|_| PathBuf::from(s));
                *file = Value::String(rel.display().to_string());
            }
        }
    }
    value
}

fn check(case: &Case) {
    let tree = fixture_copy();
    let cwd = tree.path().join("test").join(case.cwd);
    for log_dir in ["log", "etc/log"] {
        std::fs::create_dir_all(cwd.join(log_dir)).expect("log dir");
    }
    let hosts = tree.path().join("hosts.json");
    std::fs::write(&hosts, HOSTS).expect("host table");
    compare(case, &cwd, &hosts);
}

/// Runs both implementations on one configuration and compares what they resolved.
fn compare(case: &Case, cwd: &Path, hosts: &Path) {
    let mut reference = Command::new(venv_python());
    reference.arg(workspace_root().join("tests/reference/dump_reference.py"));
    configure(&mut reference, case, cwd, hosts);
    let expected = normalize(json_of(&mut reference), cwd);

    let mut ours = Command::new(binary("supvisorsd"));
    ours.arg("--check-config").arg("--json");
    configure(&mut ours, case, cwd, hosts);
    let actual = normalize(json_of(&mut ours), cwd);
    assert!(
        expected["processes"]
            .as_object()
            .is_some_and(|p| !p.is_empty()),
        "{}: the reference resolved no process",
        case.config
    );

    for key in [
        "instances",
        "local_identifier",
        "core_identifiers",
        "options",
        "rules_engine",
        "applications",
        "processes",
    ] {
        let (e, a) = (&expected[key], &actual[key]);
        assert!(!e.is_null(), "the reference printed no '{key}'");
        assert!(
            e == a,
            "{} ({}): '{key}' differs\nreference: {}\nsupvisorsd: {}",
            case.config,
            case.host_node_name,
            serde_json::to_string_pretty(e).unwrap_or_default(),
            serde_json::to_string_pretty(a).unwrap_or_default()
        );
    }
}

#[test]
fn test_etc_on_each_host() {
    for host in ["rocky51", "rocky52", "rocky70"] {
        check(&Case {
            cwd: "",
            config: "etc/supervisord.conf",
            host_node_name: host,
            identifier: None,
            env_identifier: None,
        });
    }
}

#[test]
fn host_missing_from_supvisors_list_fails_on_both_sides() {
    let case = Case {
        cwd: "",
        config: "etc/supervisord.conf",
        host_node_name: "rocky53",
        identifier: None,
        env_identifier: None,
    };
    let tree = fixture_copy();
    let cwd = tree.path().join("test");
    std::fs::create_dir_all(cwd.join("log")).expect("log dir");
    let hosts = tree.path().join("hosts.json");
    std::fs::write(&hosts, HOSTS).expect("host table");
    let expected = "could not find the local Supvisors in supvisors_list";

    let mut reference = Command::new(venv_python());
    reference.arg(workspace_root().join("tests/reference/dump_reference.py"));
    configure(&mut reference, &case, &cwd, &hosts);
    let out = run(&mut reference);
    assert!(!out.status.success(), "{}", describe(&reference, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(expected),
        "{}",
        describe(&reference, &out)
    );

    let mut ours = Command::new(binary("supvisorsd"));
    ours.arg("--check-config");
    configure(&mut ours, &case, &cwd, &hosts);
    let out = run(&mut ours);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&ours, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(expected),
        "{}",
        describe(&ours, &out)
    );
}

#[test]
fn test_etc_alternate_with_env_include() {
    check(&Case {
        cwd: "",
        config: "etc/supervisord_alt.conf",
        host_node_name: "rocky52",
        identifier: Some("supv-03"),
        env_identifier: Some("rocky53"),
    });
}

#[test]
fn scenario_1_localhost_and_distributed() {
    check(&Case {
        cwd: "use_cases/scenario_1",
        config: "etc/supervisord_localhost.conf",
        host_node_name: "rocky51",
        identifier: None,
        env_identifier: None,
    });
    for host in ["rocky51", "rocky52", "rocky53"] {
        check(&Case {
            cwd: "use_cases/scenario_1",
            config: "etc/supervisord_distributed.conf",
            host_node_name: host,
            identifier: None,
            env_identifier: None,
        });
    }
}

#[test]
fn scenario_2_server_and_console() {
    for (config, id) in [
        ("etc/supervisord_server.conf", "server_2"),
        ("etc/supervisord_console.conf", "console_3"),
    ] {
        check(&Case {
            cwd: "use_cases/scenario_2",
            config,
            host_node_name: "rocky52",
            identifier: Some(id),
            env_identifier: None,
        });
    }
}

#[test]
fn scenario_3_server_and_consoles() {
    check(&Case {
        cwd: "use_cases/scenario_3",
        config: "etc/supervisord_server.conf",
        host_node_name: "rocky51",
        identifier: Some("server_1"),
        env_identifier: None,
    });
    for console in ["console_1", "console_2", "console_3"] {
        check(&Case {
            cwd: "use_cases/scenario_3",
            config: "etc/supervisord_console.conf",
            host_node_name: "rocky53",
            identifier: Some(console),
            env_identifier: Some(console),
        });
    }
}

#[test]
fn gathering_server_and_console() {
    for (config, id, host) in [
        ("etc/supervisord_server.conf", "server_1", "rocky51"),
        ("etc/supervisord_console.conf", "console_2", "rocky52"),
        (
            "etc/supervisord_server_localhost.conf",
            "server_1",
            "rocky51",
        ),
        (
            "etc/supervisord_console_localhost.conf",
            "console_1",
            "rocky51",
        ),
    ] {
        check(&Case {
            cwd: "use_cases/gathering",
            config,
            host_node_name: host,
            identifier: Some(id),
            env_identifier: Some("console_2"),
        });
    }
}

#[test]
fn demo_cluster_example() {
    let tree = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("cp");
    cmd.arg("-a")
        .arg(workspace_root().join("examples/demo"))
        .arg(tree.path());
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    let cwd = tree.path().join("demo");
    let hosts = tree.path().join("hosts.json");
    std::fs::write(
        &hosts,
        r#"{"127.0.0.1": ["localhost", [], ["127.0.0.1"]], "demohost": ["demohost", [], ["127.0.0.1"]]}"#,
    )
    .expect("host table");
    let case = Case {
        cwd: "",
        config: "demo2.conf",
        host_node_name: "demohost",
        identifier: Some("demo2"),
        env_identifier: None,
    };
    compare(&case, &cwd, &hosts);
}
