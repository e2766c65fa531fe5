//! What the model asks of the machine (spec §2.3): resolve a command, spawn, signal, write to a
//! child's stdin, name AUTO log files. The tokio driver implements [`Host`] with real system
//! calls; tests use [`super::testing::FakeHost`]. Every call is synchronous, as in the reference.

use supvisors_rules::supervisor::FcgiSocket;

/// An output channel of a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// stdout.
    Stdout,
    /// stderr.
    Stderr,
}

impl Channel {
    /// `stdout` / `stderr`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
        }
    }
}

/// A command resolved to an executable file and its argument vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCommand {
    /// The file to execute (absolute, or as written when it contains `/`).
    pub file: String,
    /// argv, argv\[0\] as written in the command.
    pub argv: Vec<String>,
}

/// Which fault a command problem maps to when reported by `startProcess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandErrorKind {
    /// Not found: `NO_FILE`.
    NotFound,
    /// Directory, no execute bit, no permission, unparsable, empty: `NOT_EXECUTABLE`.
    NotExecutable,
}

/// Why a command cannot be run, with the reference's spawnerr text
/// (e.g. `can't find command '/nonexistent/binary'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    /// The fault family.
    pub kind: CommandErrorKind,
    /// The spawnerr text.
    pub text: String,
}

/// The log settings of one channel, resolved (AUTO replaced by the generated path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelLog {
    /// Log file, or none.
    pub path: Option<String>,
    /// `*_logfile_maxbytes` (0: no rotation).
    pub maxbytes: i64,
    /// `*_logfile_backups`.
    pub backups: i64,
    /// `*_capture_maxbytes` (0: no capture mode).
    pub capture_maxbytes: i64,
    /// `*_events_enabled`.
    pub events_enabled: bool,
    /// `*_syslog`.
    pub syslog: bool,
}

/// Everything the host needs to fork and exec one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnRequest {
    /// Group name.
    pub group: String,
    /// Process name.
    pub name: String,
    /// Resolved file and argv.
    pub command: ResolvedCommand,
    /// Variables set over supervisord's own environment, in order (later entries win):
    /// `SUPERVISOR_ENABLED`, `SUPERVISOR_SERVER_URL` (when known), `SUPERVISOR_PROCESS_NAME`,
    /// `SUPERVISOR_GROUP_NAME`, then the merged `[supervisord]` + program `environment`.
    pub environment: Vec<(String, String)>,
    /// `directory` to chdir to.
    pub directory: Option<String>,
    /// `umask`.
    pub umask: Option<u32>,
    /// `user` resolved to a uid.
    pub uid: Option<u32>,
    /// No stderr pipe: fd 2 is the stdout pipe.
    pub redirect_stderr: bool,
    /// An event listener: stdout carries the listener protocol, capture applies to stderr only.
    pub event_listener: bool,
    /// stdout log settings.
    pub stdout: ChannelLog,
    /// stderr log settings (path none when redirected).
    pub stderr: ChannelLog,
    /// `[supervisord] strip_ansi`.
    pub strip_ansi: bool,
    /// The group's socket for `[fcgi-program:x]` processes (it becomes the child's fd 0).
    pub fcgi_socket: Option<FcgiSocket>,
}

/// Why a signal could not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KillError {
    /// No such process (already dead): ignored, the reap completes the stop.
    Esrch,
    /// Anything else, with its text: the process goes UNKNOWN.
    Other(String),
}

/// Why bytes could not be queued to a child's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdinError {
    /// The pipe is closed (EPIPE) or the process has no stdin.
    Closed,
    /// Anything else, with its text.
    Other(String),
}

/// The machine as seen by the model.
pub trait Host {
    /// Splits and resolves `command` as §2.3 describes, without spawning. `env_path` is the
    /// `PATH` of the program's effective environment, if set there.
    fn resolve_command(
        &self,
        command: &str,
        env_path: Option<&str>,
    ) -> Result<ResolvedCommand, CommandError>;

    /// Creates the pipes, opens non-AUTO log files and forks; returns the child pid, or the
    /// spawnerr text (`too many open files to spawn '<name>'`, …) on failure.
    fn spawn(&mut self, req: &SpawnRequest) -> Result<i32, String>;

    /// Sends `sig` to `pid`, or to its process group when `group`.
    fn kill(&mut self, pid: i32, sig: i32, group: bool) -> Result<(), KillError>;

    /// Queues bytes to the child's stdin (written asynchronously, in order).
    fn write_stdin(&mut self, pid: i32, data: &[u8]) -> Result<(), StdinError>;

    /// Generates `<childlogdir>/<process>-<channel>---<identifier>-<8 random>.log`, creates it
    /// empty and returns its path.
    fn auto_log_path(&mut self, process: &str, channel: Channel) -> String;

    /// Children already exited and not yet reported, as `(pid, raw wait status)`; the model
    /// calls it where the reference reaps synchronously (right after a spawn or a stop
    /// requested through RPC). The default reports nothing: exits then arrive through
    /// `Supervisor::child_exited`.
    fn reap_now(&mut self) -> Vec<(i32, i32)> {
        Vec::new()
    }

    /// The offset of local time from UTC at the given epoch second, for the stop time shown
    /// in `description` (`%b %d %I:%M %p` in local time). The default is UTC.
    fn utc_offset_secs(&self, _epoch: i64) -> i32 {
        0
    }

    /// Deletes and reopens the open log files of a running child (`clearProcessLogs`).
    /// The default does nothing.
    fn clear_logs(&mut self, _pid: i32) -> Result<(), String> {
        Ok(())
    }
}
