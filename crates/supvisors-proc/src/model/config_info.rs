//! `getAllConfigInfo` (spec §3.5.5): the 29 fields of every process of the latest parse.

use supvisors_rules::supervisor::LogConfig;
use supvisors_rules::values::LogFile;

use super::faults::Fault;
use super::supervisor::Supervisor;

/// A field that is an int, or the string `'none'` / `'auto'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrOrInt {
    /// A string value.
    Str(String),
    /// An int value.
    Int(i64),
}

/// One `getAllConfigInfo` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // field names are the wire keys
pub struct ConfigInfo {
    pub name: String,
    pub group: String,
    pub group_prio: i64,
    pub process_prio: i64,
    pub inuse: bool,
    pub autostart: bool,
    pub command: String,
    /// Directory or `'none'`.
    pub directory: String,
    /// uid or `'none'`.
    pub uid: StrOrInt,
    pub exitcodes: Vec<i32>,
    pub killasgroup: bool,
    pub redirect_stderr: bool,
    pub startretries: i64,
    pub startsecs: i64,
    pub stopwaitsecs: i64,
    pub stopsignal: i32,
    /// URL or `'none'`.
    pub serverurl: String,
    /// Path, `'auto'` or `'none'`.
    pub stdout_logfile: String,
    pub stdout_logfile_backups: i64,
    pub stdout_logfile_maxbytes: i64,
    pub stdout_capture_maxbytes: i64,
    pub stdout_events_enabled: bool,
    pub stdout_syslog: bool,
    /// Path, `'auto'` or `'none'`.
    pub stderr_logfile: String,
    pub stderr_logfile_backups: i64,
    pub stderr_logfile_maxbytes: i64,
    pub stderr_capture_maxbytes: i64,
    pub stderr_events_enabled: bool,
    pub stderr_syslog: bool,
}

impl ConfigInfo {
    /// Keys in the order the reference's struct is built (XML-RPC structs keep that order).
    pub const KEY_ORDER: [&'static str; 29] = [
        "autostart",
        "directory",
        "uid",
        "command",
        "exitcodes",
        "group",
        "group_prio",
        "inuse",
        "killasgroup",
        "name",
        "process_prio",
        "redirect_stderr",
        "startretries",
        "startsecs",
        "stdout_capture_maxbytes",
        "stdout_events_enabled",
        "stdout_logfile",
        "stdout_logfile_backups",
        "stdout_logfile_maxbytes",
        "stdout_syslog",
        "stopsignal",
        "stopwaitsecs",
        "stderr_capture_maxbytes",
        "stderr_events_enabled",
        "stderr_logfile",
        "stderr_logfile_backups",
        "stderr_logfile_maxbytes",
        "stderr_syslog",
        "serverurl",
    ];
}

fn log_text(cfg: &LogConfig, resolved: Option<&Option<String>>) -> String {
    match (&cfg.logfile, resolved) {
        (LogFile::Auto, Some(Some(p))) => p.clone(),
        (LogFile::Auto, _) => "auto".into(),
        (LogFile::Path(p), _) => p.display().to_string(),
        (LogFile::None | LogFile::Syslog, _) => "none".into(),
    }
}

impl Supervisor {
    /// `getAllConfigInfo()`: sorted by process name only.
    pub fn get_all_config_info(&self) -> Result<Vec<ConfigInfo>, Fault> {
        self.check_state()?;
        let mut out = Vec::new();
        for parsed in &self.parsed {
            let g = &parsed.config;
            let inuse = self.groups.iter().any(|a| a.config.name == g.name);
            for (i, p) in g.processes.iter().enumerate() {
                let logs = parsed.resolved.as_ref().and_then(|r| r.get(i));
                let stderr_cfg = if p.redirect_stderr {
                    LogConfig {
                        logfile: LogFile::None,
                        ..p.stderr.clone()
                    }
                } else {
                    p.stderr.clone()
                };
                out.push(ConfigInfo {
                    name: p.name.clone(),
                    group: g.name.clone(),
                    group_prio: g.priority,
                    process_prio: p.priority,
                    inuse,
                    autostart: p.autostart,
                    command: p.command.clone(),
                    directory: p.directory.clone().unwrap_or_else(|| "none".into()),
                    uid: p.uid.map_or_else(
                        || StrOrInt::Str("none".into()),
                        |u| StrOrInt::Int(i64::from(u)),
                    ),
                    exitcodes: p.exitcodes.clone(),
                    killasgroup: p.killasgroup,
                    redirect_stderr: p.redirect_stderr,
                    startretries: p.startretries,
                    startsecs: p.startsecs,
                    stopwaitsecs: p.stopwaitsecs,
                    stopsignal: p.stopsignal,
                    serverurl: p.serverurl.clone().unwrap_or_else(|| "none".into()),
                    stdout_logfile: log_text(&p.stdout, logs.map(|l| &l.0)),
                    stdout_logfile_backups: p.stdout.logfile_backups,
                    stdout_logfile_maxbytes: p.stdout.logfile_maxbytes,
                    stdout_capture_maxbytes: p.stdout.capture_maxbytes,
                    stdout_events_enabled: p.stdout.events_enabled,
                    stdout_syslog: p.stdout.syslog,
                    stderr_logfile: log_text(&stderr_cfg, logs.map(|l| &l.1)),
                    stderr_logfile_backups: p.stderr.logfile_backups,
                    stderr_logfile_maxbytes: p.stderr.logfile_maxbytes,
                    stderr_capture_maxbytes: p.stderr.capture_maxbytes,
                    stderr_events_enabled: p.stderr.events_enabled,
                    stderr_syslog: p.stderr.syslog,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
