//! `getProcessInfo` / `getAllProcessInfo` (spec §3.5.4) and the `description` texts (§2.10).

use super::clock::{Clock, capped_int};
use super::describe::{stop_time_text, timedelta_text};
use super::faults::Fault;
use super::host::Host;
use super::process::Process;
use super::state::ProcessState;
use super::supervisor::Supervisor;

/// The 14 fields of a process info struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Process name.
    pub name: String,
    /// Group name.
    pub group: String,
    /// Last spawn attempt (epoch, 32-bit clamped; 0 = never).
    pub start: i64,
    /// Last reap (0 = never).
    pub stop: i64,
    /// Current time.
    pub now: i64,
    /// State.
    pub state: ProcessState,
    /// Spawn/exit error or `''`.
    pub spawnerr: String,
    /// Last exit status, 0 if none.
    pub exitstatus: i32,
    /// stdout log path or `''` (also the legacy `logfile` field).
    pub stdout_logfile: String,
    /// stderr log path or `''`.
    pub stderr_logfile: String,
    /// Pid, 0 when not running.
    pub pid: i32,
    /// Human description (§2.10).
    pub description: String,
}

impl ProcessInfo {
    /// Keys in the order the reference's struct is built (XML-RPC structs keep that order).
    pub const KEY_ORDER: [&'static str; 14] = [
        "name",
        "group",
        "start",
        "stop",
        "now",
        "state",
        "statename",
        "spawnerr",
        "exitstatus",
        "logfile",
        "stdout_logfile",
        "stderr_logfile",
        "pid",
        "description",
    ];

    /// `logfile`: the same as `stdout_logfile`.
    pub fn logfile(&self) -> &str {
        &self.stdout_logfile
    }

    /// `statename`.
    pub fn statename(&self) -> &'static str {
        self.state.name()
    }
}

pub(crate) fn process_info(group: &str, p: &Process, now: Clock, host: &dyn Host) -> ProcessInfo {
    let start = capped_int(p.laststart);
    let stop = capped_int(p.laststop);
    let now = capped_int(now.wall);
    let spawnerr = p.spawnerr.clone().unwrap_or_default();
    let description = match p.state {
        ProcessState::Running => format!("pid {}, uptime {}", p.pid, timedelta_text(now - start)),
        ProcessState::Fatal | ProcessState::Backoff => {
            if spawnerr.is_empty() {
                format!("unknown error (try \"tail {}\")", p.config.name)
            } else {
                spawnerr.clone()
            }
        }
        ProcessState::Stopped | ProcessState::Exited => {
            if start == 0 {
                "Not started".to_string()
            } else {
                stop_time_text(stop, host.utc_offset_secs(stop))
            }
        }
        ProcessState::Starting | ProcessState::Stopping | ProcessState::Unknown => String::new(),
    };
    ProcessInfo {
        name: p.config.name.clone(),
        group: group.to_string(),
        start,
        stop,
        now,
        state: p.state,
        spawnerr,
        exitstatus: p.exitstatus.unwrap_or(0),
        stdout_logfile: p.stdout_log.clone().unwrap_or_default(),
        stderr_logfile: p.stderr_log.clone().unwrap_or_default(),
        pid: p.pid,
        description,
    }
}

impl Supervisor {
    /// `getProcessInfo(namespec)`; the host gives the local-time offset for descriptions.
    pub fn get_process_info(
        &self,
        namespec: &str,
        now: Clock,
        host: &impl Host,
    ) -> Result<ProcessInfo, Fault> {
        self.check_state()?;
        let (gi, pi) = self.resolve_process(namespec)?;
        let g = self.groups.get(gi);
        let p = g.and_then(|g| g.processes.get(pi));
        match (g, p) {
            (Some(g), Some(p)) => Ok(process_info(&g.config.name, p, now, host)),
            _ => Err(Fault::new(super::faults::FaultCode::BadName, namespec)),
        }
    }

    /// Every process's info in group and process priority order, whatever the daemon state
    /// (for observers such as the Supvisors layer; RPC uses the checked getters).
    pub fn process_infos(&self, now: Clock, host: &impl Host) -> Vec<ProcessInfo> {
        self.all_by_priority()
            .into_iter()
            .filter_map(|(gi, pi)| {
                let g = self.groups.get(gi)?;
                let p = g.processes.get(pi)?;
                Some(process_info(&g.config.name, p, now, host))
            })
            .collect()
    }

    /// `getAllProcessInfo()`: sorted by group name, then process name.
    pub fn get_all_process_info(
        &self,
        now: Clock,
        host: &impl Host,
    ) -> Result<Vec<ProcessInfo>, Fault> {
        self.check_state()?;
        Ok(self.in_info_order(|group, p| process_info(group, p, now, host)))
    }

    /// `f` applied to every process (with its group name) in `getAllProcessInfo` order:
    /// group name, then process name.
    pub(crate) fn in_info_order<T>(&self, mut f: impl FnMut(&str, &Process) -> T) -> Vec<T> {
        let mut groups: Vec<_> = self.groups.iter().collect();
        groups.sort_by(|a, b| a.config.name.cmp(&b.config.name));
        let mut out = Vec::new();
        for g in groups {
            let mut procs: Vec<_> = g.processes.iter().collect();
            procs.sort_by(|a, b| a.config.name.cmp(&b.config.name));
            out.extend(procs.into_iter().map(|p| f(&g.config.name, p)));
        }
        out
    }
}
