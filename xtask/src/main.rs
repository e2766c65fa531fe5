//! `cargo xtask <task>`: the project's entry points for people and CI.
//!
//! - `test`: format check, clippy with `-D warnings`, build every binary, then run every test.
//! - `fuzz`: run the cargo-fuzz targets for a given time each (not in CI).
//! - `bench`: run the criterion benchmarks, then the daemons side by side (`daemon_bench`);
//!   `--cluster`: three-instance clusters side by side (`cluster_bench`).
//! - `sim`: run the deterministic cluster simulation over many seeds.
//! - `dist`: build the shipped binaries (static, size-optimised; `dist`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

mod cluster_bench;
mod ctl_bench;
mod daemon_bench;
mod demo;
mod dist;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Run the demo cluster (three supvisorsd on 127.0.0.1) until Ctrl-C.
    Demo {
        /// Stop after this many seconds instead of waiting for Ctrl-C.
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Build the shipped binaries, statically linked and optimised for size.
    Dist,
    /// Check formatting and lints, then run every test of the workspace.
    Test {
        /// Skip the fmt and clippy checks (quicker local runs).
        #[arg(long)]
        no_lint: bool,
    },
    /// Run each fuzz target (needs cargo-fuzz; installs it if missing).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Only this target.
        #[arg(long)]
        target: Option<String>,
    },
    /// Run the criterion benchmarks, then supervisord and supvisorsd side by side.
    Bench {
        /// Only the side-by-side daemon measurements (no criterion benchmarks).
        #[arg(long)]
        daemons_only: bool,
        /// Programs for the spawn, query and idle measurements.
        #[arg(long, default_value_t = 1000)]
        procs: usize,
        /// Seconds of idle observation (CPU, RSS).
        #[arg(long, default_value_t = 60)]
        idle_secs: u64,
        /// Seconds of stdout flooding.
        #[arg(long, default_value_t = 10)]
        flood_secs: u64,
        /// Measure only this daemon (`supervisord` or `supvisorsd`).
        #[arg(long)]
        only: Option<String>,
        /// Only `status` wall time of supervisorctl vs supvisorsctl against supervisord.
        #[arg(long)]
        ctl: bool,
        /// Only three-instance clusters of Python Supvisors 0.15 and supvisorsd side by side.
        #[arg(long)]
        cluster: bool,
    },
    /// Run the deterministic cluster simulation of supvisors-core over many seeds.
    Sim {
        /// Number of seeds to run.
        #[arg(long, default_value_t = 500)]
        seeds: u64,
        /// First seed of the range.
        #[arg(long, default_value_t = 0)]
        first_seed: u64,
        /// Replay exactly this seed (overrides --seeds and --first-seed).
        #[arg(long)]
        seed: Option<u64>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = workspace_root();
    match cli.task {
        Task::Test { no_lint } => test(&root, no_lint),
        Task::Demo { seconds } => demo::run(&root, seconds),
        Task::Dist => {
            let dir = dist::build(&root, &["supvisorsd", "supvisorsctl"])?;
            println!("{}", dir.join("supvisorsd").display());
            println!("{}", dir.join("supvisorsctl").display());
            Ok(())
        }
        Task::Fuzz { seconds, target } => fuzz(&root, seconds, target.as_deref()),
        Task::Bench {
            daemons_only,
            procs,
            idle_secs,
            flood_secs,
            only,
            ctl,
            cluster,
        } => {
            if ctl {
                return bench_ctl(&root, procs);
            }
            if cluster {
                let sizes = cluster_bench::Sizes {
                    idle_secs,
                    sleepers: 15,
                    big: 200,
                };
                return bench_cluster(&root, &sizes, only.as_deref());
            }
            if !daemons_only {
                cargo(&root, &["bench", "--workspace"])?;
            }
            bench_daemons(
                &root,
                &daemon_bench::Sizes {
                    procs,
                    idle_secs,
                    flood_secs,
                },
                only.as_deref(),
            )
        }
        Task::Sim {
            seeds,
            first_seed,
            seed,
        } => sim(&root, seeds, first_seed, seed),
    }
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

fn test(root: &Path, no_lint: bool) -> Result<()> {
    if !no_lint {
        cargo(root, &["fmt", "--all", "--", "--check"])?;
        cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        )?;
    }
    // The differential tests compare with the Python reference implementations.
    setup_python(root)?;
    // End-to-end tests run the real binaries, so they must exist first.
    cargo(root, &["build", "--workspace", "--bins"])?;
    // The cluster simulation over 500 seeds (issue #4); replays with `cargo xtask sim --seed S`.
    sim(root, 500, 0, None)?;
    if has_nextest(root) {
        // nextest does not run doctests; run them first so that its summary closes the output.
        cargo(root, &["test", "--workspace", "--doc", "--quiet"])?;
        cargo(root, &["nextest", "run", "--workspace", "--no-fail-fast"])
    } else {
        cargo(root, &["test", "--workspace", "--no-fail-fast"])
    }
}

