//! `cargo xtask bench --cluster`: three Supvisors instances on 127.0.0.1 run by Python
//! Supvisors 0.15 and by our `supvisorsd`, side by side in one run, through the cluster harness
//! of the end-to-end tests (`supvisors_tests::cluster`). Figures: daemon RSS, idle CPU, time
//! from start to OPERATION (default options and, where accepted, `synchro_timeout=15` with
//! `tick_period=0.5`), 200 programs by `start_application`, and the restart elsewhere of a
//! RESTART_PROCESS program after `kill -9` of its instance.
//!
//! A subject that fails (the harness panics with its logs) gets `NaN` figures and its error is
//! printed; the other subject is still measured.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use supvisors_tests::cluster::{Cluster, ClusterSpec, Subject};
use supvisors_tests::xmlrpc::s;

use crate::daemon_bench::{cpu_ticks, rss_kb};

/// Bounds every wait of the bench.
const PATIENCE: Duration = Duration::from_secs(300);

const IDS: [&str; 3] = ["n1", "n2", "n3"];

/// Bench sizes, kept as parameters so a quick local run is possible.
pub struct Sizes {
    /// Programs of the idle cluster.
    pub programs: usize,
    /// Programs started by one `start_application`.
    pub big: usize,
    /// Seconds of idle observation.
    pub idle_secs: u64,
}

/// One daemon to measure.
pub struct Side {
    /// Label printed in the table.
    pub label: &'static str,
    /// Python Supvisors or a `supvisorsd` binary.
    pub subject: Subject,
}

/// The figures of one side, `NaN` when not measured.
#[derive(Clone, Copy)]
struct Figures {
    rss_mb: f64,
    idle_cpu_pct: f64,
    operation_s: f64,
    operation_tuned_s: f64,
    big_start_s: f64,
    restart_elsewhere_s: f64,
}

const NOT_MEASURED: Figures = Figures {
    rss_mb: f64::NAN,
    idle_cpu_pct: f64::NAN,
    operation_s: f64::NAN,
    operation_tuned_s: f64::NAN,
    big_start_s: f64::NAN,
    restart_elsewhere_s: f64::NAN,
};

/// Measures every side and prints a table with the ratios (first side over the last: all
/// figures are costs).
pub fn run(sides: &[Side], sizes: &Sizes) -> Result<()> {
    let mut all = Vec::new();
    for side in sides {
        eprintln!("cluster-bench: {} ({})", side.label, side.subject.label());
        let mut figures = NOT_MEASURED;
        let parts: [(&str, Part); 3] = [
            ("idle cluster", idle_cluster),
            ("tuned start", tuned_start),
            ("start_application", big_start),
        ];
        for (name, part) in parts {
            // The harness reports failures by panicking with every instance's logs; the
            // other parts and the other side are still measured.
            match catch_unwind(AssertUnwindSafe(|| {
                part(&side.subject, sizes, &mut figures)
            })) {
                Ok(Ok(())) => {}
                Ok(Err(err)) => eprintln!("cluster-bench: {} {name}: {err:#}", side.label),
                Err(_) => eprintln!("cluster-bench: {} {name} failed (see above)", side.label),
            }
        }
        all.push(figures);
    }
    print!("{}", table(sides, &all));
    Ok(())
}

type Part = fn(&Subject, &Sizes, &mut Figures) -> Result<()>;

/// Start to OPERATION, the idle figures, then the crash, on the small cluster.
fn idle_cluster(subject: &Subject, sizes: &Sizes, figures: &mut Figures) -> Result<()> {
    let started = Instant::now();
    let mut cluster = Cluster::start(subject.clone(), spec(sizes.programs, &[]));
    cluster.wait_all_state("OPERATION", PATIENCE);
    figures.operation_s = started.elapsed().as_secs_f64();
    cluster.wait_settled(PATIENCE);
    let pids: Vec<i32> = IDS.iter().filter_map(|id| cluster.pid(id)).collect();
    let daemons = pids.len().max(1) as f64;
    let mut rss = 0.0;
    for pid in &pids {
        rss += rss_kb(*pid)? as f64 / 1024.0;
    }
    figures.rss_mb = rss / daemons;
    let cpu0: u64 = pids.iter().map(|p| cpu_ticks(*p)).sum::<Result<u64>>()?;
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(sizes.idle_secs));
    let cpu1: u64 = pids.iter().map(|p| cpu_ticks(*p)).sum::<Result<u64>>()?;
    // USER_HZ is 100 on Linux.
    let busy_secs = cpu1.saturating_sub(cpu0) as f64 / 100.0;
    figures.idle_cpu_pct = busy_secs / t0.elapsed().as_secs_f64() * 100.0 / daemons;
    figures.restart_elsewhere_s = restart_elsewhere(&mut cluster)?;
    Ok(())
}

/// Start to OPERATION with a short synchronisation (the reference ignores `tick_period`?
/// then its figure is its default tick's).
fn tuned_start(subject: &Subject, sizes: &Sizes, figures: &mut Figures) -> Result<()> {
    let tuned = [("synchro_timeout", "15"), ("tick_period", "0.5")];
    let started = Instant::now();
    let cluster = Cluster::start(subject.clone(), spec(sizes.programs, &tuned));
    cluster.wait_all_state("OPERATION", PATIENCE);
    figures.operation_tuned_s = started.elapsed().as_secs_f64();
    Ok(())
}

