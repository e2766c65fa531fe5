//! Deterministic simulation of several engines under faults (ARCHITECTURE.md, "The sans-IO core").
//!
//! `SIM_SEED=n` replays one seed; `SIM_SEEDS=N` runs seeds `S..S+N` (default 16) where
//! `S` is `SIM_FIRST_SEED` (default 0). A failure prints its seed. `cargo xtask sim --seeds N
//! [--first-seed S]` and `cargo xtask sim --seed S` set these.

#[path = "sim/harness.rs"]
mod harness;
#[path = "sim/supervisor.rs"]
mod supervisor;

use std::panic::{AssertUnwindSafe, catch_unwind};

use harness::{Cluster, Ms};
use supvisors_core::commands::Command;
use supvisors_core::config::EngineConfig;
use supvisors_core::enums::{SupvisorsInstanceStates, SupvisorsStates};

const NAMES: [&str; 4] = ["n1", "n2", "n3", "n4"];
const TICK: Ms = 5_000;

fn seeds() -> Vec<u64> {
    if let Some(seed) = std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()) {
        return vec![seed];
    }
    let count: u64 = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16);
    let first: u64 = std::env::var("SIM_FIRST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (first..first.saturating_add(count)).collect()
}

fn config(auto_fence: bool) -> impl Fn(&str) -> EngineConfig {
    move |local| {
        let mut config = EngineConfig::new(local, &NAMES).expect("valid sim config");
        config.auto_fence = auto_fence;
        config
    }
}

/// Checked after every step: nothing unbounded, no running state without a master.
fn step_invariants(c: &Cluster) -> Result<(), String> {
    if c.max_queue > 10_000 {
        return Err(format!("event queue grew to {}", c.max_queue));
    }
    if c.max_outputs > 500 {
        return Err(format!("one step produced {} outputs", c.max_outputs));
    }
    for node in c.nodes.iter().filter(|n| n.up) {
        let e = &node.engine;
        let operating = matches!(
            e.state(),
            SupvisorsStates::Deployment
                | SupvisorsStates::Operation
                | SupvisorsStates::Conciliation
        );
        if operating && e.master().is_empty() {
            return Err(format!("{} is {} without master", node.name, e.state()));
        }
        let local_running =
            e.context().instance_state(&node.name) == SupvisorsInstanceStates::Running;
        if operating && !local_running {
            return Err(format!(
                "{} is {} but not RUNNING itself",
                node.name,
                e.state()
            ));
        }
        if e.is_master()
            && !operating
            && e.state() != SupvisorsStates::Initialization
            && !closing(e.state())
        {
            return Err(format!("{} is master in {}", node.name, e.state()));
        }
        let local = e.context().instance_state(&node.name);
        if matches!(
            local,
            SupvisorsInstanceStates::Isolating | SupvisorsInstanceStates::Isolated
        ) {
            return Err(format!("{} isolated itself", node.name));
        }
    }
    Ok(())
}

fn closing(state: SupvisorsStates) -> bool {
    matches!(
        state,
        SupvisorsStates::Restarting
            | SupvisorsStates::Restart
            | SupvisorsStates::ShuttingDown
            | SupvisorsStates::Shutdown
    )
}

/// (a) Two up nodes with the same RUNNING view (each in the other's) agree on the master.
///
/// With auto_fence, isolation is not transitive (n4 may run with n1 and n3 that isolated each
/// other): no single master can suit everyone, so only nodes sharing a view are compared.
fn master_agreement(c: &Cluster) -> Result<(), String> {
    let view = |e: &supvisors_core::engine::Engine| e.context().running_identifiers();
    for x in c.nodes.iter().filter(|n| n.up) {
        for y in c.nodes.iter().filter(|n| n.up && n.name != x.name) {
            let sees =
                x.engine.context().instance_state(&y.name) == SupvisorsInstanceStates::Running;
            let same_view = view(&x.engine) == view(&y.engine);
            if sees && same_view && x.engine.master() != y.engine.master() {
                return Err(format!(
                    "{} has master {:?} but {} has {:?}",
                    x.name,
                    x.engine.master(),
                    y.name,
                    y.engine.master()
                ));
            }
        }
    }
    Ok(())
}

