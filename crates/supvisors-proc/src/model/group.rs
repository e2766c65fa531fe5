//! Active process groups and the most recently parsed group configurations.

use std::sync::Arc;

use supvisors_rules::supervisor::{GroupConfig, GroupKind, ProcessConfig};
use supvisors_rules::values::LogFile;

use super::clock::Clock;
use super::host::{Channel, Host};
use super::listener::Pool;
use super::output::Sink;
use super::process::Process;
use super::state::ProcessState;

/// Resolved (stdout, stderr) log paths of each process of a group, in process order.
pub(crate) type ResolvedLogs = Vec<(Option<String>, Option<String>)>;

/// A group configuration from the latest parse, with its AUTO log names once activated
/// (the reference resolves them in place in the parsed configuration object).
#[derive(Debug, Clone)]
pub(crate) struct ParsedGroup {
    /// The configuration.
    pub config: GroupConfig,
    /// Log paths, set when the group is activated from this parse.
    pub resolved: Option<ResolvedLogs>,
}

/// An active group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Its configuration (AUTO log files unresolved).
    pub config: GroupConfig,
    /// Its processes in table order.
    pub processes: Vec<Process>,
    /// The listener pool, for `[eventlistener:x]` groups.
    pub pool: Option<Pool>,
}

fn resolve_one(
    file: &LogFile,
    process: &str,
    channel: Channel,
    host: &mut dyn Host,
) -> Option<String> {
    match file {
        LogFile::Auto => Some(host.auto_log_path(process, channel)),
        LogFile::Path(p) => Some(p.display().to_string()),
        LogFile::None | LogFile::Syslog => None,
    }
}

/// Resolves AUTO log files (creating them through the host).
pub(crate) fn resolve_logs(config: &GroupConfig, host: &mut dyn Host) -> ResolvedLogs {
    resolve_logs_of(&config.processes, host)
}

/// Resolves the AUTO log files of some processes (creating them through the host).
pub(crate) fn resolve_logs_of(
    processes: &[Arc<ProcessConfig>],
    host: &mut dyn Host,
) -> ResolvedLogs {
    processes
        .iter()
        .map(|p| {
            let out = resolve_one(&p.stdout.logfile, &p.name, Channel::Stdout, host);
            let err = if p.redirect_stderr {
                None
            } else {
                resolve_one(&p.stderr.logfile, &p.name, Channel::Stderr, host)
            };
            (out, err)
        })
        .collect()
}

impl Group {
    /// Builds the group's processes with the given log paths.
    pub fn new(config: GroupConfig, logs: &ResolvedLogs, next_id: &mut u64) -> Self {
        let processes = config
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                *next_id += 1;
                let mut process = Process::new(
                    *next_id,
                    Arc::clone(p),
                    logs.get(i).cloned().unwrap_or_default(),
                );
                // Every process of an fcgi group gets the group's socket as its fd 0.
                if let GroupKind::Fcgi { socket } = &config.kind {
                    process.fcgi_socket = Some(socket.clone());
                }
                process
            })
            .collect();
        let pool = match &config.kind {
            GroupKind::EventListenerPool {
                events,
                buffer_size,
                ..
            } => Some(Pool::new(events.clone(), *buffer_size)),
            _ => None,
        };
        Self {
            config,
            processes,
            pool,
        }
    }

    /// Processes not in a stopped-class state.
    pub fn unstopped(&self) -> impl Iterator<Item = &Process> {
        self.processes.iter().filter(|p| !p.state.is_stopped())
    }

    /// Indices of the processes sorted by priority (stable over table order).
    pub fn by_priority(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.processes.len()).collect();
        idx.sort_by_key(|&i| self.processes.get(i).map_or(0, |p| p.config.priority));
        idx
    }

    /// `stop_all` of the shutdown sequence: descending priority; RUNNING/STARTING get a
    /// stop request, BACKOFF goes FATAL silently.
    pub fn stop_all(&mut self, now: Clock, host: &mut dyn Host, sink: &mut Sink) {
        let mut order = self.by_priority();
        order.reverse();
        for i in order {
            let Some(p) = self.processes.get_mut(i) else {
                continue;
            };
            match p.state {
                ProcessState::Running | ProcessState::Starting => {
                    p.stop(now, host, sink);
                }
                ProcessState::Backoff => p.give_up(now, sink),
                _ => {}
            }
        }
    }
}

/// Two group configurations are "changed" unless equal, ignoring where they were defined and
/// any log file that is AUTO on either side (as the reference's `__eq__` ignores `Automatic`).
pub(crate) fn same_config(a: &GroupConfig, b: &GroupConfig) -> bool {
    if a.name != b.name
        || a.priority != b.priority
        || a.kind != b.kind
        || a.processes.len() != b.processes.len()
    {
        return false;
    }
    a.processes.iter().zip(&b.processes).all(|(x, y)| {
        let mut x = ProcessConfig::clone(x);
        let mut y = ProcessConfig::clone(y);
        for (cx, cy) in [
            (&mut x.stdout, &mut y.stdout),
            (&mut x.stderr, &mut y.stderr),
        ] {
            if cx.logfile == LogFile::Auto || cy.logfile == LogFile::Auto {
                cx.logfile = LogFile::Auto;
                cy.logfile = LogFile::Auto;
            }
        }
        x.path = y.path.clone();
        x.line = y.line;
        x.section = y.section.clone();
        x == y
    })
}
