//! The real [`Host`]: the model's side effects done with the I/O building blocks of this crate
//! (command resolution, fork/exec, pipes captured into log files, stdin writers, signals).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Local, Offset as _, TimeZone as _};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::sync::mpsc;

use crate::capture::{CaptureConfig, CaptureHandle, CaptureReport, start_capture};
use crate::model::{
    Channel, ChannelLog, CommandError, Host, KillError, ResolvedCommand, SpawnRequest, StdinError,
};
use crate::rotating::RotatingFile;
use crate::spawn::{SpawnSpec, privileges_for, spawn};
use crate::stdin::StdinWriter;
use crate::{autolog, command};

use super::fcgi::FcgiSockets;

/// The I/O of one running child, shared with the tasks that wait for its pipes to drain.
#[derive(Debug)]
pub struct ChildIo {
    /// Capture of stdout (and of stderr when redirected); none when discarded.
    pub stdout: Option<CaptureHandle>,
    /// Capture of stderr, absent when redirected.
    pub stderr: Option<CaptureHandle>,
    stdin: Option<StdinWriter>,
    name: String,
    syslog: [bool; 2],
}

impl ChildIo {
    /// The process name and whether `channel` goes to syslog (`*_syslog=true`).
    pub fn syslog_name(&self, channel: Channel) -> Option<&str> {
        let on = match channel {
            Channel::Stdout => self.syslog[0],
            Channel::Stderr => self.syslog[1],
        };
        on.then_some(self.name.as_str())
    }

    /// Waits until what the child wrote before dying is logged (the reference drains the
    /// pipes before handling the exit).
    pub async fn finish(&self) {
        for capture in self.captures() {
            capture.finish().await;
        }
    }

    /// Every capture of the child.
    pub fn captures(&self) -> impl Iterator<Item = &CaptureHandle> {
        self.stdout.iter().chain(self.stderr.as_ref())
    }
}

/// What the host needs besides the model's requests.
#[derive(Debug, Clone)]
pub struct HostSettings {
    /// The daemon's own environment, under the variables the model sets.
    pub daemon_env: Vec<(String, String)>,
    /// `childlogdir`, for AUTO log files.
    pub childlogdir: PathBuf,
    /// `identifier`, part of AUTO log names.
    pub identifier: String,
    /// Copy child output into the main log (loglevel debug or lower).
    pub debug_output: bool,
    /// The main log, for the lines the host writes itself (fcgi sockets).
    pub log: Option<crate::mainlog::MainLogHandle>,
}

/// The machine as the model sees it.
#[derive(Debug)]
pub struct RealHost {
    settings: HostSettings,
    daemon_path: Option<String>,
    children: HashMap<i32, Arc<ChildIo>>,
    reports: mpsc::UnboundedSender<CaptureReport>,
    clears: Vec<Arc<ChildIo>>,
    fcgi: FcgiSockets,
}

impl RealHost {
    /// A host whose captures report on `reports`.
    pub fn new(settings: HostSettings, reports: mpsc::UnboundedSender<CaptureReport>) -> Self {
        let daemon_path = settings
            .daemon_env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone());
        let fcgi = FcgiSockets::new(settings.log.clone());
        Self {
            settings,
            daemon_path,
            children: HashMap::new(),
            reports,
            clears: Vec::new(),
            fcgi,
        }
    }

    /// The I/O of a child, if it is one of ours and not yet handed to the model as exited.
    pub fn child(&self, pid: i32) -> Option<Arc<ChildIo>> {
        self.children.get(&pid).cloned()
    }

    /// Forgets a child whose exit the model has handled (closes its stdin).
    pub fn forget(&mut self, pid: i32) {
        self.children.remove(&pid);
        self.fcgi.release(pid);
    }

    /// Every live child's I/O (for SIGUSR2 log reopening).
    pub fn all_children(&self) -> Vec<Arc<ChildIo>> {
        self.children.values().cloned().collect()
    }

    /// Children whose logs the model asked to clear since the last call; the caller awaits
    /// the clearing before answering the client.
    pub fn take_clears(&mut self) -> Vec<Arc<ChildIo>> {
        std::mem::take(&mut self.clears)
    }

    fn open_log(log: &ChannelLog) -> std::io::Result<Option<RotatingFile>> {
        log.path
            .as_ref()
            .map(|p| {
                RotatingFile::open(
                    p,
                    u64::try_from(log.maxbytes).unwrap_or(0),
                    u32::try_from(log.backups).unwrap_or(0),
                )
            })
            .transpose()
    }

    /// Output nobody will see: no file, no events, no capture, no syslog, no debug copy.
    fn unwanted(&self, log: &ChannelLog) -> bool {
        log.path.is_none()
            && !log.events_enabled
            && !log.syslog
            && log.capture_maxbytes == 0
            && !self.settings.debug_output
    }

    fn capture_config(
        &self,
        pid: i32,
        channel: Channel,
        log: &ChannelLog,
        strip_ansi: bool,
    ) -> CaptureConfig {
        CaptureConfig {
            pid,
            channel: Some(channel),
            strip_ansi,
            capture_maxbytes: usize::try_from(log.capture_maxbytes).unwrap_or(0),
            report_output: log.events_enabled || log.syslog || self.settings.debug_output,
            protocol: false,
            // /logtail and the read methods work on the files; no copy is kept in memory.
            tail_bytes: 0,
        }
    }
}