/// Without fencing, a healed cluster is whole: everyone OPERATION, everyone RUNNING everywhere.
fn whole_cluster(c: &Cluster) -> Result<(), String> {
    let master = c.nodes[0].engine.master().to_owned();
    for x in &c.nodes {
        let e = &x.engine;
        if !x.up || e.state() != SupvisorsStates::Operation || e.master() != master {
            return Err(format!(
                "{} up={} in {} with master {:?}",
                x.name,
                x.up,
                e.state(),
                e.master()
            ));
        }
        for i in e.context().instances() {
            if i.state() != SupvisorsInstanceStates::Running {
                return Err(format!("{} sees {} {}", x.name, i.identifier(), i.state()));
            }
        }
    }
    Ok(())
}

fn run_seeds(name: &str, scenario: impl Fn(u64) -> Result<(), String>) {
    let mut failures = Vec::new();
    for seed in seeds() {
        let outcome = catch_unwind(AssertUnwindSafe(|| scenario(seed)));
        let message = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(message)) => message,
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default(),
        };
        eprintln!("{name}: seed {seed} failed: {message} (replay with SIM_SEED={seed})");
        failures.push(seed);
    }
    assert!(failures.is_empty(), "{name}: failing seeds {failures:?}");
}

/// Quiet phase: heal, wait for everything to settle, then check (a) at 3 consecutive ticks.
fn settle(c: &mut Cluster, whole: bool) -> Result<(), String> {
    c.heal();
    let settle_at = c.now + 30 * TICK;
    c.run_until(settle_at, step_invariants)?;
    for k in 1..=3 {
        c.run_until(settle_at + k * TICK, step_invariants)?;
        master_agreement(c)?;
        if whole {
            whole_cluster(c)?;
        }
    }
    Ok(())
}

#[test]
fn quiet_cluster_elects_lowest_identifier() {
    run_seeds("quiet", |seed| {
        let mut c = Cluster::new(seed, &NAMES, config(false));
        c.run_until(20 * TICK, step_invariants)?;
        whole_cluster(&c)?;
        match c.nodes[0].engine.master() {
            "n1" => Ok(()),
            other => Err(format!("master {other:?}, expected n1")),
        }
    });
}

fn faults(c: &mut Cluster, duration: Ms) -> Result<(), String> {
    let end = c.now + duration;
    while c.now < end {
        let at = c.now + 1_000;
        let n = c.nodes.len() as u64;
        if c.rng.chance(20) {
            let i = c.rng.below(n) as usize;
            let down = 1_000 + c.rng.below(40_000);
            c.crash(i, down);
        }
        if c.rng.chance(20) {
            let (a, b) = (c.rng.below(n) as usize, c.rng.below(n) as usize);
            c.partition(a, b);
        }
        if c.rng.chance(15) {
            c.heal();
        }
        c.run_until(at, step_invariants)?;
    }
    Ok(())
}

#[test]
fn crashes_and_partitions_then_quiet_agree_on_master() {
    run_seeds("faults", |seed| {
        let mut c = Cluster::new(seed, &NAMES, config(false));
        c.run_until(10 * TICK, step_invariants)?;
        faults(&mut c, 120 * TICK)?;
        settle(&mut c, true)
    });
}

#[test]
fn auto_fence_groups_agree_on_master() {
    run_seeds("fence", |seed| {
        let mut c = Cluster::new(seed, &NAMES, config(true));
        c.run_until(10 * TICK, step_invariants)?;
        faults(&mut c, 120 * TICK)?;
        settle(&mut c, false)
    });
}

#[test]
fn restart_request_on_non_master_restarts_every_instance() {
    run_seeds("restart", |seed| {
        let mut c = Cluster::new(seed, &NAMES, config(false));
        c.run_until(20 * TICK, step_invariants)?;
        whole_cluster(&c)?;
        let target = 1 + c.rng.below(3) as usize;
        c.command(target, Command::Restart, 10);
        c.run_until(c.now + 2 * TICK, step_invariants)?;
        if let Some(n) = c.nodes.iter().find(|n| n.generation != 2) {
            return Err(format!("{} booted {} times", n.name, n.generation));
        }
        settle(&mut c, true)
    });
}

#[test]
fn shutdown_request_stops_every_instance() {
    run_seeds("shutdown", |seed| {
        let mut c = Cluster::new(seed, &NAMES, config(false));
        c.run_until(20 * TICK, step_invariants)?;
        c.command(0, Command::Shutdown, 10);
        c.run_until(c.now + 2 * TICK, step_invariants)?;
        match c.nodes.iter().find(|n| n.up) {
            Some(n) => Err(format!("{} still up in {}", n.name, n.engine.state())),
            None => Ok(()),
        }
    });
}

