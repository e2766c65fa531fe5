//! Differential runs of the Supvisors 0.15 use cases (scenario_1..3, three instances on
//! 127.0.0.1): each runs once on Python Supvisors 0.15 and once on the subject
//! (`$CLUSTER_SUBJECT`: `python` or a daemon path; default our `supvisorsd`). Both must
//! reach OPERATION, deploy the same processes on the same instances, and answer
//! `get_all_applications_info`, `get_all_process_info`, `get_application_rules` and
//! `get_process_rules` (plus `get_all_local_process_info`) the same on every instance once
//! normalized (`supvisors_tests::cluster::normalize`).
//!
//! `CLUSTER_SUBJECT=python cargo test -p supvisors-tests --test cluster_scenarios` validates
//! the harness against itself; `CLUSTER_KEEP=1` keeps the instance directories,
//! `CLUSTER_DUMP=1` prints the normalized reference answers.

use std::sync::Mutex;
use std::time::Duration;

use supvisors_tests::cluster::normalize::{placement, snapshot};
use supvisors_tests::cluster::scenarios::scenario;
use supvisors_tests::cluster::{Cluster, Subject, start_reference};
use supvisors_tests::json_diff;

/// Bounds reaching OPERATION and settling (startsecs up to 40 s in scenario 2); never asserted.
const PATIENCE: Duration = Duration::from_secs(180);

/// One scenario at a time: two clusters of three daemons are enough for a shared machine.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Facts of the use case checked on the reference first (so that a broken fixture, where both
/// sides fail alike, cannot pass): application states, and where some processes run.
struct Facts {
    applications: &'static [(&'static str, &'static str)],
    placed: &'static [(&'static str, &'static [&'static str])],
}

fn facts(n: u8) -> Facts {
    match n {
        1 => Facts {
            applications: &[("scen1", "RUNNING")],
            placed: &[
                ("scen1:scen1_hci", &["rocky51"]),
                ("scen1:scen1_sensor_acquisition_1", &["rocky52"]),
                ("scen1:scen1_sensor_processing_2", &["rocky53"]),
                ("scen1:scen1_wait_nfs_mount_1", &[]),
            ],
        },
        2 => Facts {
            applications: &[
                ("scen2_srv_01", "RUNNING"),
                ("scen2_srv_02", "RUNNING"),
                ("scen2_hci_01", "STOPPED"),
            ],
            placed: &[(
                "common_data_bus:common_data_bus",
                &["console_1", "server_1", "server_2"],
            )],
        },
        _ => Facts {
            applications: &[("scen3_srv", "RUNNING"), ("scen3_hci_01", "RUNNING")],
            placed: &[
                ("scen3_hci_01:scen3_chart_view", &["console_1"]),
                ("scen3_hci_01:scen3_item_control", &["console_1"]),
            ],
        },
    }
}

fn check_facts(n: u8, reference: &serde_json::Value) {
    let facts = facts(n);
    for (name, state) in facts.applications {
        let found = reference["applications"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["application_name"] == *name);
        assert_eq!(
            found.map(|a| &a["statename"]),
            Some(&serde_json::Value::from(*state)),
            "scenario_{n}: the reference does not have {name} {state}\n{reference:#}"
        );
    }
    let placed = placement(reference);
    for (namespec, ids) in facts.placed {
        assert_eq!(
            placed.get(*namespec).map(Vec::as_slice),
            Some(
                ids.iter()
                    .map(|i| (*i).to_owned())
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            "scenario_{n}: {namespec} is not where the use case puts it on the reference\n{reference:#}"
        );
    }
}

fn differential(n: u8) {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let subject = Subject::from_env("CLUSTER_SUBJECT");
    // Both clusters run together: their ports and directories are distinct.
    let candidate = Cluster::start(subject, scenario(n));
    let reference = start_reference(&scenario(n), PATIENCE);
    candidate.wait_all_state("OPERATION", PATIENCE);
    for cluster in [&reference, &candidate] {
        cluster.wait_settled(PATIENCE);
    }
    let mut differences = Vec::new();
    for identifier in reference.identifiers() {
        let expected = snapshot(&reference, &identifier);
        let actual = snapshot(&candidate, &identifier);
        if std::env::var_os("CLUSTER_DUMP").is_some() {
            eprintln!("scenario_{n} reference seen from {identifier}:\n{expected:#}");
        }
        check_facts(n, &expected);
        assert_eq!(
            placement(&actual),
            placement(&expected),
            "scenario_{n}: processes deployed differently, as seen from {identifier} \
             (left: {}, right: python)",
            candidate.subject.label()
        );
        differences.extend(
            json_diff(&expected, &actual)
                .into_iter()
                .map(|line| format!("{identifier}{line}")),
        );
    }
    assert!(
        differences.is_empty(),
        "scenario_{n}: {} differs from Python Supvisors 0.15 after normalization:\n{}",
        candidate.subject.label(),
        differences.join("\n")
    );
}

#[test]
fn scenario_1_distributed_application() {
    differential(1);
}

#[test]
fn scenario_2_services_and_consoles() {
    differential(2);
}

#[test]
fn scenario_3_less_loaded_services_and_hci_per_console() {
    differential(3);
}
