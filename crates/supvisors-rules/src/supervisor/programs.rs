//! The per-process options shared by `[program:x]`, `[eventlistener:x]` and
//! `[fcgi-program:x]`, read as Supervisor's `processes_from_section` reads them: options
//! evaluated once per section, then one process per `process_num` with its own expansions.

use std::path::PathBuf;
use std::sync::Arc;

use super::logs::{LogConfig, stream, warning};
use super::view::{Reader, Section, View};
use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::expand::{Names, Value, expand};
use crate::values::{self, AutoRestart, LogFile};

/// Most processes a section may declare; the reference has no limit, we refuse to allocate
/// millions of process entries from a typo.
pub const MAX_NUMPROCS: i64 = 10_000;

/// What kind of section a process came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessKind {
    /// `[program:x]` (also fcgi programs listed in a `[group:x]`, as the reference does).
    Program,
    /// `[eventlistener:x]`.
    EventListener,
    /// `[fcgi-program:x]` in its own group.
    FastCgi,
}

/// One process, fully typed and expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessConfig {
    /// Section suffix (the `program_name` expansion).
    pub program_name: String,
    /// Expanded `process_name`.
    pub name: String,
    /// Group the process belongs to (the `group_name` expansion).
    pub group_name: String,
    /// Index in its program's sorted process list.
    pub procnumber: usize,
    /// The `process_num` expansion.
    pub process_num: i64,
    /// `numprocs`.
    pub numprocs: i64,
    /// Section kind.
    pub kind: ProcessKind,
    /// Expanded `command` (split with POSIX shlex at spawn time).
    pub command: String,
    /// `directory`, not checked here.
    pub directory: Option<String>,
    /// `umask`.
    pub umask: Option<u32>,
    /// `priority` (default 999, also for event listeners whose pool defaults to -1).
    pub priority: i64,
    /// `autostart` (default true).
    pub autostart: bool,
    /// `autorestart` (default unexpected).
    pub autorestart: AutoRestart,
    /// `startsecs` (default 1).
    pub startsecs: i64,
    /// `startretries` (default 3).
    pub startretries: i64,
    /// `user`, resolved to a uid.
    pub uid: Option<u32>,
    /// `stopsignal` number (default TERM).
    pub stopsignal: i32,
    /// `stopwaitsecs` (default 10).
    pub stopwaitsecs: i64,
    /// `stopasgroup` (default false).
    pub stopasgroup: bool,
    /// `killasgroup` (default `stopasgroup`).
    pub killasgroup: bool,
    /// `exitcodes` (default 0).
    pub exitcodes: Vec<i32>,
    /// `redirect_stderr` (default false).
    pub redirect_stderr: bool,
    /// stdout options.
    pub stdout: LogConfig,
    /// stderr options (logfile forced to none when redirected).
    pub stderr: LogConfig,
    /// `[supervisord] environment` updated with this section's `environment`.
    pub environment: Vec<(String, String)>,
    /// `serverurl`; `None` means AUTO.
    pub serverurl: Option<String>,
    /// Section name.
    pub section: String,
    /// File that defined the section.
    pub path: PathBuf,
    /// Line of the section header.
    pub line: u32,
}

