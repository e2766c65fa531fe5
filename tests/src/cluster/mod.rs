//! A cluster of Supvisors instances on 127.0.0.1, run by the Python reference (supervisord
//! 4.3.0 + Supvisors 0.15 from the venv) or by our `supvisorsd`, with the same configuration
//! files and the same command line (`-n -c FILE`) on both.
//!
//! Each instance has its own temp dir (fixture copy, `supervisord.conf`, `log/`,
//! `daemon.out`), its own allocated HTTP, internal and event ports, and its daemon in a
//! process group of its own, stopped on drop. Helpers poll with short sleeps and panic
//! with every instance's logs when a bounded wait runs out; no duration is asserted.

mod daemon;
mod events;
pub mod normalize;
mod reference;
pub mod scenarios;
mod spec;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use supvisors_rpc::Value;

pub use daemon::Daemon;
pub use events::EventLog;
pub use reference::start_reference;
pub use spec::{ClusterSpec, InstanceSpec, Ports, Subject, render, supvisors_list};

use crate::xmlrpc::{self, CallError};

/// One cluster at a time in a test binary: the machine is shared, and timeouts of busy
/// daemons would make tests fail for no reason of theirs.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Takes the cluster turn of this test binary (held until the guard drops).
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
}

/// A running instance.
pub struct Instance {
    /// Its identifier.
    pub identifier: String,
    /// Its ports.
    pub ports: Ports,
    /// Its directory.
    pub dir: tempfile::TempDir,
    /// Its configuration file.
    pub conf: PathBuf,
    env: Vec<(String, String)>,
    /// Network namespace of its daemon, `None` for the test's own.
    netns: Option<String>,
    /// Address of its `inet_http_server`.
    address: String,
    daemon: Option<Daemon>,
}

impl Instance {
    /// Its directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The instances of one cluster, all running one subject.
pub struct Cluster {
    /// The daemon running every instance.
    pub subject: Subject,
    /// The instances, in `supvisors_list` order.
    pub instances: Vec<Instance>,
}

impl Cluster {
    /// Allocates the ports, writes each instance's directory and configuration, and starts
    /// every daemon (without waiting for anything).
    pub fn start(subject: Subject, spec: ClusterSpec) -> Cluster {
        Cluster::start_except(subject, spec, &[])
    }

    /// Like [`Cluster::start`], leaving the instances named in `later` stopped (start them
    /// with [`Cluster::restart`]): a late instance joining an operating cluster.
    pub fn start_except(subject: Subject, spec: ClusterSpec, later: &[&str]) -> Cluster {
        let ports = allocate_ports(spec.instances.len());
        let mut instances = Vec::new();
        for (index, instance) in spec.instances.iter().enumerate() {
            let dir = tempfile::Builder::new()
                .prefix(&format!("cluster-{}-", instance.identifier))
                .tempdir()
                .expect("temp dir");
            if let Some(fixture) = &spec.fixture {
                copy_tree(fixture, dir.path());
            }
            for (path, text) in &spec.files {
                let path = dir.path().join(path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("create a fixture directory");
                }
                std::fs::write(&path, text).expect("write a fixture file");
            }
            std::fs::create_dir_all(dir.path().join("log")).expect("create log dir");
            let conf = dir.path().join("supervisord.conf");
            let text =
                render(&spec, index, &ports).replace("@DIR@", &dir.path().display().to_string());
            std::fs::write(&conf, text).expect("write supervisord.conf");
            instances.push(Instance {
                identifier: instance.identifier.clone(),
                ports: ports[index],
                dir,
                conf,
                env: instance.env.clone(),
                netns: instance.netns.clone(),
                address: instance.http_address().to_owned(),
                daemon: None,
            });
        }
        let mut cluster = Cluster { subject, instances };
        for index in 0..cluster.instances.len() {
            if !later.contains(&cluster.instances[index].identifier.as_str()) {
                cluster.launch(index);
            }
        }
        cluster
    }

    fn launch(&mut self, index: usize) {
        let exe = self.subject.executable();
        let instance = &mut self.instances[index];
        instance.daemon = Some(Daemon::spawn(
            &exe,
            &instance.conf,
            instance.dir.path(),
            &instance.env,
            instance.netns.as_deref(),
        ));
    }

    fn index(&self, identifier: &str) -> usize {
        self.instances
            .iter()
            .position(|i| i.identifier == identifier)
            .unwrap_or_else(|| panic!("no instance {identifier} in this cluster"))
    }

    /// The instance named `identifier`.
    pub fn instance(&self, identifier: &str) -> &Instance {
        &self.instances[self.index(identifier)]
    }

    /// The pid of instance `identifier`'s daemon, `None` once stopped or killed.
    pub fn pid(&self, identifier: &str) -> Option<i32> {
        self.instance(identifier).daemon.as_ref().map(Daemon::pid)
    }

