//! `cargo xtask bench --cluster`: three-instance Supvisors clusters on 127.0.0.1, run by Python
//! Supvisors 0.15 (supervisord 4.3.0 and the plugin, from the venv) and by our `supvisorsd`,
//! measured side by side with the targets of issue #5: start to OPERATION with
//! `core_identifiers`, idle RSS and CPU of each daemon with 15 programs, `start_application`
//! of 200 programs with `wait`, and the restart elsewhere of a RESTART_PROCESS program after a
//! `kill -9` of its instance.
//!
//! The clusters are the end-to-end harness's (`supvisors_tests::cluster`): the same
//! configuration rendering, allocated ports, and each daemon in a process group of its own,
//! stopped (or killed by its recorded group) when the cluster is dropped. Observation goes
//! through `/proc` and XML-RPC only, the same way for every column.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;
use supvisors_rpc::Value;
pub use supvisors_tests::cluster::Subject;
use supvisors_tests::cluster::{Cluster, ClusterSpec};

use crate::daemon_bench::{Row, cpu_ns, proc_kb, table};

/// Bounds every wait (the reference needs tens of seconds to synchronise); never a result.
const PATIENCE: Duration = Duration::from_secs(300);

/// How often the clients poll: the resolution of the timed figures.
const POLL: Duration = Duration::from_millis(50);

/// The default `synchro_timeout` plus a margin. Instances are not checked for inactivity during
/// the first `synchro_timeout` after the INITIALIZATION entry (core spec §4.8, as in the
/// reference): a kill sooner after the start would time that window, not the failover.
const SYNCHRO_WINDOW: Duration = Duration::from_secs(17);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// Busy clusters per column, each killing its instance at another phase of the tick.
const FAILOVER_PHASES: u32 = 3;

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// One column of the table: a daemon with its Supvisors options.
pub struct Column {
    /// Printed in the table header.
    pub label: &'static str,
    /// The daemon running the three instances.
    pub subject: Subject,
    /// `tick_period` option (ours only); `None` keeps the default of 5 s.
    pub tick_period: Option<&'static str>,
}

impl Column {
    /// The tick period its instances run with (the reference's 5 s by default).
    fn tick(&self) -> Duration {
        self.tick_period
            .and_then(|t| t.parse::<f64>().ok())
            .map_or(Duration::from_secs(5), Duration::from_secs_f64)
    }
}

/// Bench sizes, kept as parameters so a quick local run is possible.
pub struct Sizes {
    /// Seconds of idle observation.
    pub idle_secs: u64,
    /// Autostarted `sleep` programs per instance in the idle cluster.
    pub sleepers: usize,
    /// Programs of the application started with `start_application`.
    pub big: usize,
}

/// Runs every measurement on every column and prints the table with the gains against the
/// first column.
pub fn run(columns: &[Column], sizes: &Sizes) -> Result<()> {
    let mut rows = vec![
        Row::new("start to OPERATION (3 core)", "s", false),
        Row::new("idle RSS, largest daemon", "MB", false),
        Row::new("  its anonymous part (RssAnon)", "MB", false),
        Row::new("  its PSS (shared pages split)", "MB", false),
        Row::new("idle CPU, busiest daemon", "%", false),
        Row::new("start_application, wait", "s", false),
        Row::new("kill -9 -> RUNNING elsewhere (mean)", "s", false),
    ];
    for column in columns {
        eprintln!(
            "cluster-bench: {} ({}, tick_period {})",
            column.label,
            column.subject.label(),
            column.tick_period.unwrap_or("default")
        );
        let idle = idle_cluster(column, sizes)?;
        eprintln!("cluster-bench: {}: {idle:?}", column.label);
        rows[0].values.push(idle.start_secs);
        rows[1].values.push(idle.memory.rss_mb);
        rows[2].values.push(idle.memory.anon_mb);
        rows[3].values.push(idle.memory.pss_mb);
        rows[4].values.push(idle.cpu_pct);
        // The loss is seen at a tick of the survivors: where the kill falls between two ticks
        // moves the failover by up to a tick period. One cluster per kill phase, spread over
        // a tick period, so that no column wins by the phase its start happened to give it.
        let mut start_application = Vec::new();
        let mut failovers = Vec::new();
        for phase in 0..FAILOVER_PHASES {
            let offset = column.tick().mul_f64(phase as f64 / FAILOVER_PHASES as f64);
            let busy = busy_cluster(column, sizes, offset)?;
            eprintln!(
                "cluster-bench: {} (kill {offset:?} later): {busy:?}",
                column.label
            );
            start_application.push(busy.start_application_secs);
            failovers.push(busy.failover_secs);
        }
        rows[5].values.push(mean(&start_application));
        rows[6].values.push(mean(&failovers));
    }
    let labels: Vec<&str> = columns.iter().map(|c| c.label).collect();
    println!(
        "3 instances on 127.0.0.1; {} sleepers per instance, {} programs in the started \
         application, idle window {} s",
        sizes.sleepers, sizes.big, sizes.idle_secs
    );
    print!("{}", table(&labels, &rows));
    Ok(())
}