impl ProcessConfig {
    /// The name clients use: `group:process`, or `process` when both names are equal.
    pub fn namespec(&self) -> String {
        if self.group_name == self.name {
            self.name.clone()
        } else {
            format!("{}:{}", self.group_name, self.name)
        }
    }
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

/// Options read once per section.
struct Once {
    priority: i64,
    autostart: bool,
    autorestart: AutoRestart,
    startsecs: i64,
    startretries: i64,
    stopsignal: i32,
    stopwaitsecs: i64,
    stopasgroup: bool,
    killasgroup: bool,
    exitcodes: Vec<i32>,
    redirect_stderr: bool,
    numprocs: i64,
    numprocs_start: i64,
    caps: [(i64, bool); 2],
    serverurl: Option<String>,
    uid: Option<u32>,
    umask: Option<u32>,
}

fn read_once(r: &mut Reader<'_>, names: &Names, ctx: &LoadContext<'_>) -> Option<Once> {
    // 999 even for event listeners: only their pool defaults to -1.
    let priority = r.typed("priority", "999", names, values::integer);
    let autostart = r.typed("autostart", "true", names, values::boolean);
    let autorestart = r.typed("autorestart", "unexpected", names, values::auto_restart);
    let startsecs = r.typed("startsecs", "1", names, values::integer);
    let startretries = r.typed("startretries", "3", names, values::integer);
    let stopsignal = r.typed("stopsignal", "TERM", names, values::signal_number);
    let stopwaitsecs = r.typed("stopwaitsecs", "10", names, values::integer);
    let stopasgroup = r.typed("stopasgroup", "false", names, values::boolean);
    let kill_default = if stopasgroup == Some(true) {
        "true"
    } else {
        "false"
    };
    let killasgroup = r.typed("killasgroup", kill_default, names, values::boolean);
    let exitcodes = r.typed("exitcodes", "0", names, values::exit_codes);
    let redirect_stderr = r.typed("redirect_stderr", "false", names, values::boolean);
    let numprocs = r.typed("numprocs", "1", names, values::integer);
    let numprocs_start = r.typed("numprocs_start", "0", names, values::integer);
    let out_cap = r.typed("stdout_capture_maxbytes", "0", names, values::byte_size);
    let out_ev = r.typed("stdout_events_enabled", "false", names, values::boolean);
    let err_cap = r.typed("stderr_capture_maxbytes", "0", names, values::byte_size);
    let err_ev = r.typed("stderr_events_enabled", "false", names, values::boolean);
    let serverurl = r
        .get("serverurl", None, names)
        .filter(|u| !u.is_empty() && !crate::pystr::strip(u).eq_ignore_ascii_case("auto"));
    let uid = match r.get("user", None, names) {
        Some(u) => r
            .convert("user", &u, |v| values::name_to_uid(v, ctx.accounts))
            .map(Some),
        None => Some(None),
    };
    let umask = match r.get("umask", None, names) {
        Some(u) => r.convert("umask", &u, values::octal).map(Some),
        None => Some(None),
    };
    Some(Once {
        priority: priority?,
        autostart: autostart?,
        autorestart: autorestart?,
        startsecs: startsecs?,
        startretries: startretries?,
        stopsignal: stopsignal?,
        stopwaitsecs: stopwaitsecs?,
        stopasgroup: stopasgroup?,
        killasgroup: killasgroup?,
        exitcodes: exitcodes?,
        redirect_stderr: redirect_stderr?,
        numprocs: numprocs?,
        numprocs_start: numprocs_start?,
        caps: [(out_cap?, out_ev?), (err_cap?, err_ev?)],
        serverurl,
        uid: uid?,
        umask: umask?,
    })
}

/// Inputs shared by every section of one load.
pub(crate) struct Common<'a> {
    pub ctx: &'a LoadContext<'a>,
    /// `ENV_*` names (daemon environment plus `[supervisord] environment`).
    pub env: &'a Names,
    pub here: &'a str,
}