/// Where cargo puts its builds (`CARGO_TARGET_DIR` is honoured).
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The Python venv with the reference implementations (`SUPVISORS_VENV` is honoured).
fn venv_dir(root: &Path) -> PathBuf {
    std::env::var_os("SUPVISORS_VENV").map_or_else(|| root.join(".venv"), PathBuf::from)
}

/// The shipped `supvisorsd` the benches run.
fn build_dist_daemon(root: &Path) -> Result<PathBuf> {
    Ok(dist::build(root, &["supvisorsd"])?.join("supvisorsd"))
}

fn bench_daemons(root: &Path, sizes: &daemon_bench::Sizes, only: Option<&str>) -> Result<()> {
    setup_python(root)?;
    let ours = if only == Some("supervisord") {
        PathBuf::new()
    } else {
        build_dist_daemon(root)?
    };
    let venv = venv_dir(root);
    let subjects = [
        daemon_bench::Subject {
            label: "supervisord",
            exe: venv.join("bin/supervisord"),
        },
        daemon_bench::Subject {
            label: "supvisorsd",
            exe: ours,
        },
    ];
    let chosen: Vec<_> = subjects
        .into_iter()
        .filter(|s| only.is_none_or(|o| o == s.label))
        .collect();
    if chosen.is_empty() {
        bail!("--only takes supervisord or supvisorsd");
    }
    daemon_bench::run(&chosen, sizes)
}

fn bench_cluster(root: &Path, sizes: &cluster_bench::Sizes, only: Option<&str>) -> Result<()> {
    if !matches!(only, None | Some("python" | "supvisorsd")) {
        bail!("--only takes python or supvisorsd with --cluster");
    }
    // An explicit venv is used as it is; otherwise the project's is made.
    if std::env::var_os("SUPVISORS_VENV").is_none() && only != Some("supvisorsd") {
        setup_python(root)?;
    }
    let ours = if only == Some("python") {
        PathBuf::new()
    } else {
        build_dist_daemon(root)?
    };
    let ours = cluster_bench::Subject::Rust(ours);
    let columns = [
        cluster_bench::Column {
            label: "python",
            subject: cluster_bench::Subject::Python,
            tick_period: None,
        },
        cluster_bench::Column {
            label: "supvisorsd",
            subject: ours.clone(),
            tick_period: None,
        },
        cluster_bench::Column {
            label: "tick 0.5",
            subject: ours,
            tick_period: Some("0.5"),
        },
    ];
    let chosen: Vec<_> = columns
        .into_iter()
        .filter(|c| match only {
            Some("python") => c.label == "python",
            Some(_) => c.label != "python",
            None => true,
        })
        .collect();
    cluster_bench::run(&chosen, sizes)
}

fn bench_ctl(root: &Path, procs: usize) -> Result<()> {
    // An explicit venv is used as it is; otherwise the project's is made.
    if std::env::var_os("SUPVISORS_VENV").is_none() {
        setup_python(root)?;
    }
    let dist = dist::build(root, &["supvisorsd", "supvisorsctl"])?;
    let venv = venv_dir(root);
    // Both clients against each server: the reference supervisord, then our supvisorsd (the
    // issue's 50 ms goal is the whole command, which the server's answer time bounds).
    for server in [venv.join("bin/supervisord"), dist.join("supvisorsd")] {
        println!("== server: {}", server.display());
        ctl_bench::run(
            &server,
            &venv.join("bin/supervisorctl"),
            &dist.join("supvisorsctl"),
            procs,
        )?;
    }
    Ok(())
}