/// The options every cluster shares: all three instances are core.
fn base_spec(column: &Column) -> ClusterSpec {
    let spec = ClusterSpec::new(&IDS).option("core_identifiers", &IDS.join(","));
    match column.tick_period {
        Some(period) => spec.option("tick_period", period),
        None => spec,
    }
}

#[derive(Debug)]
struct Idle {
    start_secs: f64,
    memory: Memory,
    cpu_pct: f64,
}

/// The memory of the daemon with the largest RSS. The RSS counts every page the daemon maps,
/// shared ones (its executable, libc) included; the anonymous part is its own heap and stacks,
/// and the PSS splits the shared pages among the processes sharing them (here the three
/// daemons run one executable).
#[derive(Debug, Default)]
struct Memory {
    rss_mb: f64,
    anon_mb: f64,
    pss_mb: f64,
}

impl Memory {
    fn of(pid: i32) -> Result<Memory> {
        let mb = |kb: u64| kb as f64 / 1024.0;
        Ok(Memory {
            rss_mb: mb(proc_kb(pid, "status", "VmRSS:")?),
            anon_mb: mb(proc_kb(pid, "status", "RssAnon:")?),
            pss_mb: mb(proc_kb(pid, "smaps_rollup", "Pss:")?),
        })
    }
}

/// Starts a cluster whose instances autostart `sleepers` unmanaged `sleep` programs each, times
/// its start to OPERATION, then watches the daemons at rest.
fn idle_cluster(column: &Column, sizes: &Sizes) -> Result<Idle> {
    let spec = idle_spec(column, sizes.sleepers);
    // Port allocation and three small files are written before the first spawn: well under
    // the poll period.
    let started = Instant::now();
    let cluster = Cluster::start(column.subject.clone(), spec);
    let start_secs = poll(&cluster, "every instance in OPERATION", |c| {
        Ok(IDS
            .iter()
            .all(|id| fsm_state(c, id).as_deref() == Some("OPERATION")))
    })?
    .duration_since(started)
    .as_secs_f64();
    poll(&cluster, "every sleeper RUNNING", |c| {
        Ok(IDS
            .iter()
            .all(|id| running_local(c, id).unwrap_or(0) >= sizes.sleepers))
    })?;
    // The end of the start (spawns, handshakes, first statistics) is not idleness.
    std::thread::sleep(Duration::from_secs(5));
    let pids = IDS
        .iter()
        .map(|id| {
            let pid = call(&cluster, id, "supervisor.getPID", &[])?;
            pid.as_i64()
                .and_then(|p| i32::try_from(p).ok())
                .with_context(|| format!("{id}: getPID answered {pid}"))
        })
        .collect::<Result<Vec<i32>>>()?;
    let before = pids
        .iter()
        .map(|&p| cpu_ns(p))
        .collect::<Result<Vec<_>>>()?;
    let window = Instant::now();
    std::thread::sleep(Duration::from_secs(sizes.idle_secs));
    let after = pids
        .iter()
        .map(|&p| cpu_ns(p))
        .collect::<Result<Vec<_>>>()?;
    let secs = window.elapsed().as_secs_f64();
    let cpu_pct = before
        .iter()
        .zip(&after)
        .map(|(b, a)| a.saturating_sub(*b) as f64 / 1e9 / secs * 100.0)
        .fold(0.0, f64::max);
    let mut memory = Memory::default();
    for &pid in &pids {
        let this = Memory::of(pid)?;
        if this.rss_mb > memory.rss_mb {
            memory = this;
        }
    }
    Ok(Idle {
        start_secs,
        memory,
        cpu_pct,
    })
}

#[derive(Debug)]
struct Busy {
    start_application_secs: f64,
    failover_secs: f64,
}