/// `start_application` of `sizes.big` programs until all are RUNNING.
fn big_start(subject: &Subject, sizes: &Sizes, figures: &mut Figures) -> Result<()> {
    let cluster = Cluster::start(subject.clone(), spec(sizes.big, &[]));
    cluster.wait_all_state("OPERATION", PATIENCE);
    cluster.wait_settled(PATIENCE);
    let t = Instant::now();
    let answer = cluster.call(
        "n1",
        "supvisors.start_application",
        &[s("LESS_LOADED"), s("bench")],
    );
    answer.map_err(|e| anyhow::anyhow!("start_application: {e}"))?;
    cluster.wait_until(PATIENCE, "every bench program RUNNING", |c| {
        c.call("n1", "supvisors.get_process_info", &[s("bench:*")])
            .is_ok_and(|list| {
                list.as_array()
                    .is_some_and(|l| l.iter().all(|p| p["statename"] == "RUNNING"))
            })
    });
    figures.big_start_s = t.elapsed().as_secs_f64();
    Ok(())
}

/// Kills the instance running `mover` (RESTART_PROCESS) and times its restart elsewhere.
fn restart_elsewhere(cluster: &mut Cluster) -> Result<f64> {
    let info = cluster.must("n1", "supvisors.get_process_info", &[s("mover:mover")]);
    let host = info[0]["identifiers"][0]
        .as_str()
        .map(str::to_owned)
        .context("mover is not running after deployment")?;
    let watcher = IDS.iter().find(|id| **id != host).copied().unwrap_or("n1");
    let t = Instant::now();
    cluster.kill9(&host);
    cluster.wait_until(PATIENCE, "mover RUNNING elsewhere", |c| {
        c.call(watcher, "supvisors.get_process_info", &[s("mover:mover")])
            .is_ok_and(|list| {
                let ids = &list[0]["identifiers"];
                list[0]["statename"] == "RUNNING"
                    && ids
                        .as_array()
                        .is_some_and(|i| !i.is_empty() && !i.contains(&host.as_str().into()))
            })
    });
    Ok(t.elapsed().as_secs_f64())
}

/// Three instances with `programs` programs of application `bench` (started on demand) and
/// `mover` (started at deployment on n2 or n3, restarted elsewhere when its instance dies).
fn spec(programs: usize, extra: &[(&str, &str)]) -> ClusterSpec {
    let rules = r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="bench">
        <starting_strategy>LESS_LOADED</starting_strategy>
        <programs><program pattern=""><start_sequence>1</start_sequence></program></programs>
    </application>
    <application name="mover">
        <start_sequence>1</start_sequence>
        <programs>
            <program name="mover">
                <identifiers>n2,n3</identifiers>
                <start_sequence>1</start_sequence>
                <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
            </program>
        </programs>
    </application>
</root>
"#;
    // The program ends by itself once its daemon is gone (no orphan after kill -9).
    let command = "/bin/sh -c 'while kill -0 $PPID 2>/dev/null; do sleep 1; done'";
    let mut sections = String::new();
    let names: Vec<String> = (0..programs).map(|i| format!("p{i:03}")).collect();
    let _ = writeln!(sections, "[group:bench]\nprograms={}\n", names.join(","));
    for name in &names {
        let _ = writeln!(
            sections,
            "[program:{name}]\ncommand={command}\nautostart=false\nstartsecs=1\n\
             stdout_logfile=NONE\nstderr_logfile=NONE\n"
        );
    }
    let _ = writeln!(
        sections,
        "[program:mover]\ncommand={command}\nautostart=false\nstartsecs=1\n"
    );
    let mut spec = ClusterSpec::new(&IDS)
        .file("rules.xml", rules)
        .option("rules_files", "@DIR@/rules.xml")
        .option("core_identifiers", "n1,n2,n3")
        .sections(&sections);
    for (key, value) in extra {
        spec = spec.option(key, value);
    }
    spec
}

/// A table row: what, unit, and the figure it shows.
type Row = (&'static str, &'static str, fn(&Figures) -> f64);

fn table(sides: &[Side], all: &[Figures]) -> String {
    let rows: [Row; 6] = [
        ("RSS per daemon", "MB", |f| f.rss_mb),
        ("idle CPU per daemon", "%", |f| f.idle_cpu_pct),
        ("start to OPERATION (defaults)", "s", |f| f.operation_s),
        ("start to OPERATION (tuned)", "s", |f| f.operation_tuned_s),
        ("start_application → RUNNING", "s", |f| f.big_start_s),
        ("kill -9 → RUNNING elsewhere", "s", |f| {
            f.restart_elsewhere_s
        }),
    ];
    let mut out = String::new();
    let _ = write!(out, "{:<32} {:>5}", "measurement", "unit");
    for side in sides {
        let _ = write!(out, " {:>12}", side.label);
    }
    let _ = writeln!(out, " {:>8}", "gain");
    for (what, unit, get) in rows {
        let _ = write!(out, "{what:<32} {unit:>5}");
        let values: Vec<f64> = all.iter().map(get).collect();
        for v in &values {
            let _ = write!(out, " {v:>12.3}");
        }
        let gain = match (values.first(), values.last()) {
            (Some(&first), Some(&last)) if values.len() > 1 => first / last,
            _ => f64::NAN,
        };
        let _ = writeln!(out, " {gain:>7.1}x");
    }
    out
}

/// The two sides: the venv's Python Supvisors and `supvisorsd` at `ours`.
pub fn sides(ours: PathBuf) -> Vec<Side> {
    vec![
        Side {
            label: "python",
            subject: Subject::Python,
        },
        Side {
            label: "supvisorsd",
            subject: Subject::Rust(ours),
        },
    ]
}
