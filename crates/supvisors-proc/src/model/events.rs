//! Events supervisord emits (spec §7.4): their type names, the type hierarchy used by
//! subscriptions, and the text payloads sent to listeners.

use super::host::Channel;
use super::state::ProcessState;

/// One emitted event, with the values the reference renders when the event is created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `PROCESS_STATE_<to>`.
    ProcessState {
        /// Group name.
        group: String,
        /// Process name.
        name: String,
        /// State left.
        from: ProcessState,
        /// State entered.
        to: ProcessState,
        /// Pid at the time of the change (0 when none).
        pid: i32,
        /// The backoff counter at the time of the change (`tries`).
        tries: i64,
        /// For EXITED: whether the exit status was in `exitcodes`.
        expected: bool,
    },
    /// `PROCESS_LOG_STDOUT` / `PROCESS_LOG_STDERR`: one chunk written to a child log.
    ProcessLog {
        /// Group name.
        group: String,
        /// Process name.
        name: String,
        /// Child pid.
        pid: i32,
        /// Channel.
        channel: Channel,
        /// The chunk.
        data: Vec<u8>,
    },
    /// `PROCESS_COMMUNICATION_STDOUT` / `_STDERR`: data captured between the tokens.
    ProcessCommunication {
        /// Group name.
        group: String,
        /// Process name.
        name: String,
        /// Child pid.
        pid: i32,
        /// Channel.
        channel: Channel,
        /// Captured bytes.
        data: Vec<u8>,
    },
    /// `REMOTE_COMMUNICATION` from `sendRemoteCommEvent`.
    RemoteCommunication {
        /// The `type` argument.
        kind: String,
        /// The `data` argument.
        data: String,
    },
    /// `SUPERVISOR_STATE_CHANGE_RUNNING`.
    SupervisorRunning,
    /// `SUPERVISOR_STATE_CHANGE_STOPPING`.
    SupervisorStopping,
    /// `TICK_5`, `TICK_60`, `TICK_3600`.
    Tick {
        /// 5, 60 or 3600.
        period: u32,
        /// The start of the period slice (epoch seconds).
        when: i64,
    },
    /// `PROCESS_GROUP_ADDED`.
    ProcessGroupAdded(String),
    /// `PROCESS_GROUP_REMOVED`.
    ProcessGroupRemoved(String),
    /// `PROCESS_ADDED` / `PROCESS_REMOVED` / `PROCESS_ENABLED` / `PROCESS_DISABLED`: the event
    /// types Supvisors registers (abstract parent `PROCESS`), emitted in Supvisors mode only.
    Supvisors {
        /// Which of the four.
        kind: SupvisorsEventKind,
        /// Group name.
        group: String,
        /// Process name.
        name: String,
    },
}

/// The four Supervisor event types Supvisors adds (interfaces §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupvisorsEventKind {
    /// A process was created by `update_numprocs`.
    Added,
    /// A process was deleted after an `update_numprocs` decrease.
    Removed,
    /// The program of the process was enabled.
    Enabled,
    /// The program of the process was disabled.
    Disabled,
}

impl SupvisorsEventKind {
    /// The event type name.
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::Added => "PROCESS_ADDED",
            Self::Removed => "PROCESS_REMOVED",
            Self::Enabled => "PROCESS_ENABLED",
            Self::Disabled => "PROCESS_DISABLED",
        }
    }
}

/// The event type names a listener may subscribe to in Supvisors mode, besides Supervisor's.
pub const SUPVISORS_EVENT_TYPES: [&str; 5] = [
    "PROCESS",
    "PROCESS_ADDED",
    "PROCESS_REMOVED",
    "PROCESS_ENABLED",
    "PROCESS_DISABLED",
];