/// Rules: `big` is managed and started on request only; `ha` starts at deployment on n2 or n3
/// (never on n1, the master elected among the core identifiers) and is restarted elsewhere
/// when its instance is lost.
const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="big">
        <starting_strategy>CONFIG</starting_strategy>
        <programs>
            <program pattern="">
                <start_sequence>1</start_sequence>
            </program>
        </programs>
    </application>
    <application name="ha">
        <start_sequence>1</start_sequence>
        <starting_strategy>CONFIG</starting_strategy>
        <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
        <programs>
            <program pattern="">
                <identifiers>n2,n3</identifiers>
                <start_sequence>1</start_sequence>
            </program>
        </programs>
    </application>
</root>
"#;

/// Starts a cluster with the `big` and `ha` applications of [`RULES`], times
/// `start_application(CONFIG, big, True)`, stops `big`, then kills the instance running `ha:ha`
/// and times until another instance runs it.
fn busy_cluster(column: &Column, sizes: &Sizes, kill_offset: Duration) -> Result<Busy> {
    let spec = busy_spec(column, sizes.big);
    let launched = Instant::now();
    let mut cluster = Cluster::start(column.subject.clone(), spec);
    poll(&cluster, "OPERATION and ha:ha RUNNING", |c| {
        Ok(IDS
            .iter()
            .all(|id| fsm_state(c, id).as_deref() == Some("OPERATION"))
            && holder(c, "n1").is_some())
    })?;

    let strategy_config = Value::Int(0);
    let args = [strategy_config, Value::string("big"), Value::Bool(true)];
    let started = Instant::now();
    let done = call(&cluster, "n1", "supvisors.start_application", &args)?;
    let start_application_secs = started.elapsed().as_secs_f64();
    if done != Json::Bool(true) {
        bail!("start_application answered {done}");
    }
    let infos = call(&cluster, "n1", "supvisors.get_all_process_info", &[])?;
    let running = infos
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["application_name"] == "big" && p["statename"] == "RUNNING")
        .count();
    if running != sizes.big {
        bail!("{running} of {} big programs RUNNING", sizes.big);
    }
    let args = [Value::string("big"), Value::Bool(true)];
    call(&cluster, "n1", "supvisors.stop_application", &args)?;

    let victim = holder(&cluster, "n1").context("ha:ha runs nowhere")?;
    let master = call(&cluster, "n1", "supvisors.get_master_identifier", &[])?;
    if master == victim.as_str() {
        bail!("ha:ha runs on the master {victim}: the bench measures a failover, not an election");
    }
    let survivors: Vec<&str> = IDS.iter().copied().filter(|id| *id != victim).collect();
    std::thread::sleep((SYNCHRO_WINDOW + kill_offset).saturating_sub(launched.elapsed()));
    let killed = Instant::now();
    cluster.kill9(&victim);
    let failover_secs = poll(&cluster, "ha:ha RUNNING on a survivor", |c| {
        Ok(survivors.iter().any(|id| {
            let info = c.call(id, "supervisor.getProcessInfo", &[Value::string("ha:ha")]);
            info.is_ok_and(|i| i["statename"] == "RUNNING")
        }))
    })?
    .duration_since(killed)
    .as_secs_f64();
    Ok(Busy {
        start_application_secs,
        failover_secs,
    })
}

/// The idle cluster: `sleepers` unmanaged programs autostarted on every instance.
fn idle_spec(column: &Column, sleepers: usize) -> ClusterSpec {
    let mut sections = String::new();
    for i in 0..sleepers {
        let _ = writeln!(
            sections,
            "[program:s{i:02}]\ncommand=/bin/sleep 100000\nstartsecs=0\nautorestart=false\n\
             stdout_logfile=NONE\nstderr_logfile=NONE\n"
        );
    }
    base_spec(column).sections(&sections)
}

/// The busy cluster: group `big` of `big` programs and program `ha`, ruled by [`RULES`].
fn busy_spec(column: &Column, big: usize) -> ClusterSpec {
    let names: Vec<String> = (0..big).map(|i| format!("b{i:03}")).collect();
    let mut sections = format!("[group:big]\nprograms={}\n\n", names.join(","));
    for name in &names {
        let _ = writeln!(
            sections,
            "[program:{name}]\ncommand=/bin/sleep 100000\nautostart=false\nstartsecs=0\n\
             autorestart=false\nstdout_logfile=NONE\nstderr_logfile=NONE\n"
        );
    }
    // The program ends by itself once its daemon is gone: a `kill -9` leaves no orphan.
    sections.push_str(
        "[program:ha]\ncommand=/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'\n\
         autostart=false\nstartsecs=0\nstopasgroup=true\n\
         stdout_logfile=NONE\nstderr_logfile=NONE\n",
    );
    base_spec(column)
        .file("rules.xml", RULES)
        .option("rules_files", "@DIR@/rules.xml")
        .sections(&sections)
}