impl Host for RealHost {
    fn resolve_command(
        &self,
        cmd: &str,
        env_path: Option<&str>,
    ) -> Result<ResolvedCommand, CommandError> {
        command::resolve_with_daemon_path(cmd, env_path, self.daemon_path.as_deref())
    }

    fn spawn(&mut self, req: &SpawnRequest) -> Result<i32, String> {
        let dispatch_err =
            |e: std::io::Error| format!("unknown error making dispatchers for '{}': {e}", req.name);
        // Log files are opened before the fork: a failure is a spawn error, as in the reference.
        let out_file = Self::open_log(&req.stdout).map_err(dispatch_err)?;
        let err_file = Self::open_log(&req.stderr).map_err(dispatch_err)?;
        let mut env = self.settings.daemon_env.clone();
        for (k, v) in &req.environment {
            match env.iter_mut().find(|(name, _)| name == k) {
                Some(slot) => slot.1.clone_from(v),
                None => env.push((k.clone(), v.clone())),
            }
        }
        let stdin_socket = match &req.fcgi_socket {
            Some(socket) => Some(self.fcgi.acquire(socket)?),
            None => None,
        };
        let spec = SpawnSpec {
            name: req.name.clone(),
            file: PathBuf::from(&req.command.file),
            argv: req.command.argv.clone(),
            env,
            directory: req.directory.as_ref().map(PathBuf::from),
            umask: req.umask,
            privileges: req.uid.map(privileges_for).unwrap_or_default(),
            redirect_stderr: req.redirect_stderr,
            // fcgi programs read their socket on fd 0, so they have no stdin to write to.
            want_stdin: stdin_socket.is_none(),
            stdin_socket,
            // A listener's stdout is its protocol channel: always read.
            discard_stdout: !req.event_listener && self.unwanted(&req.stdout),
            discard_stderr: self.unwanted(&req.stderr),
        };
        let child = spawn(&spec).map_err(|e| e.text)?;
        let pid = child.pid;
        if let Some(socket) = &req.fcgi_socket {
            self.fcgi.hold(socket, pid);
        }
        let mut out_cfg = self.capture_config(pid, Channel::Stdout, &req.stdout, req.strip_ansi);
        if req.event_listener {
            // The listener protocol travels on stdout; capture mode applies to stderr only.
            out_cfg.protocol = true;
            out_cfg.capture_maxbytes = 0;
        }
        let stdout = match child.stdout {
            Some(fd) => Some(
                start_capture(fd, out_file, out_cfg, self.reports.clone()).map_err(dispatch_err)?,
            ),
            None => None,
        };
        let stderr = match child.stderr {
            Some(fd) => {
                let cfg = self.capture_config(pid, Channel::Stderr, &req.stderr, req.strip_ansi);
                Some(start_capture(fd, err_file, cfg, self.reports.clone()).map_err(dispatch_err)?)
            }
            None => None,
        };
        let stdin = child.stdin.and_then(|fd| StdinWriter::start(fd).ok());
        self.children.insert(
            pid,
            Arc::new(ChildIo {
                stdout,
                stderr,
                stdin,
                name: req.name.clone(),
                syslog: [req.stdout.syslog, req.stderr.syslog],
            }),
        );
        Ok(pid)
    }

    fn kill(&mut self, pid: i32, sig: i32, group: bool) -> Result<(), KillError> {
        let target = Pid::from_raw(if group { -pid } else { pid });
        let signal = Signal::try_from(sig).map_err(|e| KillError::Other(e.desc().into()))?;
        match kill(target, signal) {
            Ok(()) => Ok(()),
            Err(nix::errno::Errno::ESRCH) => Err(KillError::Esrch),
            Err(e) => Err(KillError::Other(format!(
                "[Errno {}] {}",
                e as i32,
                e.desc()
            ))),
        }
    }

    fn write_stdin(&mut self, pid: i32, data: &[u8]) -> Result<(), StdinError> {
        let writer = self
            .children
            .get(&pid)
            .and_then(|c| c.stdin.as_ref())
            .ok_or(StdinError::Closed)?;
        writer.send(data.to_vec()).map_err(|_| StdinError::Closed)
    }

    fn auto_log_path(&mut self, process: &str, channel: Channel) -> String {
        let dir: &Path = &self.settings.childlogdir;
        match autolog::create_auto_log(dir, process, channel.name(), &self.settings.identifier) {
            Ok(path) => path.display().to_string(),
            // The file is then created at the first spawn, like an explicit path.
            Err(_) => dir
                .join(format!(
                    "{process}-{}---{}-{}.log",
                    channel.name(),
                    self.settings.identifier,
                    fastrand::u32(..)
                ))
                .display()
                .to_string(),
        }
    }

    fn utc_offset_secs(&self, epoch: i64) -> i32 {
        Local
            .timestamp_opt(epoch, 0)
            .single()
            .map_or(0, |t| t.offset().fix().local_minus_utc())
    }

    fn clear_logs(&mut self, pid: i32) -> Result<(), String> {
        if let Some(io) = self.children.get(&pid) {
            self.clears.push(Arc::clone(io));
        }
        Ok(())
    }
}