fn sim(root: &Path, seeds: u64, first_seed: u64, seed: Option<u64>) -> Result<()> {
    let mut cmd = Command::new("cargo");
    // Release mode: thousands of seeds of simulated cluster life are CPU-bound.
    cmd.args([
        "test",
        "--release",
        "-p",
        "supvisors-core",
        "--test",
        "sim",
        "--",
        "--nocapture",
    ])
    .current_dir(root);
    match seed {
        Some(seed) => {
            cmd.env("SIM_SEED", seed.to_string());
        }
        None => {
            cmd.env("SIM_SEEDS", seeds.to_string())
                .env("SIM_FIRST_SEED", first_seed.to_string());
        }
    }
    eprintln!(
        "xtask: cargo test --release -p supvisors-core --test sim (seeds: {seeds} from {first_seed}, replay: {seed:?})"
    );
    let status = cmd.status().context("cannot run the simulation")?;
    if !status.success() {
        bail!("simulation failed: {status}");
    }
    Ok(())
}

fn setup_python(root: &Path) -> Result<()> {
    run_setup_script(root, "scripts/setup-system.sh")?;
    run_setup_script(root, "scripts/setup-python.sh")
}

fn run_setup_script(root: &Path, relative: &str) -> Result<()> {
    let script = root.join(relative);
    eprintln!("xtask: {}", script.display());
    let status = Command::new("bash")
        .arg(&script)
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !status.success() {
        bail!("{} failed: {status}", script.display());
    }
    Ok(())
}

fn has_nextest(root: &Path) -> bool {
    Command::new("cargo")
        .args(["nextest", "--version"])
        .current_dir(root)
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

/// Each fuzz target with the directories whose files seed it (besides its own corpus).
const FUZZ_TARGETS: &[(&str, &[&str])] = &[
    (
        "ini_parser",
        &["crates/supvisors-rules/tests/invalid/ini", "examples/demo"],
    ),
    (
        "rules_parser",
        &[
            "crates/supvisors-rules/tests/invalid/rules",
            "crates/supvisors-rules/tests/fixtures/reference",
            "examples/demo/rules",
        ],
    ),
];

fn fuzz(root: &Path, seconds: u64, only: Option<&str>) -> Result<()> {
    let fuzz_dir = root.join("fuzz");
    if !fuzz_dir.join("Cargo.toml").exists() {
        bail!("no fuzz targets in {}", fuzz_dir.display());
    }
    let has_cargo_fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false);
    if !has_cargo_fuzz {
        cargo(root, &["install", "cargo-fuzz", "--locked"])?;
    }
    let max_time = format!("-max_total_time={seconds}");
    for (target, seeds) in FUZZ_TARGETS
        .iter()
        .filter(|t| only.is_none_or(|o| o == t.0))
    {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create {}", corpus.display()))?;
        let mut args: Vec<String> = ["fuzz", "run", "--sanitizer", "none", target]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        // libFuzzer writes new inputs into the first directory and reads the others as seeds.
        args.push(corpus.display().to_string());
        args.extend(seeds.iter().map(|s| root.join(s).display().to_string()));
        args.push("--".to_owned());
        args.push(max_time.clone());
        // cargo-fuzz needs nightly flags; the pinned stable toolchain accepts them with
        // RUSTC_BOOTSTRAP, which avoids depending on a second toolchain.
        let status = Command::new("cargo")
            .args(&args)
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .status()
            .with_context(|| format!("cannot run cargo fuzz for {target}"))?;
        if !status.success() {
            bail!("fuzz target {target} failed: {status}");
        }
    }
    Ok(())
}

pub(crate) fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let status = Command::new("cargo")
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed: {status}", args.join(" "));
    }
    Ok(())
}
