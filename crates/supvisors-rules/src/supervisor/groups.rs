//! Process groups: `[group:x]` (heterogeneous), implicit groups of `[program:x]`,
//! `[eventlistener:x]` pools and `[fcgi-program:x]` groups, in the reference's order and with
//! its quirks (see `process_groups_from_parser` in Supervisor's `options.py`).

use std::path::PathBuf;

use super::programs::{Common, ProcessConfig, ProcessKind, processes_from_section};
use super::view::{Reader, Section, View};
use crate::error::ConfigError;
use crate::expand::{Names, Value};
use crate::pystr::repr;
use crate::values;

/// Event type names a listener may subscribe to (Supervisor's `EventTypes`).
pub const EVENT_TYPES: &[&str] = &[
    "EVENT",
    "PROCESS_STATE",
    "PROCESS_STATE_STOPPED",
    "PROCESS_STATE_EXITED",
    "PROCESS_STATE_STARTING",
    "PROCESS_STATE_STOPPING",
    "PROCESS_STATE_BACKOFF",
    "PROCESS_STATE_FATAL",
    "PROCESS_STATE_RUNNING",
    "PROCESS_STATE_UNKNOWN",
    "PROCESS_COMMUNICATION",
    "PROCESS_COMMUNICATION_STDOUT",
    "PROCESS_COMMUNICATION_STDERR",
    "PROCESS_LOG",
    "PROCESS_LOG_STDOUT",
    "PROCESS_LOG_STDERR",
    "REMOTE_COMMUNICATION",
    "SUPERVISOR_STATE_CHANGE",
    "SUPERVISOR_STATE_CHANGE_RUNNING",
    "SUPERVISOR_STATE_CHANGE_STOPPING",
    "TICK",
    "TICK_5",
    "TICK_60",
    "TICK_3600",
    "PROCESS_GROUP",
    "PROCESS_GROUP_ADDED",
    "PROCESS_GROUP_REMOVED",
];

/// The only result handler this implementation provides.
pub const DEFAULT_RESULT_HANDLER: &str = "supervisor.dispatchers:default_handler";

/// The listening socket of a FastCGI group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FcgiSocket {
    /// `unix:///abs/path`.
    Unix {
        /// Normalised absolute path.
        path: PathBuf,
        /// `socket_owner` (uid, gid), or the program user's when it differs from ours.
        owner: Option<(u32, Option<u32>)>,
        /// `socket_mode` (default 0o700).
        mode: u32,
        /// `socket_backlog` (default: the system's SOMAXCONN).
        backlog: Option<i64>,
    },
    /// `tcp://host:port`.
    Tcp {
        /// Host, lower-cased.
        host: String,
        /// Port.
        port: u16,
        /// `socket_backlog`.
        backlog: Option<i64>,
    },
}

/// What kind of group this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupKind {
    /// The implicit group of one `[program:x]`.
    Homogeneous,
    /// A `[group:x]` section.
    Heterogeneous {
        /// The `programs` list as written.
        programs: Vec<String>,
    },
    /// An `[eventlistener:x]` pool.
    EventListenerPool {
        /// Subscribed event type names, upper-cased, duplicates removed.
        events: Vec<String>,
        /// `buffer_size` (default 10).
        buffer_size: i64,
        /// `result_handler`.
        result_handler: String,
    },
    /// A `[fcgi-program:x]` group.
    Fcgi {
        /// Its socket.
        socket: FcgiSocket,
    },
}

/// One process group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// Group name.
    pub name: String,
    /// Group priority.
    pub priority: i64,
    /// Kind and kind-specific options.
    pub kind: GroupKind,
    /// Processes, each program's sorted by (priority, name), programs in list order.
    pub processes: Vec<ProcessConfig>,
    /// Section that defined the group.
    pub section: String,
    /// File of that section.
    pub path: PathBuf,
    /// Line of its header.
    pub line: u32,
}

fn group(
    name: String,
    priority: i64,
    kind: GroupKind,
    processes: Vec<ProcessConfig>,
    s: &Section,
) -> GroupConfig {
    GroupConfig {
        name,
        priority,
        kind,
        processes,
        section: s.name.clone(),
        path: s.path.clone(),
        line: s.line,
    }
}

fn suffix(section: &Section) -> &str {
    section.name.split_once(':').map_or("", |(_, n)| n)
}