mod with_processes_support {
    pub use super::with_processes::{PROGRAMS, cluster, running_on, truth};
}

mod with_processes {
    use super::*;
    use supvisors_core::enums::{
        ConciliationStrategies, DistributionRules, RunningFailureStrategies, StartingStrategies,
    };
    use supvisors_core::rules::{ApplicationRules, ProcessRules};
    use supvisors_core::rules_provider::FixedRules;

    pub const PROGRAMS: [(&str, &str); 5] = [
        ("web", "front"),
        ("web", "back"),
        ("db", "main"),
        ("db", "replica"),
        ("tools", "shell"),
    ];

    /// web (sequence 1): front then back, each restarted elsewhere when its instance is lost;
    /// db (sequence 2, one instance): main then replica, restarted as a whole; tools: unmanaged.
    ///
    /// With the default CONTINUE strategy, nothing guarantees a repair: a lost instance's
    /// processes are only re-planned by a later DEPLOYMENT, and if the lost instance itself
    /// comes back first, its fresh STOPPED information wipes the failure (reference behaviour;
    /// with Q19 the next DEPLOYMENT re-plans what should run anyway).
    fn rules() -> FixedRules {
        let mut rules = FixedRules::default();
        for (app, seq, distribution, failure) in [
            (
                "web",
                1,
                DistributionRules::AllInstances,
                RunningFailureStrategies::RestartProcess,
            ),
            (
                "db",
                2,
                DistributionRules::SingleInstance,
                RunningFailureStrategies::RestartApplication,
            ),
        ] {
            let mut r = ApplicationRules::unmanaged(StartingStrategies::LessLoaded);
            r.managed = true;
            r.start_sequence = seq;
            r.stop_sequence = seq;
            r.distribution = distribution;
            r.running_failure_strategy = failure;
            rules.applications.insert(app.into(), r.clone());
            for (name, pseq) in [("front", 1), ("back", 2), ("main", 1), ("replica", 2)] {
                let mut p = ProcessRules::inherited(&r);
                p.start_sequence = pseq;
                p.stop_sequence = pseq;
                p.required = pseq == 1;
                p.expected_load = 10;
                rules.processes.insert(format!("{app}:{name}"), p);
            }
        }
        rules
    }

    pub fn cluster(seed: u64) -> Cluster {
        let config = |local: &str| {
            let mut config = EngineConfig::new(local, &NAMES).expect("valid sim config");
            config.conciliation_strategy = ConciliationStrategies::Infanticide;
            config
        };
        Cluster::with_programs(seed, &NAMES, config, &PROGRAMS, rules())
    }

    /// Where each process really runs.
    pub fn truth(c: &Cluster, namespec: &str) -> Vec<String> {
        c.nodes
            .iter()
            .filter(|n| n.up && n.sup.running().iter().any(|r| r == namespec))
            .map(|n| n.name.clone())
            .collect()
    }

    /// Where an engine believes a process runs.
    pub fn running_on(e: &supvisors_core::engine::Engine, group: &str, name: &str) -> Vec<String> {
        e.context()
            .application(group)
            .and_then(|a| a.process(name))
            .map(|p| p.running_identifiers().to_vec())
            .unwrap_or_default()
    }

    /// (b) no conflict, (c) sequenced processes run exactly once, (d) no job left,
    /// (e) every view matches where processes really run.
    ///
    /// SINGLE_INSTANCE is not checked after faults: a DEPLOYMENT repair starts only the stopped
    /// processes of an application, on the instance chosen then (reference behaviour).
    fn deployed(c: &Cluster) -> Result<(), String> {
        for node in &c.nodes {
            let e = &node.engine;
            let modes = e.state_modes();
            if modes.starting_jobs || modes.stopping_jobs {
                return Err(format!("{} still has jobs: {modes:?}", node.name));
            }
            if !e.context().conflicts().is_empty() {
                return Err(format!("{} sees conflicts", node.name));
            }
            for (group, name) in PROGRAMS {
                let namespec = format!("{group}:{name}");
                let mut real = truth(c, &namespec);
                real.sort();
                let mut seen = running_on(e, group, name);
                seen.sort();
                if seen != real {
                    return Err(format!(
                        "{} sees {namespec} on {seen:?}, it runs on {real:?}",
                        node.name
                    ));
                }
                if group != "tools" && real.len() != 1 {
                    let p = e.context().application(group).and_then(|a| a.process(name));
                    let detail = p.map(|p| {
                        let infos: Vec<_> =
                            p.infos().map(|(i, x)| (i.clone(), x.info.state)).collect();
                        format!(
                            "{} {:?} app {:?}",
                            p.state(),
                            infos,
                            e.context().application(group).map(|a| (
                                a.state,
                                a.major_failure,
                                a.minor_failure
                            ))
                        )
                    });
                    return Err(format!(
                        "{namespec} runs on {real:?}; {} sees {detail:?}",
                        node.name
                    ));
                }
            }
        }
        Ok(())
    }