    /// The identifiers, in `supvisors_list` order.
    pub fn identifiers(&self) -> Vec<String> {
        self.instances
            .iter()
            .map(|i| i.identifier.clone())
            .collect()
    }

    /// Calls `method(params)` on instance `identifier`.
    pub fn call(
        &self,
        identifier: &str,
        method: &str,
        params: &[Value],
    ) -> Result<Json, CallError> {
        let instance = self.instance(identifier);
        let port = instance.ports.http;
        match &instance.netns {
            // From inside its namespace: its address is unreachable from the test's own.
            Some(name) => crate::netns::within_namespace(name, || {
                xmlrpc::call_at(&instance.address, port, method, params)
            }),
            None => xmlrpc::call(port, method, params),
        }
    }

    /// Like [`Cluster::call`], panicking with the logs of every instance on a failure.
    pub fn must(&self, identifier: &str, method: &str, params: &[Value]) -> Json {
        self.call(identifier, method, params).unwrap_or_else(|err| {
            panic!(
                "{method} on {identifier} ({}) failed: {err}\n{}",
                self.subject.label(),
                self.all_logs()
            )
        })
    }

    /// How many times the main log of instance `identifier` says its FSM entered `state`
    /// (ours: `Supvisors in state X`; the reference: `Supvisors in X`). The main log only:
    /// the daemon's stdout repeats it.
    pub fn fsm_entries(&self, identifier: &str, state: &str) -> usize {
        let log = self.instance(identifier).path().join("log/supervisord.log");
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let ours = format!("Supvisors in state {state}");
        let python = format!("Supvisors in {state}");
        text.lines()
            .filter(|l| l.ends_with(&ours) || l.ends_with(&python))
            .count()
    }

    /// The Supvisors FSM state of instance `identifier`, `None` when it does not answer.
    pub fn state(&self, identifier: &str) -> Option<String> {
        let modes = self
            .call(identifier, "supvisors.get_supvisors_state", &[])
            .ok()?;
        modes["fsm_statename"].as_str().map(str::to_owned)
    }

    /// The master seen by instance `identifier` (empty before the election).
    pub fn master(&self, identifier: &str) -> Option<String> {
        let master = self.call(identifier, "supvisors.get_master_identifier", &[]);
        master.ok()?.as_str().map(str::to_owned)
    }

