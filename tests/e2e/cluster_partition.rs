//! Network partitions (spec core §4.6–§4.9, §5.6, §8.4): three hosts in network namespaces
//! (10.77.0.1-3, one instance each), a host cut off its bridge then plugged back.
//!
//! Without `auto_fence`, each side sees the other SILENT, the cut-off instance elects itself,
//! and `p1` ends up running on both sides (RESTART_PROCESS on the majority side, kept on the
//! cut-off host); after the heal the instances check each other again, elect one master and
//! conciliate the conflict. With `auto_fence`, each side ISOLATES the other for good. When
//! the master's host is cut off, the majority elects another master, and the two masters
//! give way to one after the heal.
//!
//! Needs root (namespaces); the namespaces and the daemons are removed by guards, also when a
//! test fails (the cluster is declared after the namespaces, so its daemons stop first).

use std::time::Duration;

use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject, one_at_a_time};
use supvisors_tests::netns::Netns;
use supvisors_tests::xmlrpc::s;

/// Bounds every wait; never asserted.
const PATIENCE: Duration = Duration::from_secs(90);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// `app` starts at deployment; `p1` goes to n3 first and is restarted elsewhere when its
/// instance is lost.
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="app">
        <start_sequence>1</start_sequence>
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program name="p1">
                <identifiers>n3,n1,n2</identifiers>
                <start_sequence>1</start_sequence>
                <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
            </program>
        </programs>
    </application>
</root>
"#;

/// Programs end by themselves when their daemon is gone.
const PROGRAMS: &str = "[group:app]\nprograms=p1\n\n\
[program:p1]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
autostart=false\nstartsecs=1\nstopasgroup=true\n";

/// Three hosts, a settled cluster on them with `p1` running on n3.
fn cluster(netns: &Netns, auto_fence: bool) -> Cluster {
    let mut spec = ClusterSpec::new(&IDS)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .option("core_identifiers", "n1,n2,n3")
        .option("tick_period", "0.5")
        .option("conciliation_strategy", "INFANTICIDE")
        .option("auto_fence", if auto_fence { "true" } else { "false" })
        .sections(PROGRAMS);
    for (i, instance) in spec.instances.iter_mut().enumerate() {
        *instance = instance.clone().on_host(netns, i);
    }
    let cluster = Cluster::start(Subject::from_env("CLUSTER_SUBJECT"), spec);
    for by in IDS {
        wait_p1_on(&cluster, by, &["n3"]);
    }
    cluster.wait_settled(PATIENCE);
    assert_eq!(cluster.master("n3").as_deref(), Some("n1"));
    cluster
}

/// The state of instance `of` as seen by instance `by`.
fn seen(cluster: &Cluster, by: &str, of: &str) -> Option<String> {
    let info = cluster
        .call(by, "supvisors.get_instance_info", &[s(of)])
        .ok()?;
    info["statename"].as_str().map(str::to_owned)
}

fn wait_seen(cluster: &Cluster, by: &str, of: &str, state: &str) {
    cluster.wait_until(PATIENCE, &format!("{of} {state} seen by {by}"), |c| {
        seen(c, by, of).as_deref() == Some(state)
    });
}

/// The instances where `app:p1` runs, as seen by instance `by`.
fn p1_on(cluster: &Cluster, by: &str) -> Option<Vec<String>> {
    let list = cluster
        .call(by, "supvisors.get_process_info", &[s("app:p1")])
        .ok()?;
    let ids = list.get(0)?["identifiers"].as_array()?;
    let mut ids: Vec<String> = ids
        .iter()
        .filter_map(|i| i.as_str().map(str::to_owned))
        .collect();
    ids.sort();
    Some(ids)
}

fn wait_p1_on(cluster: &Cluster, by: &str, expected: &[&str]) {
    cluster.wait_until(
        PATIENCE,
        &format!("app:p1 on {expected:?} seen by {by}"),
        |c| p1_on(c, by).is_some_and(|ids| ids == expected),
    );
}

/// The pid of `app:p1` in instance `on`'s own Supervisor when it runs there.
fn local_pid(cluster: &Cluster, on: &str) -> Option<i64> {
    let info = cluster
        .call(on, "supervisor.getProcessInfo", &[s("app:p1")])
        .ok()?;
    (info["statename"] == "RUNNING")
        .then(|| info["pid"].as_i64())
        .flatten()
}

