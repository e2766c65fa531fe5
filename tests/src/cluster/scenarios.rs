//! The use cases of Supvisors 0.15 (`supvisors/test/use_cases/scenario_{1,2,3}`) as clusters of
//! three instances on 127.0.0.1; `tests/fixtures/scenarios/README.md` says what was adapted.

use std::path::PathBuf;

use super::{ClusterSpec, InstanceSpec};

/// The rules file of every scenario, relative to the configuration file.
const RULES: &str = "%(here)s/etc/supvisors_rules.xml";

/// Directory of the scenario fixtures.
pub fn fixtures() -> PathBuf {
    crate::workspace_root().join("tests/fixtures/scenarios")
}

/// Scenario `n` (1, 2 or 3).
pub fn scenario(n: u8) -> ClusterSpec {
    match n {
        1 => scenario_1(),
        2 => scenario_2(),
        3 => scenario_3(),
        _ => panic!("no scenario {n}"),
    }
}

/// Scenario 1: one application `scen1` spread over three hosts, each program configured on
/// one instance only; `wait_nfs_mount_x` must exit before the others start.
fn scenario_1() -> ClusterSpec {
    let instances = ["rocky51", "rocky52", "rocky53"]
        .iter()
        .map(|id| {
            InstanceSpec::new(id)
                // The reference includes `%(host_node_name)s/*.ini`: one host per instance.
                .include(&[&format!("etc/{id}/*.ini")])
                // Its program log names use the date and time exported by its start script.
                .env("CUR_DATE", "251125")
                .env("CUR_TIME", "120000")
        })
        .collect();
    ClusterSpec {
        instances,
        options: vec![("rules_files".into(), RULES.into())],
        fixture: Some(fixtures().join("scenario_1")),
        files: Vec::new(),
    }
}

/// Scenario 2: three service applications `scen2_srv_0x` placed on the least loaded server,
/// three HCI applications for the consoles; here two servers and one console.
fn scenario_2() -> ClusterSpec {
    let server =
        |id: &str| InstanceSpec::new(id).include(&["etc/common/*.ini", "etc/server/*.ini"]);
    let console =
        |id: &str| InstanceSpec::new(id).include(&["etc/common/*.ini", "etc/console/*.ini"]);
    ClusterSpec {
        instances: vec![server("server_1"), server("server_2"), console("console_1")],
        options: vec![
            ("rules_files".into(), RULES.into()),
            ("core_identifiers".into(), "server_1,server_2".into()),
        ],
        fixture: Some(fixtures().join("scenario_2")),
        files: Vec::new(),
    }
}

/// Scenario 3: the service application `scen3_srv` with its processes placed one by one on
/// the least loaded server, and one HCI application per console (`#` placement); here two
/// servers and one console.
fn scenario_3() -> ClusterSpec {
    let server = |id: &str| {
        InstanceSpec::new(id)
            .include(&["etc/common/*.ini", "etc/server/*.ini"])
            .option("stats_periods", "10,100")
    };
    let console = |id: &str| {
        InstanceSpec::new(id)
            .include(&[
                "etc/common/*.ini",
                "etc/console/*.ini",
                "etc/console/%(ENV_IDENTIFIER)s/*.ini",
            ])
            .env("IDENTIFIER", id)
    };
    ClusterSpec {
        instances: vec![server("server_1"), server("server_2"), console("console_1")],
        options: vec![
            ("rules_files".into(), RULES.into()),
            ("core_identifiers".into(), "server_1,server_2".into()),
        ],
        fixture: Some(fixtures().join("scenario_3")),
        files: Vec::new(),
    }
}