    #[test]
    fn deployment_starts_every_sequenced_process_once() {
        run_seeds("deploy", |seed| {
            let mut c = cluster(seed);
            c.run_until(30 * TICK, step_invariants)?;
            whole_cluster(&c)?;
            deployed(&c)
        });
    }

    #[test]
    fn restart_stops_applications_then_everything_comes_back() {
        run_seeds("restart+processes", |seed| {
            let mut c = cluster(seed);
            c.run_until(30 * TICK, step_invariants)?;
            deployed(&c)?;
            let to = 1 + c.rng.below(3) as usize;
            c.command(to, Command::Restart, 10);
            // the master stops every application (global stop) before RESTART
            let mut stopped_before_reboot = true;
            let end = c.now + 4 * TICK;
            while c.now < end {
                let at = c.now + 100;
                c.run_until(at, step_invariants)?;
                let rebooting = c.nodes.iter().any(|n| !n.up);
                let running = c.nodes.iter().any(|n| n.up && !n.sup.running().is_empty());
                if rebooting && running && c.nodes.iter().all(|n| n.generation == 1) {
                    stopped_before_reboot = false;
                }
            }
            if !stopped_before_reboot {
                return Err("an instance went down while processes still ran".into());
            }
            if let Some(n) = c.nodes.iter().find(|n| n.generation != 2) {
                return Err(format!("{} booted {} times", n.name, n.generation));
            }
            c.run_until(c.now + 30 * TICK, step_invariants)?;
            whole_cluster(&c)?;
            deployed(&c)
        });
    }

    /// Crashes, partitions and process crashes, then quiet: every start-sequenced process runs
    /// exactly once, every view agreeing (invariants (b) and (d) of issue #4).
    ///
    /// The reference fails this on ~15% of seeds (306 of 2,000): a start-sequenced process ends
    /// stopped everywhere without failure flag, which its repair DEPLOYMENT (§7.9) does not
    /// re-plan. The flag, a memory of the loss, is easily wiped: a lost master's failures wait
    /// for the next master and the rebooted instance's fresh STOPPED information hides them; a
    /// handshake loads an unexpected EXITED as expected (Q12); a start sent to a dying instance,
    /// a crashed process awaiting autorestart when its instance died, a loss while the cluster
    /// re-synchronized (no master to hand the failure to).
    ///
    /// Quirk Q19 remembers what should run instead (`supvisors_core::intent`): the repair
    /// DEPLOYMENT re-plans start-sequenced processes that run nowhere unless stopped on purpose
    /// (0 of 2,000 then, 1675 left), and the start phase of a RESTART_APPLICATION whose stop
    /// request was lost with its link starts the stopped processes even though another runs
    /// again (seed 1675: the reference refuses "already started" and the crashed process stays
    /// down). On 20,000 seeds, 10 failed then: 5 starts lost with a cut link (timeout, forced
    /// FATAL, no repair ever requested: a timed-out start of what should run now sets the
    /// redeploy mark, Q19), 1 instance rebooted before its second TICK, never re-checked (Q20),
    /// and 3 masters stuck in CONCILIATION on a conflict whose stop had timed out (forced
    /// STOPPED, so every later stop was skipped, Q21); 0 of 20,000 fail with the three.
    #[test]
    fn faults_with_processes_then_quiet_repairs_everything() {
        run_seeds("repair", |seed| {
            let mut c = cluster(seed);
            c.run_until(20 * TICK, step_invariants)?;
            let end = c.now + 100 * TICK;
            while c.now < end {
                let at = c.now + 1_000;
                let n = c.nodes.len() as u64;
                if c.rng.chance(10) {
                    let i = c.rng.below(n) as usize;
                    let down = 1_000 + c.rng.below(40_000);
                    c.crash(i, down);
                }
                if c.rng.chance(10) {
                    let (a, b) = (c.rng.below(n) as usize, c.rng.below(n) as usize);
                    c.partition(a, b);
                }
                if c.rng.chance(15) {
                    c.heal();
                }
                if c.rng.chance(30) {
                    let i = c.rng.below(n) as usize;
                    c.crash_process(i);
                }
                c.run_until(at, step_invariants)?;
            }
            settle(&mut c, true)?;
            deployed(&c)
        });
    }
}