    /// Polls until `check` holds; panics with `what` and every instance's logs after
    /// `timeout` (a bound on waiting, never a measured requirement).
    pub fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&Cluster) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            if check(self) {
                return;
            }
            let ended = self.ended();
            if !ended.is_empty() {
                panic!(
                    "{} cluster: {ended:?} ended while waiting for {what}\n{}",
                    self.subject.label(),
                    self.all_logs()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "{} cluster: still waiting for {what} after {timeout:?}\n{}",
                    self.subject.label(),
                    self.all_logs()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Waits until instance `identifier` is in FSM state `state`.
    pub fn wait_state(&self, identifier: &str, state: &str, timeout: Duration) {
        self.wait_until(timeout, &format!("{identifier} in {state}"), |c| {
            c.state(identifier).as_deref() == Some(state)
        });
    }

    /// Waits until every running instance is in FSM state `state`.
    pub fn wait_all_state(&self, state: &str, timeout: Duration) {
        self.wait_until(timeout, &format!("every instance in {state}"), |c| {
            c.running()
                .iter()
                .all(|id| c.state(id).as_deref() == Some(state))
        });
    }

    /// The identifiers of the instances whose daemon ended without being stopped or killed by
    /// the harness (a configuration error, a crash).
    pub fn ended(&self) -> Vec<String> {
        self.instances
            .iter()
            .filter(|i| i.daemon.as_ref().is_some_and(|d| daemon::ended(d.pid())))
            .map(|i| i.identifier.clone())
            .collect()
    }

    /// The pid of instance `identifier`'s daemon, `None` once the harness stopped or killed it.
    pub fn daemon_pid(&self, identifier: &str) -> Option<i32> {
        self.instance(identifier).daemon.as_ref().map(Daemon::pid)
    }

    /// Waits until every daemon started by the harness has ended by itself (a Supvisors
    /// shutdown); panics with every instance's logs after `timeout`.
    pub fn wait_all_ended(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.ended().len() < self.running().len() {
            if Instant::now() > deadline {
                panic!(
                    "{} cluster: only {:?} ended after {timeout:?}\n{}",
                    self.subject.label(),
                    self.ended(),
                    self.all_logs()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The identifiers of the instances whose daemon is running.
    pub fn running(&self) -> Vec<String> {
        self.instances
            .iter()
            .filter(|i| i.daemon.is_some())
            .map(|i| i.identifier.clone())
            .collect()
    }

    /// Waits until every running instance is in OPERATION with no starting or stopping job
    /// and no process in a transitional state (STARTING, STOPPING, BACKOFF), as seen by all.
    pub fn wait_settled(&self, timeout: Duration) {
        self.wait_until(
            timeout,
            "a settled cluster (OPERATION, no job, no transition)",
            |c| c.running().iter().all(|id| c.settled(id)),
        );
    }

    fn settled(&self, identifier: &str) -> bool {
        let Ok(modes) = self.call(identifier, "supvisors.get_supvisors_state", &[]) else {
            return false;
        };
        let idle = |key: &str| modes[key].as_array().is_some_and(Vec::is_empty);
        if modes["fsm_statename"] != "OPERATION" || !idle("starting_jobs") || !idle("stopping_jobs")
        {
            return false;
        }
        let transitional = ["STARTING", "STOPPING", "BACKOFF"];
        let calm = |list: &Json, key: &str| {
            list.as_array().is_some_and(|items| {
                items
                    .iter()
                    .all(|p| !transitional.contains(&p[key].as_str().unwrap_or_default()))
            })
        };
        let synthetic = self.call(identifier, "supvisors.get_all_process_info", &[]);
        let local = self.call(identifier, "supvisors.get_all_local_process_info", &[]);
        matches!((synthetic, local), (Ok(s), Ok(l)) if calm(&s, "statename") && calm(&l, "statename"))
    }

    /// SIGKILL of instance `identifier`'s daemon (a crash; its children end by themselves).
    pub fn kill9(&mut self, identifier: &str) {
        let index = self.index(identifier);
        if let Some(mut daemon) = self.instances[index].daemon.take() {
            daemon.kill9();
        }
    }

    /// SIGTERM of instance `identifier`'s daemon and a bounded wait for its end.
    pub fn stop(&mut self, identifier: &str) {
        let index = self.index(identifier);
        if let Some(mut daemon) = self.instances[index].daemon.take() {
            assert!(
                daemon.stop(),
                "{identifier} did not end after SIGTERM\n{}",
                self.logs(identifier)
            );
        }
    }

    /// Stops instance `identifier` if it runs, then starts it again with the same
    /// configuration and ports.
    pub fn restart(&mut self, identifier: &str) {
        self.stop(identifier);
        let index = self.index(identifier);
        self.launch(index);
    }

    /// The daemon output and main log of instance `identifier`, for failure messages.
    pub fn logs(&self, identifier: &str) -> String {
        let dir = self.instance(identifier).path();
        let read = |path: PathBuf| std::fs::read_to_string(path).unwrap_or_default();
        format!(
            "===== {identifier} ({}) daemon.out\n{}\n===== {identifier} log/supervisord.log\n{}",
            dir.display(),
            read(daemon::daemon_out(dir)),
            read(dir.join("log/supervisord.log")),
        )
    }

    /// [`Cluster::logs`] of every instance, with their configuration files.
    pub fn all_logs(&self) -> String {
        self.instances
            .iter()
            .map(|i| {
                let conf = std::fs::read_to_string(&i.conf).unwrap_or_default();
                format!(
                    "===== {} supervisord.conf\n{conf}\n{}",
                    i.identifier,
                    self.logs(&i.identifier)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // All at once: a Supvisors instance may wait for its peers while stopping.
        let mut daemons: Vec<Daemon> = self
            .instances
            .iter_mut()
            .filter_map(|i| i.daemon.take())
            .collect();
        for daemon in &mut daemons {
            daemon.terminate();
        }
        for daemon in &mut daemons {
            daemon.wait_or_kill();
        }
        if std::env::var_os("CLUSTER_KEEP").is_some() {
            for instance in &mut self.instances {
                let dir =
                    std::mem::replace(&mut instance.dir, tempfile::tempdir().expect("temp dir"));
                eprintln!("kept {}", dir.keep().display());
            }
        }
    }
}

/// Distinct free loopback ports for `count` instances (bound then released: the daemons bind
/// them right after).
fn allocate_ports(count: usize) -> Vec<Ports> {
    let mut seen = BTreeSet::new();
    let mut next = || loop {
        let port = crate::supervisord::free_port();
        if seen.insert(port) {
            return port;
        }
    };
    (0..count)
        .map(|_| Ports {
            http: next(),
            internal: next(),
            event: next(),
        })
        .collect()
}

/// `cp -a src/. dst`: scripts keep their mode.
fn copy_tree(src: &Path, dst: &Path) {
    let mut cmd = Command::new("cp");
    cmd.arg("-a").arg(src.join(".")).arg(dst);
    let out = crate::run(&mut cmd);
    assert!(out.status.success(), "{}", crate::describe(&cmd, &out));
}
