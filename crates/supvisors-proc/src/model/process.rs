//! The lifecycle of one process (spec §2.2–§2.7): spawn, kill, signal, finish and the timed
//! transitions of the main loop, with the reference's bookkeeping, log lines and events.
//! Deadlines use the monotonic clock; reported timestamps use the wall clock.

use std::sync::Arc;

use supvisors_rules::supervisor::{FcgiSocket, ProcessConfig};
use supvisors_rules::values::AutoRestart;

use super::clock::Clock;
use super::describe::decode_wait_status;
use super::events::Event;
use super::host::{ChannelLog, Host, SpawnRequest};
use super::listener::ListenerIo;
use super::output::{Notice, Sink};
use super::state::{Level, ProcessState, SupervisorState};
use supvisors_rules::supervisor::LogConfig;

/// Added to deadlines whose condition is a strict `>`, so that a driver waking exactly at the
/// deadline does not find the condition still false and spin.
const STRICT_MARGIN: f64 = 0.001;

/// Daemon-wide values a process needs while it runs.
pub(crate) struct Env<'a> {
    /// `SUPERVISOR_SERVER_URL` for programs whose `serverurl` is AUTO.
    pub server_url: Option<&'a str>,
    /// `[supervisord] strip_ansi`.
    pub strip_ansi: bool,
    /// The daemon's mood (no spawns unless RUNNING).
    pub mood: SupervisorState,
}

/// One supervised process and its bookkeeping.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    /// Model-wide unique id (waiters refer to processes by it).
    pub id: u64,
    /// Its configuration.
    pub config: Arc<ProcessConfig>,
    /// Resolved stdout log path.
    pub stdout_log: Option<String>,
    /// Resolved stderr log path.
    pub stderr_log: Option<String>,
    /// Current state.
    pub state: ProcessState,
    /// Child pid, 0 when none.
    pub pid: i32,
    /// Wall time of the last spawn attempt (0: never).
    pub laststart: f64,
    /// Monotonic time of the last spawn attempt.
    pub laststart_mono: f64,
    /// Wall time of the last reap (0: never).
    pub laststop: f64,
    /// Consecutive failed starts.
    pub backoff: i64,
    /// Monotonic deadline of BACKOFF (retry) or STOPPING (SIGKILL); 0: none.
    pub delay: f64,
    /// A stop or kill signal was sent and the child is not reaped yet.
    pub killing: bool,
    /// Last spawn or exit error.
    pub spawnerr: Option<String>,
    /// Last exit status (-1: killed by a signal).
    pub exitstatus: Option<i32>,
    /// Monotonic time of the last `waiting for x to stop` line.
    pub laststopreport: Option<f64>,
    /// Listener protocol state, for event listener processes.
    pub listener: Option<ListenerIo>,
    /// The group's FastCGI socket, for fcgi programs.
    pub fcgi_socket: Option<FcgiSocket>,
    /// Supvisors' extra arguments appended to the command ('' when none).
    pub extra_args: String,
    /// Supvisors' disability: a disabled process is never spawned.
    pub disabled: bool,
}

impl Process {
    /// A never-started process.
    pub fn new(
        id: u64,
        config: Arc<ProcessConfig>,
        logs: (Option<String>, Option<String>),
    ) -> Self {
        let listener = (config.kind == supvisors_rules::supervisor::ProcessKind::EventListener)
            .then(ListenerIo::default);
        Self {
            id,
            config,
            stdout_log: logs.0,
            stderr_log: logs.1,
            state: ProcessState::Stopped,
            pid: 0,
            laststart: 0.0,
            laststart_mono: 0.0,
            laststop: 0.0,
            backoff: 0,
            delay: 0.0,
            killing: false,
            spawnerr: None,
            exitstatus: None,
            laststopreport: None,
            listener,
            fcgi_socket: None,
            extra_args: String::new(),
            disabled: false,
        }
    }

