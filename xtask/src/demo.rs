//! `cargo xtask demo`: the main job, a three-instance Supvisors cluster of `supvisorsd` on this
//! machine (`examples/demo/demo{1,2,3}.conf`, 127.0.0.1 only), shown with `supvisorsctl` once it
//! reaches OPERATION. The daemons stay in the foreground process group: Ctrl-C reaches them
//! and each one shuts down cleanly; `--seconds N` stops them (by recorded pid) after N seconds.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const INSTANCES: [&str; 3] = ["demo1", "demo2", "demo3"];

fn ctl(bin_dir: &Path, root: &Path, config: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(bin_dir.join("supvisorsctl"))
        .arg("-c")
        .arg(root.join("examples/demo").join(config))
        .args(args)
        .output()
        .context("cannot run supvisorsctl")?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Stops the daemons this task started, by pid, when it returns early.
struct Daemons(Vec<Child>);

impl Drop for Daemons {
    fn drop(&mut self) {
        for child in &mut self.0 {
            if let Ok(pid) = i32::try_from(child.id()) {
                // A child we spawned and have not reaped yet: its pid cannot have been reused.
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        }
        for child in &mut self.0 {
            let _ = child.wait();
        }
    }
}

/// Runs the demo cluster until Ctrl-C, or for `seconds` when given.
pub fn run(root: &Path, seconds: Option<u64>) -> Result<()> {
    let bin_dir = crate::dist::build(root, &["supvisorsd", "supvisorsctl"])?;
    let daemon = bin_dir.join("supvisorsd");
    let mut daemons = Daemons(Vec::new());
    for id in INSTANCES {
        let config = root.join(format!("examples/demo/{id}.conf"));
        let child = Command::new(&daemon)
            .arg("-c")
            .arg(&config)
            .spawn()
            .with_context(|| format!("cannot start {}", daemon.display()))?;
        eprintln!("xtask: {id} started with pid {}", child.id());
        daemons.0.push(child);
    }
    let started = Instant::now();
    loop {
        let states: Vec<String> = INSTANCES
            .iter()
            .map(|id| ctl(&bin_dir, root, &format!("{id}.conf"), &["sstate"]).unwrap_or_default())
            .collect();
        if states.iter().all(|s| s.contains("OPERATION")) {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the demo cluster did not reach OPERATION in 60 s: {states:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!(
        "xtask: the cluster reached OPERATION in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for args in [&["sstate"][..], &["instance_status"], &["sstatus"]] {
        print!("{}", ctl(&bin_dir, root, "demo1.conf", args)?);
    }
    eprintln!(
        "xtask: try `{} -c examples/demo/demo1.conf` (or .venv/bin/supervisorctl); Ctrl-C stops the cluster",
        bin_dir.join("supvisorsctl").display()
    );
    match seconds {
        Some(seconds) => std::thread::sleep(Duration::from_secs(seconds)),
        None => {
            for child in &mut daemons.0 {
                let _ = child.wait();
            }
        }
    }
    Ok(())
}
