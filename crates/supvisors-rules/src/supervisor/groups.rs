//! Process groups: `[group:x]` (heterogeneous), implicit groups of `[program:x]`,
//! `[eventlistener:x]` pools and `[fcgi-program:x]` groups, in the reference's order and with
//! its quirks (see `process_groups_from_parser` in Supervisor's `options.py`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::fcgi::{FcgiSocket, fcgi_group};
use super::programs::{Common, ProcessConfig, ProcessKind, processes_from_section};
use super::view::{Reader, Section, View};
use crate::error::ConfigError;
use crate::expand::{Names, Value};
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
    pub processes: Vec<Arc<ProcessConfig>>,
    /// Section that defined the group.
    pub section: String,
    /// File of that section.
    pub path: PathBuf,
    /// Line of its header.
    pub line: u32,
}

pub(crate) fn group(
    name: String,
    priority: i64,
    kind: GroupKind,
    processes: Vec<Arc<ProcessConfig>>,
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

pub(crate) fn suffix(section: &Section) -> &str {
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
    let mut exclude: HashSet<String> = HashSet::new();
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
            exclude.insert(member.name.clone());
            // Keep the reference's order: earlier members' problems come first.
            errors.append(&mut r.errors);
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