mod with_commands_support {
    pub use super::with_commands::{consistent, random_command};
}

mod with_commands {
    use super::with_processes_support::*;
    use super::*;
    use supvisors_core::enums::StartingStrategies;

    /// Views match reality and nothing is left to do once the cluster is quiet.
    pub fn consistent(c: &Cluster) -> Result<(), String> {
        for node in &c.nodes {
            let e = &node.engine;
            let modes = e.state_modes();
            if modes.starting_jobs || modes.stopping_jobs {
                return Err(format!(
                    "{} still has jobs: {modes:?} {:?} {:?}",
                    node.name,
                    e.starter(),
                    e.stopper()
                ));
            }
            for (group, name) in PROGRAMS {
                let namespec = format!("{group}:{name}");
                let mut real = truth(c, &namespec);
                real.sort();
                let mut seen = running_on(e, group, name);
                seen.sort();
                if seen != real {
                    return Err(format!(
                        "{} sees {namespec} on {seen:?}, it runs on {real:?}",
                        node.name
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn random_command(c: &mut Cluster) {
        let n = c.nodes.len() as u64;
        let to = c.rng.below(n) as usize;
        let (group, name) = PROGRAMS[c.rng.below(PROGRAMS.len() as u64) as usize];
        let namespec = format!("{group}:{name}");
        let strategy = StartingStrategies::ALL[c.rng.below(6) as usize];
        let wait = c.rng.chance(500);
        let cmd = match c.rng.below(6) {
            0 => Command::StartApplication {
                strategy,
                application: group.into(),
                wait,
            },
            1 => Command::StopApplication {
                application: group.into(),
                wait,
            },
            2 => Command::RestartApplication {
                strategy,
                application: group.into(),
                wait,
            },
            3 => Command::StartProcess {
                strategy,
                namespec,
                extra_args: String::new(),
                wait,
            },
            4 => Command::StopProcess { namespec, wait },
            _ => Command::RestartProcess {
                strategy,
                namespec,
                extra_args: "-x".into(),
                wait,
            },
        };
        c.command(to, cmd, 1);
    }

    #[test]
    fn random_requests_without_faults_leave_consistent_views() {
        run_seeds("requests", |seed| {
            let mut c = cluster(seed);
            c.run_until(20 * TICK, step_invariants)?;
            for _ in 0..60 {
                if c.rng.chance(300) {
                    random_command(&mut c);
                }
                let at = c.now + 1_000;
                c.run_until(at, step_invariants)?;
            }
            settle(&mut c, true)?;
            consistent(&c)
        });
    }
}

mod with_commands_and_faults {
    use super::with_commands_support::*;
    use super::with_processes_support::*;
    use super::*;

    /// Found here and fixed as deviations: a Stopper stuck on a command to an instance that
    /// could never answer (Q16, seed 64), and a view left stale by an event dropped while its
    /// sender was CHECKING (Q17, seed 353 of `SIM_SEEDS=600`).
    #[test]
    fn random_requests_under_faults_leave_consistent_views() {
        run_seeds("requests+faults", requests_under_faults);
    }

    /// Seeds 9986 and 12084 of a 20,000-seed run (harness defect, fixed in `Cluster::heal`):
    /// n1 and n4 were cut for exactly 10 s, so the link was reset and n4's process events were
    /// lost, but a TICK n4 published just before the heal was still delivered. n1 thus never
    /// found n4 silent (§4.8), never re-checked it and kept seeing a process n4 had stopped.
    /// Both seeds replay the same schedule up to that heal, now with the TICK lost too.
    #[test]
    fn tick_in_flight_at_heal_of_a_reset_link_is_lost_too() {
        for seed in [9986, 12084] {
            if let Err(message) = requests_under_faults(seed) {
                panic!("requests+faults: seed {seed} failed: {message}");
            }
        }
    }

    fn requests_under_faults(seed: u64) -> Result<(), String> {
        let mut c = cluster(seed);
        c.run_until(20 * TICK, step_invariants)?;
        let end = c.now + 100 * TICK;
        while c.now < end {
            let n = c.nodes.len() as u64;
            if c.rng.chance(10) {
                let i = c.rng.below(n) as usize;
                let down = 1_000 + c.rng.below(40_000);
                c.crash(i, down);
            }
            if c.rng.chance(10) {
                let (a, b) = (c.rng.below(n) as usize, c.rng.below(n) as usize);
                c.partition(a, b);
            }
            if c.rng.chance(15) {
                c.heal();
            }
            if c.rng.chance(100) {
                random_command(&mut c);
            }
            let at = c.now + 1_000;
            c.run_until(at, step_invariants)?;
        }
        settle(&mut c, true)?;
        consistent(&c)
    }
}

mod garbage {
    use super::harness::Rng;
    use super::*;
    use supvisors_core::boundary::Input;
    use supvisors_core::engine::Engine;
    use supvisors_core::enums::{
        ConciliationStrategies, ProcessStates, StartingStrategies, SupvisorsStates,
    };
    use supvisors_core::messages::{
        HandshakeResult, Intent, InternalMessage, LocalProcessInfo, ProcessEvent, ProcessIntent,
        StateModes, TickPayload,
    };
    use supvisors_core::rules_provider::NoRulesEngine;

    const IDS: [&str; 6] = ["n1", "n2", "n3", "n4", "zz", ""];
    const GROUPS: [&str; 3] = ["app", "other", ""];

    fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
        from[rng.below(from.len() as u64) as usize]
    }

    fn state(rng: &mut Rng) -> ProcessStates {
        ProcessStates::ALL[rng.below(ProcessStates::ALL.len() as u64) as usize]
    }

    fn info(rng: &mut Rng) -> LocalProcessInfo {
        LocalProcessInfo {
            group: pick(rng, &GROUPS).into(),
            name: pick(rng, &["p", "q", "*"]).into(),
            state: state(rng),
            start: rng.below(100) as f64,
            stop: rng.below(100) as f64,
            now: rng.below(1000) as f64,
            pid: 0,
            spawnerr: String::new(),
            expected: rng.chance(500),
            startsecs: rng.below(30) as u32,
            stopwaitsecs: rng.below(30) as u32,
            extra_args: String::new(),
            disabled: rng.chance(100),
            description: String::new(),
        }
    }

    fn intents(rng: &mut Rng, now: f64) -> Vec<ProcessIntent> {
        (0..rng.below(3))
            .map(|_| ProcessIntent {
                group: pick(rng, &GROUPS).into(),
                name: pick(rng, &["p", "q", "*"]).into(),
                intent: [Intent::Run, Intent::Stopped][rng.below(2) as usize],
                when: [now, now - 1.0, f64::NAN][rng.below(3) as usize],
                origin: pick(rng, &IDS).into(),
            })
            .collect()
    }

    fn input(rng: &mut Rng, now: f64) -> Input {
        let from = pick(rng, &IDS).to_owned();
        let modes = StateModes {
            fsm_state: SupvisorsStates::ALL[rng.below(9) as usize],
            starting_jobs: rng.chance(500),
            stopping_jobs: rng.chance(500),
        };
        let msg = match rng.below(8) {
            0 => InternalMessage::Tick(TickPayload {
                when: now,
                sequence_counter: rng.below(50),
                status: None,
            }),
            1 => {
                let i = info(rng);
                InternalMessage::Process(ProcessEvent {
                    group: i.group,
                    name: i.name,
                    state: i.state,
                    now: i.now,
                    pid: 1,
                    expected: i.expected,
                    spawnerr: String::new(),
                    extra_args: String::new(),
                    disabled: i.disabled,
                })
            }
            2 => InternalMessage::ProcessAdded((0..rng.below(4)).map(|_| info(rng)).collect()),
            3 => InternalMessage::ProcessRemoved {
                group: pick(rng, &GROUPS).into(),
                name: pick(rng, &["p", "*"]).into(),
            },
            4 => InternalMessage::ProcessDisability(info(rng)),
            5 => InternalMessage::State(modes),
            6 => InternalMessage::Intents(intents(rng, now)),
            _ => {
                let result = HandshakeResult {
                    authorized: [None, Some(true), Some(false)][rng.below(3) as usize],
                    master: pick(rng, &IDS).into(),
                    state_modes: modes,
                    processes: (0..rng.below(3)).map(|_| info(rng)).collect(),
                    intents: intents(rng, now),
                };
                return Input::Handshake { from, result };
            }
        };
        if rng.chance(100) {
            let strategy = StartingStrategies::ALL[rng.below(6) as usize];
            let cmd = match rng.below(4) {
                0 => Command::Conciliate(ConciliationStrategies::ALL[rng.below(6) as usize]),
                1 => Command::StartProcess {
                    strategy,
                    namespec: format!("{}:p", pick(rng, &GROUPS)),
                    extra_args: String::new(),
                    wait: true,
                },
                2 => Command::RestartApplication {
                    strategy,
                    application: "app".into(),
                    wait: true,
                },
                _ => Command::StopProcess {
                    namespec: "app:*".into(),
                    wait: true,
                },
            };
            return Input::Command {
                id: rng.next_u64(),
                cmd,
            };
        }
        Input::Peer { from, msg }
    }

    /// (e) whatever arrives, the engine neither panics nor answers with unbounded output.
    #[test]
    fn random_inputs_never_panic() {
        run_seeds("garbage", |seed| {
            let mut rng = Rng::new(seed);
            let config = EngineConfig::new("n1", &NAMES).map_err(|e| e.to_string())?;
            let mut e = Engine::new(config, NoRulesEngine);
            e.start(0.0);
            let mut now = 0.0;
            for _ in 0..3_000 {
                now += rng.below(2_000) as f64 / 1000.0;
                let outputs = if rng.chance(50) {
                    e.handle(Input::LocalTick { when: now }, now)
                } else {
                    e.handle(input(&mut rng, now), now)
                };
                if outputs.len() > 500 {
                    return Err(format!("{} outputs for one input", outputs.len()));
                }
            }
            Ok(())
        });
    }
}

mod scale {
    use super::*;
    use supvisors_core::enums::StartingStrategies;
    use supvisors_core::rules::{ApplicationRules, ProcessRules};
    use supvisors_core::rules_provider::FixedRules;

    /// 12 instances, 10 applications of 6 processes each: a deployment completes, the views
    /// agree and every sequenced process runs once (and the simulation stays fast).
    #[test]
    fn twelve_instances_sixty_processes_deploy() {
        let names: Vec<String> = (1..=12).map(|i| format!("h{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut rules = FixedRules::default();
        let mut programs: Vec<(String, String)> = Vec::new();
        for a in 0..10 {
            let app = format!("app{a}");
            let mut r = ApplicationRules::unmanaged(StartingStrategies::LessLoaded);
            r.managed = true;
            r.start_sequence = 1 + a % 3;
            rules.applications.insert(app.clone(), r.clone());
            for p in 0..6 {
                let mut pr = ProcessRules::inherited(&r);
                pr.start_sequence = 1 + p % 2;
                pr.expected_load = 5;
                rules.processes.insert(format!("{app}:p{p}"), pr);
                programs.push((app.clone(), format!("p{p}")));
            }
        }
        let program_refs: Vec<(&str, &str)> = programs
            .iter()
            .map(|(a, p)| (a.as_str(), p.as_str()))
            .collect();
        let ids = names.clone();
        let config = move |local: &str| {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            EngineConfig::new(local, &ids).expect("valid sim config")
        };
        run_seeds("scale", |seed| {
            let mut c =
                Cluster::with_programs(seed, &refs, config.clone(), &program_refs, rules.clone());
            c.run_until(40 * TICK, step_invariants)?;
            whole_cluster_of(&c)?;
            for (app, p) in &programs {
                let namespec = format!("{app}:{p}");
                let running: Vec<&str> = c
                    .nodes
                    .iter()
                    .filter(|n| n.sup.running().contains(&namespec))
                    .map(|n| n.name.as_str())
                    .collect();
                if running.len() != 1 {
                    return Err(format!("{namespec} runs on {running:?}"));
                }
            }
            Ok(())
        });
    }

    fn whole_cluster_of(c: &Cluster) -> Result<(), String> {
        let master = c.nodes[0].engine.master();
        for n in &c.nodes {
            if n.engine.master() != master || n.engine.state() != SupvisorsStates::Operation {
                return Err(format!(
                    "{} in {} with master {:?}",
                    n.name,
                    n.engine.state(),
                    n.engine.master()
                ));
            }
        }
        Ok(())
    }
}
