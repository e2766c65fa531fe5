//! A scriptable [`Host`] for tests: it records every call, hands out pids from 100 upwards,
//! and fails the calls a test asks it to fail. Public so that driver and RPC tests can use it.

use std::collections::HashMap;

use super::host::{
    Channel, CommandError, CommandErrorKind, Host, KillError, ResolvedCommand, SpawnRequest,
    StdinError,
};

/// One recorded host call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `spawn` (successful or not).
    Spawn(Box<SpawnRequest>),
    /// `kill`.
    Kill {
        /// Target pid.
        pid: i32,
        /// Signal number.
        sig: i32,
        /// Whether the process group was targeted.
        group: bool,
    },
    /// `write_stdin`.
    WriteStdin {
        /// Target pid.
        pid: i32,
        /// Bytes.
        data: Vec<u8>,
    },
    /// `auto_log_path`.
    AutoLog {
        /// Process name.
        process: String,
        /// Channel.
        channel: Channel,
    },
    /// `clear_logs`.
    ClearLogs(i32),
}

/// The fake machine.
#[derive(Debug, Default)]
pub struct FakeHost {
    /// Every call, in order.
    pub calls: Vec<Call>,
    /// Pid given to the next successful spawn (100 when left at 0).
    pub next_pid: i32,
    /// Commands (first word) that fail to resolve, with the error to report.
    pub bad_commands: HashMap<String, CommandError>,
    /// Process names whose spawn fails, with the spawnerr text.
    pub spawn_errors: HashMap<String, String>,
    /// Pids whose `kill` fails.
    pub kill_errors: HashMap<i32, KillError>,
    /// Pids whose stdin is closed or failing.
    pub stdin_errors: HashMap<i32, StdinError>,
    /// Exits reported by the next `reap_now`, as (pid, wait status).
    pub pending_exits: Vec<(i32, i32)>,
    /// Offset of local time from UTC.
    pub utc_offset: i32,
    /// Pids whose logs cannot be cleared.
    pub clear_errors: Vec<i32>,
}

impl FakeHost {
    /// A host where every command resolves and every spawn succeeds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `command`'s first word unresolvable (`can't find command '<word>'`).
    pub fn not_found(&mut self, word: &str) {
        self.bad_commands.insert(
            word.to_string(),
            CommandError {
                kind: CommandErrorKind::NotFound,
                text: format!("can't find command '{word}'"),
            },
        );
    }

    /// Spawn requests so far.
    pub fn spawns(&self) -> Vec<&SpawnRequest> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Spawn(r) => Some(r.as_ref()),
                _ => None,
            })
            .collect()
    }

    /// Names of the processes spawned so far, in order (failed spawns included).
    pub fn spawned_names(&self) -> Vec<String> {
        self.spawns().iter().map(|r| r.name.clone()).collect()
    }

    /// `kill` calls so far, as (pid, sig, group).
    pub fn kills(&self) -> Vec<(i32, i32, bool)> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Kill { pid, sig, group } => Some((*pid, *sig, *group)),
                _ => None,
            })
            .collect()
    }

    /// Bytes written to `pid`'s stdin so far.
    pub fn stdin_of(&self, pid: i32) -> Vec<u8> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::WriteStdin { pid: p, data } if *p == pid => Some(data.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Forgets recorded calls.
    pub fn clear_calls(&mut self) {
        self.calls.clear();
    }
}

impl Host for FakeHost {
    fn resolve_command(
        &self,
        command: &str,
        _env_path: Option<&str>,
    ) -> Result<ResolvedCommand, CommandError> {
        let argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        let Some(first) = argv.first() else {
            return Err(CommandError {
                kind: CommandErrorKind::NotExecutable,
                text: "command is empty".into(),
            });
        };
        if let Some(e) = self.bad_commands.get(first) {
            return Err(e.clone());
        }
        Ok(ResolvedCommand {
            file: first.clone(),
            argv,
        })
    }

    fn spawn(&mut self, req: &SpawnRequest) -> Result<i32, String> {
        self.calls.push(Call::Spawn(Box::new(req.clone())));
        if let Some(e) = self.spawn_errors.get(&req.name) {
            return Err(e.clone());
        }
        if self.next_pid == 0 {
            self.next_pid = 100;
        }
        let pid = self.next_pid;
        self.next_pid += 1;
        Ok(pid)
    }

    fn kill(&mut self, pid: i32, sig: i32, group: bool) -> Result<(), KillError> {
        self.calls.push(Call::Kill { pid, sig, group });
        match self.kill_errors.get(&pid) {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn write_stdin(&mut self, pid: i32, data: &[u8]) -> Result<(), StdinError> {
        if let Some(e) = self.stdin_errors.get(&pid) {
            return Err(e.clone());
        }
        self.calls.push(Call::WriteStdin {
            pid,
            data: data.to_vec(),
        });
        Ok(())
    }

    fn auto_log_path(&mut self, process: &str, channel: Channel) -> String {
        let n = self
            .calls
            .iter()
            .filter(|c| matches!(c, Call::AutoLog { .. }))
            .count();
        self.calls.push(Call::AutoLog {
            process: process.to_string(),
            channel,
        });
        format!("/tmp/logs/{process}-{}---test-{n:08}.log", channel.name())
    }

    fn reap_now(&mut self) -> Vec<(i32, i32)> {
        std::mem::take(&mut self.pending_exits)
    }

    fn utc_offset_secs(&self, _epoch: i64) -> i32 {
        self.utc_offset
    }

    fn clear_logs(&mut self, pid: i32) -> Result<(), String> {
        self.calls.push(Call::ClearLogs(pid));
        if self.clear_errors.contains(&pid) {
            return Err("cannot clear".into());
        }
        Ok(())
    }
}