/// Polls `check` every [`POLL`] until it holds and returns when it did; fails after
/// [`PATIENCE`] or when a daemon ended, with every instance's logs.
fn poll(
    cluster: &Cluster,
    what: &str,
    mut check: impl FnMut(&Cluster) -> Result<bool>,
) -> Result<Instant> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if check(cluster)? {
            return Ok(Instant::now());
        }
        let ended = cluster.ended();
        if !ended.is_empty() || Instant::now() > deadline {
            bail!(
                "{}: waiting for {what}, ended: {ended:?}\n{}",
                cluster.subject.label(),
                cluster.all_logs()
            );
        }
        std::thread::sleep(POLL);
    }
}

fn call(cluster: &Cluster, id: &str, method: &str, params: &[Value]) -> Result<Json> {
    cluster
        .call(id, method, params)
        .map_err(|err| anyhow::anyhow!("{method} on {id}: {err}"))
}

/// The FSM state of instance `id`, `None` while it does not answer.
fn fsm_state(cluster: &Cluster, id: &str) -> Option<String> {
    let modes = cluster
        .call(id, "supvisors.get_supvisors_state", &[])
        .ok()?;
    modes["fsm_statename"].as_str().map(str::to_owned)
}

/// How many local processes instance `id` reports RUNNING.
fn running_local(cluster: &Cluster, id: &str) -> Option<usize> {
    let infos = cluster.call(id, "supervisor.getAllProcessInfo", &[]).ok()?;
    let infos = infos.as_array()?;
    Some(infos.iter().filter(|p| p["statename"] == "RUNNING").count())
}

/// The instance running `ha:ha` as seen by instance `id`.
fn holder(cluster: &Cluster, id: &str) -> Option<String> {
    let info = cluster
        .call(id, "supvisors.get_process_info", &[Value::string("ha:ha")])
        .ok()?;
    let info = info.as_array()?.first()?;
    if info["statename"] != "RUNNING" {
        return None;
    }
    info["identifiers"]
        .as_array()?
        .first()?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use supvisors_tests::cluster::{Ports, render};

    fn ports() -> Vec<Ports> {
        (0..3)
            .map(|i| Ports {
                http: 1000 + i,
                internal: 2000 + i,
                event: 3000 + i,
            })
            .collect()
    }

    fn column(tick_period: Option<&'static str>) -> Column {
        Column {
            label: "x",
            subject: Subject::Python,
            tick_period,
        }
    }

    #[test]
    fn kill_phases_spread_over_the_tick_of_the_column() {
        assert_eq!(column(None).tick(), Duration::from_secs(5));
        assert_eq!(column(Some("0.5")).tick(), Duration::from_millis(500));
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(mean(&[]), 0.0);
    }

    #[test]
    fn every_cluster_has_three_core_instances_and_tick_period_only_when_asked() {
        let text = render(&idle_spec(&column(None), 15), 1, &ports());
        assert!(text.contains("identifier=n2\n"), "{text}");
        assert!(text.contains("core_identifiers = n1,n2,n3\n"), "{text}");
        assert!(!text.contains("tick_period"), "{text}");
        assert_eq!(text.matches("command=/bin/sleep").count(), 15, "{text}");
        let text = render(&idle_spec(&column(Some("0.5")), 1), 0, &ports());
        assert!(text.contains("tick_period = 0.5\n"), "{text}");
    }

    #[test]
    fn the_busy_cluster_groups_its_programs_and_loads_the_rules() {
        let spec = busy_spec(&column(None), 200);
        let text = render(&spec, 2, &ports());
        assert!(text.contains("rules_files = @DIR@/rules.xml\n"), "{text}");
        assert!(text.contains("programs=b000,b001,"), "{text}");
        assert!(text.contains(",b199\n"), "{text}");
        assert_eq!(text.matches("[program:b").count(), 200, "{text}");
        assert!(text.contains("[program:ha]\n"), "{text}");
        assert_eq!(spec.files, [("rules.xml".to_owned(), RULES.to_owned())]);
    }
}