/// All groups, sorted by (priority, name) with a stable sort.
pub(crate) fn groups_from_view(
    view: &View,
    common: &Common<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Vec<GroupConfig> {
    let mut names: Names = common.env.clone();
    names.insert("here".into(), Value::Str(common.here.into()));
    let mut groups = Vec::new();
    let mut exclude: Vec<String> = Vec::new();
    let record = |r: Reader<'_>, errors: &mut Vec<ConfigError>| errors.extend(r.errors);

    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("group:"))
    {
        let mut r = Reader::new(view, section);
        let name = r.convert("programs", suffix(section), values::process_or_group_name);
        let programs =
            values::list_of_strings(&r.get("programs", None, &names).unwrap_or_default());
        let priority = r.typed("priority", "999", &names, values::integer);
        let (Some(name), Some(priority)) = (name, priority) else {
            record(r, errors);
            continue;
        };
        // Quirk: after the first member, messages name the previous member's section.
        let mut shown = section.name.clone();
        let mut processes = Vec::new();
        for program in &programs {
            let p = format!("program:{program}");
            let f = format!("fcgi-program:{program}");
            let member = match (view.section(&p), view.section(&f)) {
                (None, None) => {
                    r.error(
                        Some("programs"),
                        format!("[{shown}] names unknown program or fcgi-program {program}"),
                        None,
                    );
                    continue;
                }
                (Some(_), Some(_)) => {
                    r.error(Some("programs"), format!("[{shown}] name {program} is ambiguous (exists as program and fcgi-program)"), None);
                    continue;
                }
                (Some(s), None) | (None, Some(s)) => s,
            };
            shown = member.name.clone();
            exclude.push(member.name.clone());
            processes.extend(processes_from_section(
                view,
                member,
                &name,
                ProcessKind::Program,
                common,
                errors,
                warnings,
            ));
        }
        record(r, errors);
        groups.push(group(
            name,
            priority,
            GroupKind::Heterogeneous { programs },
            processes,
            section,
        ));
    }

    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("program:") && !exclude.contains(&s.name))
    {
        let mut r = Reader::new(view, section);
        let name = r.convert("program", suffix(section), values::process_or_group_name);
        let priority = r.typed("priority", "999", &names, values::integer);
        record(r, errors);
        if let (Some(name), Some(priority)) = (name, priority) {
            let procs = processes_from_section(
                view,
                section,
                &name,
                ProcessKind::Program,
                common,
                errors,
                warnings,
            );
            groups.push(group(
                name,
                priority,
                GroupKind::Homogeneous,
                procs,
                section,
            ));
        }
    }

    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("eventlistener:"))
    {
        if let Some(g) = listener_pool(view, section, &names, common, errors, warnings) {
            groups.push(g);
        }
    }

    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("fcgi-program:") && !exclude.contains(&s.name))
    {
        if let Some(g) = fcgi_group(view, section, &names, common, errors, warnings) {
            groups.push(g);
        }
    }

    groups.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    groups
}