    /// The command to run: the configured one, plus `' ' + extra_args` when there are some.
    pub fn command_line(&self) -> std::borrow::Cow<'_, str> {
        if self.extra_args.is_empty() {
            std::borrow::Cow::Borrowed(&self.config.command)
        } else {
            std::borrow::Cow::Owned(format!("{} {}", self.config.command, self.extra_args))
        }
    }

    /// Changes state and emits the matching event; no-op when the state is unchanged.
    pub fn change_state(&mut self, new: ProcessState, expected: bool, now: Clock, sink: &mut Sink) {
        let old = self.state;
        if new == old {
            return;
        }
        self.state = new;
        if new == ProcessState::Backoff {
            self.backoff += 1;
            self.delay = now.mono + self.backoff as f64;
        }
        sink.event(Event::ProcessState {
            group: self.config.group_name.clone(),
            name: self.config.name.clone(),
            from: old,
            to: new,
            pid: self.pid,
            tries: self.backoff,
            expected,
        });
        if sink.supvisors {
            sink.cluster.push(self.state_notice(expected, now));
        }
    }

    fn record_spawnerr(&mut self, msg: String, sink: &mut Sink) {
        sink.log(Level::Info, format!("spawnerr: {msg}"));
        self.spawnerr = Some(msg);
    }

    /// The PATH of the effective environment, if set there.
    pub fn env_path(&self) -> Option<&str> {
        self.config
            .environment
            .iter()
            .rev()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.as_str())
    }

    /// Attempts a spawn (spec §2.3).
    pub fn spawn(&mut self, now: Clock, host: &mut dyn Host, sink: &mut Sink, env: &Env<'_>) {
        // Supvisors patches spawn into a no-op for disabled processes: nothing changes.
        if self.disabled {
            return;
        }
        if self.pid != 0 {
            sink.log(
                Level::Warn,
                format!("process '{}' already running", self.config.name),
            );
            return;
        }
        self.killing = false;
        self.spawnerr = None;
        self.exitstatus = None;
        self.laststart = now.wall;
        self.laststart_mono = now.mono;
        self.change_state(ProcessState::Starting, true, now, sink);
        let command = match host.resolve_command(&self.command_line(), self.env_path()) {
            Ok(c) => c,
            Err(e) => {
                self.record_spawnerr(e.text, sink);
                self.change_state(ProcessState::Backoff, true, now, sink);
                return;
            }
        };
        if let Some(l) = &mut self.listener {
            *l = ListenerIo::default();
        }
        let req = self.spawn_request(command, env);
        match host.spawn(&req) {
            Ok(pid) => {
                self.pid = pid;
                sink.log(
                    Level::Info,
                    format!("spawned: '{}' with pid {pid}", self.config.name),
                );
                self.spawnerr = None;
                self.delay = now.mono + self.config.startsecs as f64;
            }
            Err(text) => {
                self.record_spawnerr(text, sink);
                self.change_state(ProcessState::Backoff, true, now, sink);
            }
        }
    }

    fn spawn_request(&self, command: super::host::ResolvedCommand, env: &Env<'_>) -> SpawnRequest {
        let c = &self.config;
        let mut environment = vec![("SUPERVISOR_ENABLED".to_string(), "1".to_string())];
        let url = c.serverurl.as_deref().or(env.server_url);
        if let Some(url) = url {
            environment.push(("SUPERVISOR_SERVER_URL".into(), url.into()));
        }
        environment.push(("SUPERVISOR_PROCESS_NAME".into(), c.name.clone()));
        environment.push(("SUPERVISOR_GROUP_NAME".into(), c.group_name.clone()));
        environment.extend(c.environment.iter().cloned());
        let chan = |cfg: &LogConfig, path: &Option<String>| ChannelLog {
            path: path.clone(),
            maxbytes: cfg.logfile_maxbytes,
            backups: cfg.logfile_backups,
            capture_maxbytes: cfg.capture_maxbytes,
            events_enabled: cfg.events_enabled,
            syslog: cfg.syslog,
        };
        SpawnRequest {
            group: c.group_name.clone(),
            name: c.name.clone(),
            command,
            environment,
            directory: c.directory.clone(),
            umask: c.umask,
            uid: c.uid,
            redirect_stderr: c.redirect_stderr,
            event_listener: self.listener.is_some(),
            stdout: chan(&c.stdout, &self.stdout_log),
            stderr: chan(&c.stderr, &self.stderr_log),
            strip_ansi: env.strip_ansi,
            fcgi_socket: self.fcgi_socket.clone(),
        }
    }

    /// The child was reaped (spec §2.6).
    pub fn finish(&mut self, sts: i32, now: Clock, sink: &mut Sink) {
        let (es, msg) = decode_wait_status(sts);
        let name = self.config.name.clone();
        self.laststop = now.wall;
        // The monotonic clock cannot go back, so the reference's "laststart in the future"
        // branch cannot happen; an exit at the very spawn instant counts as too quick.
        let too_quickly = now.mono - self.laststart_mono < self.config.startsecs as f64;
        let expected = self.config.exitcodes.contains(&es);
        if self.killing {
            self.killing = false;
            self.delay = 0.0;
            self.exitstatus = Some(es);
            self.change_state(ProcessState::Stopped, true, now, sink);
            let level = if expected { Level::Info } else { Level::Warn };
            sink.log(level, format!("stopped: {name} ({msg})"));
        } else if too_quickly {
            self.exitstatus = None;
            self.spawnerr = Some("Exited too quickly (process log may have details)".into());
            self.change_state(ProcessState::Backoff, true, now, sink);
            sink.log(Level::Warn, format!("exited: {name} ({msg}; not expected)"));
        } else {
            self.delay = 0.0;
            self.backoff = 0;
            self.exitstatus = Some(es);
            if self.state == ProcessState::Starting {
                self.change_state(ProcessState::Running, true, now, sink);
            }
            if expected {
                self.change_state(ProcessState::Exited, true, now, sink);
                sink.log(Level::Info, format!("exited: {name} ({msg}; expected)"));
            } else {
                self.spawnerr = Some(format!("Bad exit code {es}"));
                self.change_state(ProcessState::Exited, false, now, sink);
                sink.log(Level::Warn, format!("exited: {name} ({msg}; not expected)"));
            }
        }
        self.pid = 0;
        if let Some(event) = self.listener.as_mut().and_then(|l| l.event.take()) {
            sink.notices.push(Notice::Rejected {
                process: self.id,
                event,
            });
        }
    }

    /// One main-loop transition (spec §2.4): spawns only when the mood is RUNNING.
    pub fn transition(&mut self, now: Clock, host: &mut dyn Host, sink: &mut Sink, env: &Env<'_>) {
        let state = self.state;
        if env.mood == SupervisorState::Running {
            let spawn = match state {
                ProcessState::Exited => self.wants_restart(),
                ProcessState::Stopped => self.laststart == 0.0 && self.config.autostart,
                ProcessState::Backoff => {
                    self.backoff <= self.config.startretries && now.mono > self.delay
                }
                _ => false,
            };
            if spawn {
                self.spawn(now, host, sink, env);
            }
        }
        if state == ProcessState::Starting && self.started_long_enough(now) {
            self.delay = 0.0;
            self.backoff = 0;
            self.change_state(ProcessState::Running, true, now, sink);
            sink.log(
                Level::Info,
                format!(
                    "success: {} entered RUNNING state, process has stayed up for > than {} seconds (startsecs)",
                    self.config.name, self.config.startsecs
                ),
            );
        }
        if state == ProcessState::Backoff {
            if self.backoff > self.config.startretries {
                self.give_up(now, sink);
                sink.log(
                    Level::Info,
                    format!(
                        "gave up: {} entered FATAL state, too many start retries too quickly",
                        self.config.name
                    ),
                );
            }
        } else if state == ProcessState::Stopping && self.delay - now.mono <= 0.0 {
            sink.log(
                Level::Warn,
                format!("killing '{}' ({}) with SIGKILL", self.config.name, self.pid),
            );
            self.kill(9, now, host, sink);
        }
    }

    /// The autorestart rule for an EXITED process (spec §2.6).
    fn wants_restart(&self) -> bool {
        match self.config.autorestart {
            AutoRestart::Never => false,
            AutoRestart::Unconditional => true,
            // A signal death (-1) or no status is never in `exitcodes`.
            AutoRestart::Unexpected => self
                .exitstatus
                .is_none_or(|es| !self.config.exitcodes.contains(&es)),
        }
    }

    /// `now - laststart > startsecs`. The reference's clock always moves between the spawn
    /// and the transition that follows it, so with `startsecs=0` an equal reading counts too.
    fn started_long_enough(&self, now: Clock) -> bool {
        let elapsed = now.mono - self.laststart_mono;
        elapsed > self.config.startsecs as f64 || (self.config.startsecs == 0 && elapsed >= 0.0)
    }

    /// When the next timed transition of this process is due (monotonic), if any.
    pub fn deadline(&self, mood: SupervisorState) -> Option<f64> {
        // A disabled process's spawn is a no-op: only giving up can still happen by itself.
        let mood = if self.disabled {
            SupervisorState::Fatal
        } else {
            mood
        };
        match self.state {
            // STARTING and BACKOFF compare strictly: wake just after the instant itself.
            ProcessState::Starting if self.pid != 0 => {
                Some(self.laststart_mono + self.config.startsecs as f64 + STRICT_MARGIN)
            }
            ProcessState::Backoff if self.backoff > self.config.startretries => Some(0.0),
            ProcessState::Backoff if mood == SupervisorState::Running => {
                Some(self.delay + STRICT_MARGIN)
            }
            ProcessState::Stopping if self.killing => Some(self.delay),
            ProcessState::Exited if mood == SupervisorState::Running => {
                self.wants_restart().then_some(0.0)
            }
            ProcessState::Stopped
                if mood == SupervisorState::Running
                    && self.laststart == 0.0
                    && self.config.autostart =>
            {
                Some(0.0)
            }
            _ => None,
        }
    }
}