#[test]
fn partition_without_auto_fence_heals_and_conciliates() {
    let _turn = one_at_a_time();
    let netns = Netns::create(3);
    let cluster = cluster(&netns, false);
    let original = local_pid(&cluster, "n3").expect("p1 runs on n3");

    netns.partition(2);
    for by in ["n1", "n2"] {
        wait_seen(&cluster, by, "n3", "SILENT");
    }
    for of in ["n1", "n2"] {
        wait_seen(&cluster, "n3", of, "SILENT");
    }
    // The majority restarts p1 (RESTART_PROCESS), the cut-off host keeps its copy and
    // becomes its own master.
    wait_p1_on(&cluster, "n1", &["n1"]);
    wait_p1_on(&cluster, "n3", &["n3"]);
    cluster.wait_until(PATIENCE, "n3 its own master in OPERATION", |c| {
        c.master("n3").as_deref() == Some("n3") && c.state("n3").as_deref() == Some("OPERATION")
    });
    assert_eq!(cluster.master("n2").as_deref(), Some("n1"));
    assert_eq!(local_pid(&cluster, "n3"), Some(original));

    netns.heal(2);
    for by in IDS {
        for of in IDS {
            wait_seen(&cluster, by, of, "RUNNING");
        }
    }
    cluster.wait_until(PATIENCE, "one master for all", |c| {
        IDS.iter().all(|id| c.master(id).as_deref() == Some("n1"))
    });
    // INFANTICIDE keeps the oldest copy: the one that never stopped on n3.
    for by in IDS {
        wait_p1_on(&cluster, by, &["n3"]);
    }
    cluster.wait_settled(PATIENCE);
    assert_eq!(local_pid(&cluster, "n3"), Some(original));
    assert_eq!(local_pid(&cluster, "n1"), None);
    assert_eq!(local_pid(&cluster, "n2"), None);
    for id in IDS {
        let conflicts = cluster.must(id, "supvisors.get_conflicts", &[]);
        assert_eq!(conflicts, serde_json::json!([]), "conflicts seen by {id}");
    }
}

#[test]
fn partition_with_auto_fence_isolates_for_good() {
    let _turn = one_at_a_time();
    let netns = Netns::create(3);
    let mut cluster = cluster(&netns, true);

    netns.partition(2);
    for by in ["n1", "n2"] {
        wait_seen(&cluster, by, "n3", "ISOLATED");
    }
    for of in ["n1", "n2"] {
        wait_seen(&cluster, "n3", of, "ISOLATED");
    }
    // The majority keeps its master and restarts p1 away from the isolated host.
    wait_p1_on(&cluster, "n1", &["n1"]);
    assert_eq!(cluster.master("n2").as_deref(), Some("n1"));

    netns.heal(2);
    // Give the healed network many ticks to change anything; isolation is final until a
    // restart.
    std::thread::sleep(Duration::from_secs(5));
    for by in ["n1", "n2"] {
        assert_eq!(
            seen(&cluster, by, "n3").as_deref(),
            Some("ISOLATED"),
            "by {by}"
        );
        assert_eq!(
            seen(&cluster, by, "n1").as_deref(),
            Some("RUNNING"),
            "by {by}"
        );
        assert_eq!(
            seen(&cluster, by, "n2").as_deref(),
            Some("RUNNING"),
            "by {by}"
        );
    }
    for of in ["n1", "n2"] {
        assert_eq!(
            seen(&cluster, "n3", of).as_deref(),
            Some("ISOLATED"),
            "of {of}"
        );
    }
    assert_eq!(cluster.state("n1").as_deref(), Some("OPERATION"));
    // Both copies run: nobody conciliates across an isolation.
    assert_eq!(p1_on(&cluster, "n1"), Some(vec!["n1".to_owned()]));
    assert_eq!(p1_on(&cluster, "n3"), Some(vec!["n3".to_owned()]));

    // A restart of the isolated daemon clears its own view only: the others still isolate
    // it, and it isolates them in return.
    cluster.restart("n3");
    for of in ["n1", "n2"] {
        wait_seen(&cluster, "n3", of, "ISOLATED");
    }
    for by in ["n1", "n2"] {
        assert_eq!(
            seen(&cluster, by, "n3").as_deref(),
            Some("ISOLATED"),
            "by {by}"
        );
    }
    assert_eq!(cluster.master("n1").as_deref(), Some("n1"));
}

#[test]
fn partition_of_the_master_splits_then_reunites() {
    let _turn = one_at_a_time();
    let netns = Netns::create(3);
    let cluster = cluster(&netns, false);
    let original = local_pid(&cluster, "n3").expect("p1 runs on n3");

    netns.partition(0);
    for by in ["n2", "n3"] {
        wait_seen(&cluster, by, "n1", "SILENT");
    }
    for of in ["n2", "n3"] {
        wait_seen(&cluster, "n1", of, "SILENT");
    }
    // The majority elects the smallest core identifier left; the cut-off master stays master
    // of itself and restarts p1, lost with n3, at home (RESTART_PROCESS).
    cluster.wait_until(PATIENCE, "n2 master of n2 and n3, in OPERATION", |c| {
        ["n2", "n3"].iter().all(|id| {
            c.master(id).as_deref() == Some("n2") && c.state(id).as_deref() == Some("OPERATION")
        })
    });
    wait_p1_on(&cluster, "n1", &["n1"]);
    wait_p1_on(&cluster, "n2", &["n3"]);
    assert_eq!(cluster.master("n1").as_deref(), Some("n1"));

    netns.heal(0);
    for by in IDS {
        for of in IDS {
            wait_seen(&cluster, by, of, "RUNNING");
        }
    }
    // One master again, whichever side it comes from, and the older copy of p1 kept.
    cluster.wait_until(PATIENCE, "one master for all", |c| {
        let masters: Vec<Option<String>> = IDS.iter().map(|id| c.master(id)).collect();
        masters[0].as_deref().is_some_and(|m| IDS.contains(&m))
            && masters.iter().all(|m| *m == masters[0])
    });
    for by in IDS {
        wait_p1_on(&cluster, by, &["n3"]);
    }
    cluster.wait_settled(PATIENCE);
    assert_eq!(local_pid(&cluster, "n3"), Some(original));
    assert_eq!(local_pid(&cluster, "n1"), None);
}