fn listener_pool(
    view: &View,
    section: &Section,
    names: &Names,
    common: &Common<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<GroupConfig> {
    let mut r = Reader::new(view, section);
    let pool_name = suffix(section).to_string();
    let priority = r.typed("priority", "-1", names, values::integer);
    let buffer_size = r.typed("buffer_size", "10", names, values::integer);
    if let Some(size) = buffer_size.filter(|s| *s < 1) {
        r.error(
            Some("buffer_size"),
            format!(
                "[{}] section sets invalid buffer_size ({size})",
                section.name
            ),
            None,
        );
    }
    let handler = r.get("result_handler", Some(DEFAULT_RESULT_HANDLER), names);
    if let Some(h) = handler.as_deref().filter(|h| *h != DEFAULT_RESULT_HANDLER) {
        r.error(
            Some("result_handler"),
            format!("{h} cannot be resolved within [{}]", section.name),
            None,
        );
    }
    let mut events: Vec<String> = Vec::new();
    for e in values::list_of_strings(&r.get("events", Some(""), names).unwrap_or_default()) {
        let e = e.to_uppercase();
        if !events.contains(&e) {
            events.push(e);
        }
    }
    if events.is_empty() {
        r.error(
            Some("events"),
            format!("[{}] section requires an \"events\" line", section.name),
            None,
        );
    }
    for e in events.iter().filter(|e| !EVENT_TYPES.contains(&e.as_str())) {
        r.error(
            Some("events"),
            format!("Unknown event type {e} in [{}] events", section.name),
            None,
        );
    }
    if r.typed("redirect_stderr", "false", names, values::boolean) == Some(true) {
        r.error(
            Some("redirect_stderr"),
            format!(
                "[{}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol",
                section.name
            ),
            None,
        );
    }
    let failed = !r.errors.is_empty();
    errors.extend(r.errors);
    if failed {
        return None;
    }
    let processes = processes_from_section(
        view,
        section,
        &pool_name,
        ProcessKind::EventListener,
        common,
        errors,
        warnings,
    );
    let kind = GroupKind::EventListenerPool {
        events,
        buffer_size: buffer_size?,
        result_handler: handler?,
    };
    Some(group(pool_name, priority?, kind, processes, section))
}

fn fcgi_group(
    view: &View,
    section: &Section,
    names: &Names,
    common: &Common<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<GroupConfig> {
    let accounts = common.ctx.accounts;
    let mut r = Reader::new(view, section);
    let name = r.convert("socket", suffix(section), values::process_or_group_name);
    let priority = r.typed("priority", "999", names, values::integer);
    let proc_uid = match r.get("user", None, names) {
        Some(u) => r
            .convert("user", &u, |v| values::name_to_uid(v, accounts))
            .map(Some),
        None => Some(None),
    };
    let backlog = match r.get("socket_backlog", None, names) {
        Some(b) => r.convert("socket_backlog", &b, |v| match values::integer(v)? {
            n if (1..=65535).contains(&n) => Ok(Some(n)),
            n => Err(format!("Invalid socket_backlog value {n}")),
        }),
        None => Some(None),
    };
    let owner = match r.get("socket_owner", None, names) {
        Some(o) => r.convert("socket_owner", &o, |v| {
            values::user_group(v, accounts)
                .map(Some)
                .map_err(|_| format!("Invalid socket_owner value {v}"))
        }),
        None => Some(None),
    };
    let mode = match r.get("socket_mode", None, names) {
        Some(m) => r.convert("socket_mode", &m, |v| {
            values::octal(v)
                .map(Some)
                .map_err(|_| format!("Invalid socket_mode value {v}"))
        }),
        None => Some(None),
    };
    let mut socket_names = names.clone();
    if let Some(n) = &name {
        socket_names.insert("program_name".into(), Value::Str(n.clone()));
    }
    let socket_text = r.get("socket", None, &socket_names);
    let socket = match (&socket_text, r.raw("socket")) {
        (Some(t), _) if !t.is_empty() => match (proc_uid, owner, mode, backlog) {
            (Some(uid), Some(owner), Some(mode), Some(backlog)) => {
                match parse_socket(t, uid, owner, mode, backlog, common) {
                    Ok(s) => Some(s),
                    Err(msg) => {
                        r.error(
                            Some("socket"),
                            format!("{msg} in [{}] socket", section.name),
                            Some(t),
                        );
                        None
                    }
                }
            }
            _ => None,
        },
        (None, Some(_)) => None,
        _ => {
            r.error(
                Some("socket"),
                format!("[{}] section requires a \"socket\" line", section.name),
                None,
            );
            None
        }
    };
    let failed = !r.errors.is_empty();
    errors.extend(r.errors);
    if failed {
        return None;
    }
    let (name, priority, socket) = (name?, priority?, socket?);
    let processes = processes_from_section(
        view,
        section,
        &name,
        ProcessKind::FastCgi,
        common,
        errors,
        warnings,
    );
    Some(group(
        name,
        priority,
        GroupKind::Fcgi { socket },
        processes,
        section,
    ))
}

/// `parse_fcgi_socket`, with the reference's messages (two-argument `ValueError`s print as
/// tuples, as they do in Python).
fn parse_socket(
    sock: &str,
    proc_uid: Option<u32>,
    owner: Option<(u32, Option<u32>)>,
    mode: Option<u32>,
    backlog: Option<i64>,
    common: &Common<'_>,
) -> Result<FcgiSocket, String> {
    if let Some(path) = sock.strip_prefix("unix://") {
        if !path.starts_with('/') {
            return Err(format!(
                "('Unix socket path %s is not an absolute path', {})",
                repr(path)
            ));
        }
        let path = values::normalize_path(path, common.ctx);
        let owner = owner.or_else(|| {
            let uid = proc_uid?;
            if common.ctx.accounts.current_uid() == Some(uid) {
                return None;
            }
            let gid = common.ctx.accounts.user_by_id(uid).map(|u| u.gid);
            Some((uid, gid))
        });
        return Ok(FcgiSocket::Unix {
            path,
            owner,
            mode: mode.unwrap_or(0o700),
            backlog,
        });
    }
    if owner.is_some() || mode.is_some() {
        return Err(
            "socket_owner and socket_mode params should only be used with a Unix domain socket"
                .into(),
        );
    }
    let bad = || format!("('Bad socket format %s', {})", repr(sock));
    let rest = sock.strip_prefix("tcp://").ok_or_else(bad)?;
    let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty()
        || host.chars().any(|c| c == ':' || crate::pystr::is_space(c))
        || port.is_empty()
        || !port.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let n = values::integer(port)?;
    if n < 1 {
        return Err(format!("{n} is below lower bound (1)"));
    }
    let port = u16::try_from(n).map_err(|_| format!("{n} is above upper bound (65535)"))?;
    Ok(FcgiSocket::Tcp {
        host: host.to_lowercase(),
        port,
        backlog,
    })
}