impl Event {
    /// The concrete type name (`eventname:` of the envelope).
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ProcessState { to, .. } => match to {
                ProcessState::Stopped => "PROCESS_STATE_STOPPED",
                ProcessState::Starting => "PROCESS_STATE_STARTING",
                ProcessState::Running => "PROCESS_STATE_RUNNING",
                ProcessState::Backoff => "PROCESS_STATE_BACKOFF",
                ProcessState::Stopping => "PROCESS_STATE_STOPPING",
                ProcessState::Exited => "PROCESS_STATE_EXITED",
                ProcessState::Fatal => "PROCESS_STATE_FATAL",
                ProcessState::Unknown => "PROCESS_STATE_UNKNOWN",
            },
            Self::ProcessLog { channel, .. } => match channel {
                Channel::Stdout => "PROCESS_LOG_STDOUT",
                Channel::Stderr => "PROCESS_LOG_STDERR",
            },
            Self::ProcessCommunication { channel, .. } => match channel {
                Channel::Stdout => "PROCESS_COMMUNICATION_STDOUT",
                Channel::Stderr => "PROCESS_COMMUNICATION_STDERR",
            },
            Self::RemoteCommunication { .. } => "REMOTE_COMMUNICATION",
            Self::SupervisorRunning => "SUPERVISOR_STATE_CHANGE_RUNNING",
            Self::SupervisorStopping => "SUPERVISOR_STATE_CHANGE_STOPPING",
            Self::Tick { period: 5, .. } => "TICK_5",
            Self::Tick { period: 60, .. } => "TICK_60",
            Self::Tick { .. } => "TICK_3600",
            Self::ProcessGroupAdded(_) => "PROCESS_GROUP_ADDED",
            Self::ProcessGroupRemoved(_) => "PROCESS_GROUP_REMOVED",
            Self::Supvisors { kind, .. } => kind.type_name(),
        }
    }

    /// Whether this event is of type `subscribed` or one of its subtypes (`EVENT` matches all).
    pub fn is_a(&self, subscribed: &str) -> bool {
        let name = self.type_name();
        // `PROCESS` is the parent of Supvisors' four types only, not of `PROCESS_STATE_*`.
        if let Self::Supvisors { .. } = self {
            return subscribed == "EVENT" || subscribed == name || subscribed == "PROCESS";
        }
        subscribed == "EVENT" || subscribed == name || parent_of(name) == Some(subscribed)
    }

    /// The payload text sent to listeners.
    pub fn payload(&self) -> String {
        match self {
            Self::ProcessState {
                group,
                name,
                from,
                to,
                pid,
                tries,
                expected,
            } => {
                let head = format!(
                    "processname:{name} groupname:{group} from_state:{}",
                    from.name()
                );
                match to {
                    ProcessState::Starting | ProcessState::Backoff => {
                        format!("{head} tries:{tries}")
                    }
                    ProcessState::Exited => {
                        format!("{head} expected:{} pid:{pid}", i32::from(*expected))
                    }
                    ProcessState::Running | ProcessState::Stopping | ProcessState::Stopped => {
                        format!("{head} pid:{pid}")
                    }
                    ProcessState::Fatal | ProcessState::Unknown => head,
                }
            }
            Self::ProcessLog {
                group,
                name,
                pid,
                channel,
                data,
            } => format!(
                "processname:{name} groupname:{group} pid:{pid} channel:{}\n{}",
                channel.name(),
                decode(data)
            ),
            Self::ProcessCommunication {
                group,
                name,
                pid,
                data,
                ..
            } => format!(
                "processname:{name} groupname:{group} pid:{pid}\n{}",
                decode(data)
            ),
            Self::RemoteCommunication { kind, data } => format!("type:{kind}\n{data}"),
            Self::SupervisorRunning | Self::SupervisorStopping => String::new(),
            Self::Tick { when, .. } => format!("when:{when}"),
            Self::ProcessGroupAdded(g) | Self::ProcessGroupRemoved(g) => {
                format!("groupname:{g}\n")
            }
            // The trailing space is the reference's.
            Self::Supvisors { group, name, .. } => format!("processname:{name} groupname:{group} "),
        }
    }
}

/// The abstract parent of a concrete type name.
fn parent_of(name: &str) -> Option<&'static str> {
    [
        "PROCESS_STATE",
        "PROCESS_LOG",
        "PROCESS_COMMUNICATION",
        "SUPERVISOR_STATE_CHANGE",
        "TICK",
        "PROCESS_GROUP",
    ]
    .into_iter()
    .find(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('_'))
    })
}

/// Text of child output as the reference renders it: UTF-8, or `Undecodable: b'...'`.
pub fn decode(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => format!("Undecodable: {}", bytes_repr(data)),
    }
}

/// Python's `repr()` of a bytes object.
pub fn bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// The envelope header + payload written to a listener's stdin (spec §7.3). `len` counts
/// characters, as the reference does.
pub fn envelope(
    identifier: &str,
    serial: u64,
    pool: &str,
    poolserial: u64,
    event: &Event,
) -> String {
    let payload = event.payload();
    format!(
        "ver:3.0 server:{identifier} serial:{serial} pool:{pool} poolserial:{poolserial} eventname:{} len:{}\n{payload}",
        event.type_name(),
        payload.chars().count()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtypes_match_their_parents() {
        let e = Event::Tick {
            period: 5,
            when: 10,
        };
        assert!(e.is_a("TICK") && e.is_a("EVENT") && e.is_a("TICK_5"));
        assert!(!e.is_a("TICK_60") && !e.is_a("PROCESS_STATE"));
        let g = Event::ProcessGroupAdded("lst".into());
        assert!(g.is_a("PROCESS_GROUP") && !g.is_a("PROCESS_STATE"));
        assert_eq!(g.payload(), "groupname:lst\n");
    }

    #[test]
    fn supvisors_types_have_process_as_parent() {
        let e = Event::Supvisors {
            kind: SupvisorsEventKind::Disabled,
            group: "g".into(),
            name: "p".into(),
        };
        assert_eq!(e.type_name(), "PROCESS_DISABLED");
        assert!(e.is_a("PROCESS") && e.is_a("EVENT") && e.is_a("PROCESS_DISABLED"));
        assert!(!e.is_a("PROCESS_ENABLED") && !e.is_a("PROCESS_STATE"));
        assert_eq!(e.payload(), "processname:p groupname:g ");
        let state = Event::ProcessState {
            group: "g".into(),
            name: "p".into(),
            from: ProcessState::Stopped,
            to: ProcessState::Starting,
            pid: 0,
            tries: 0,
            expected: true,
        };
        assert!(!state.is_a("PROCESS"));
    }

    #[test]
    fn undecodable_data_is_shown_as_python_bytes() {
        assert_eq!(decode(b"ok"), "ok");
        assert_eq!(decode(b"a\xff'"), "Undecodable: b\"a\\xff'\"");
    }
}