/// Builds the processes of one section; errors and warnings are appended.
pub(crate) fn processes_from_section(
    view: &View,
    section: &Section,
    group_name: &str,
    kind: ProcessKind,
    common: &Common<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Vec<Arc<ProcessConfig>> {
    let mut r = Reader::new(view, section).with_file_suffix(&section.path);
    let procs = build(&mut r, section, group_name, kind, common, warnings);
    errors.append(&mut r.errors);
    // Shared from here on: the daemon's loaded configuration, the model's parsed and active
    // groups and each process all point at this one copy.
    // A loop, not `into_iter().map().collect()`: that collect reuses the source buffer sized
    // for whole configurations, keeping ~440 B per process allocated behind 8 B pointers.
    let procs = procs.unwrap_or_default();
    let mut shared = Vec::with_capacity(procs.len());
    for p in procs {
        shared.push(Arc::new(p));
    }
    shared
}

fn build(
    r: &mut Reader<'_>,
    section: &Section,
    group_name: &str,
    kind: ProcessKind,
    common: &Common<'_>,
    warnings: &mut Vec<ConfigError>,
) -> Option<Vec<ProcessConfig>> {
    let suffix = section.name.split_once(':').map_or("", |(_, n)| n);
    let program_name = match values::process_or_group_name(suffix) {
        Ok(n) => n,
        Err(msg) => {
            r.error(None, msg, Some(suffix));
            return None;
        }
    };
    let mut names = common.env.clone();
    names.insert("here".into(), s(common.here));
    names.insert("program_name".into(), s(&program_name));
    names.insert("host_node_name".into(), s(&common.ctx.host_node_name));
    names.insert("group_name".into(), s(group_name));
    let once = read_once(r, &names, common.ctx);
    let environment_str = r.get_raw("environment", Some("")).unwrap_or_default();
    let process_name = match values::process_or_group_name(
        &r.get_raw("process_name", Some("%(program_name)s"))
            .unwrap_or_default(),
    ) {
        Ok(n) => Some(n),
        Err(msg) => {
            r.error(Some("process_name"), msg, None);
            None
        }
    };
    let (once, process_name) = (once?, process_name?);
    if once.numprocs > 1 && !process_name.contains("%(process_num)") {
        r.error(
            Some("process_name"),
            "%(process_num) must be present within process_name when numprocs > 1".into(),
            Some(&process_name),
        );
    }
    if once.stopasgroup && !once.killasgroup {
        r.error(
            Some("killasgroup"),
            "Cannot set stopasgroup=true and killasgroup=false".into(),
            None,
        );
    }
    if once.numprocs > MAX_NUMPROCS {
        r.error(
            Some("numprocs"),
            format!(
                "numprocs {} is above the supported maximum ({MAX_NUMPROCS})",
                once.numprocs
            ),
            None,
        );
    }
    if !r.errors.is_empty() {
        return None;
    }
    let mut procs = Vec::with_capacity(usize::try_from(once.numprocs).unwrap_or(0).min(64));
    let end = once.numprocs_start.saturating_add(once.numprocs);
    let mut exp = names.clone();
    for process_num in once.numprocs_start..end {
        exp.insert("process_num".into(), Value::Int(process_num));
        exp.insert("numprocs".into(), Value::Int(once.numprocs));
        exp.extend(common.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        let environment = match expand(&environment_str, &exp, "environment") {
            Ok(text) => r.convert("environment", &text, values::key_value_pairs)?,
            Err(msg) => {
                r.error(Some("environment"), msg, None);
                return None;
            }
        };
        for (k, v) in &environment {
            exp.insert(format!("ENV_{k}").into(), s(v));
        }
        let directory = r.get("directory", None, &exp);
        if r.raw("directory").is_some() && directory.is_none() {
            return None;
        }
        let stdout = stream(r, "stdout", &once.caps[0], &exp, common, warnings);
        let stderr = stream(r, "stderr", &once.caps[1], &exp, common, warnings);
        let (stdout, mut stderr) = (stdout?, stderr?);
        if once.redirect_stderr {
            if !matches!(stderr.logfile, LogFile::Auto | LogFile::None) {
                warnings.push(warning(r, "stderr_logfile", format!(
                    "For [{}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored",
                    section.name
                )));
            }
            stderr.logfile = LogFile::None;
        }
        let Some(command) = r.get("command", None, &exp) else {
            if r.raw("command").is_none() {
                r.error(
                    None,
                    format!(
                        "program section {} does not specify a command",
                        section.name
                    ),
                    None,
                );
            }
            return None;
        };
        let name = match expand(&process_name, &exp, "process_name") {
            Ok(n) => n,
            Err(msg) => {
                r.error(Some("process_name"), msg, None);
                return None;
            }
        };
        procs.push(ProcessConfig {
            program_name: program_name.clone(),
            name,
            group_name: group_name.to_string(),
            procnumber: 0,
            process_num,
            numprocs: once.numprocs,
            kind,
            command,
            directory,
            umask: once.umask,
            priority: once.priority,
            autostart: once.autostart,
            autorestart: once.autorestart,
            startsecs: once.startsecs,
            startretries: once.startretries,
            uid: once.uid,
            stopsignal: once.stopsignal,
            stopwaitsecs: once.stopwaitsecs,
            stopasgroup: once.stopasgroup,
            killasgroup: once.killasgroup,
            exitcodes: once.exitcodes.clone(),
            redirect_stderr: once.redirect_stderr,
            stdout,
            stderr,
            environment,
            serverurl: once.serverurl.clone(),
            section: section.name.clone(),
            path: section.path.clone(),
            line: section.line,
        });
    }
    // Python's stable `list.sort()` with (priority, name) comparisons.
    procs.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    for (i, p) in procs.iter_mut().enumerate() {
        p.procnumber = i;
    }
    Some(procs)
}
