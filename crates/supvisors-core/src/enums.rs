//! Enumerations of Supvisors 0.15 with their wire codes and wire names.
//!
//! Each enum has one place where it converts to and from its integer code and its name, so
//! that the spelling used on the wire (XML-RPC strings, event integers, rules-file names) is
//! defined once.

use std::fmt;

/// A wire name that names no variant of the enum asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{found:?} is not a {kind} (expected one of: {expected})")]
pub struct UnknownName {
    /// The enum that was asked for.
    pub kind: &'static str,
    /// The accepted names, comma-separated.
    pub expected: String,
    /// The text that was given.
    pub found: String,
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:expr),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(i32)]
        #[allow(non_camel_case_types)] // wire names, spelled as the reference spells them
        pub enum $name {
            $($(#[$vmeta])* $variant = $code),+
        }

        impl $name {
            /// Every variant, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The integer exchanged on the wire.
            pub const fn code(self) -> i32 {
                self as i32
            }

            /// The name exchanged on the wire (upper case, as the reference spells it).
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }

            /// The variant with this wire code, if any.
            pub fn from_code(code: i32) -> Option<Self> {
                match code {
                    $(c if c == $code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The variant with exactly this wire name (case-sensitive, as the reference).
            pub fn from_name(name: &str) -> Result<Self, UnknownName> {
                match name {
                    $(stringify!($variant) => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($name),
                        expected: [$(stringify!($variant)),+].join(", "),
                        found: name.to_owned(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

wire_enum! {
    /// States of the Supvisors finite state machine.
    SupvisorsStates {
        /// Before Supervisor is running; also reported for unreachable instances.
        OFF = 0,
        /// Synchronization phase.
        INITIALIZATION = 1,
        /// Automatic start of applications.
        DEPLOYMENT = 2,
        /// Nominal state.
        OPERATION = 3,
        /// Conflicts being solved.
        CONCILIATION = 4,
        /// Stopping all applications before a restart.
        RESTARTING = 5,
        /// Final: restart requested.
        RESTART = 6,
        /// Stopping all applications before a shutdown.
        SHUTTING_DOWN = 7,
        /// Final: shutdown requested.
        SHUTDOWN = 8,
    }
}

wire_enum! {
    /// States of a Supvisors instance as seen by the local one.
    SupvisorsInstanceStates {
        /// Never heard of.
        UNKNOWN = 0,
        /// Handshake in progress.
        CHECKING = 1,
        /// Active.
        RUNNING = 2,
        /// Stopped answering.
        SILENT = 3,
        /// Being isolated.
        ISOLATING = 4,
        /// Isolated: ignored until restart.
        ISOLATED = 5,
    }
}

wire_enum! {
    /// States of an application.
    ApplicationStates {
        /// No process running.
        STOPPED = 0,
        /// Some process starting.
        STARTING = 1,
        /// Running.
        RUNNING = 2,
        /// Some process stopping.
        STOPPING = 3,
        /// Transient: the last process disappeared.
        DELETED = 4,
    }
}

wire_enum! {
    /// Process states of Supervisor, reused as-is by Supvisors.
    ProcessStates {
        /// Stopped (or never started).
        STOPPED = 0,
        /// Started, waiting for `startsecs`.
        STARTING = 10,
        /// Up for more than `startsecs`.
        RUNNING = 20,
        /// Exited too quickly, waiting to retry.
        BACKOFF = 30,
        /// Stop requested, waiting for exit.
        STOPPING = 40,
        /// Exited from RUNNING.
        EXITED = 100,
        /// Could not be started.
        FATAL = 200,
        /// Unknown (internal error).
        UNKNOWN = 1000,
    }
}

impl ProcessStates {
    /// True for STOPPED, EXITED, FATAL and UNKNOWN.
    pub const fn is_stopped(self) -> bool {
        matches!(
            self,
            Self::STOPPED | Self::EXITED | Self::FATAL | Self::UNKNOWN
        )
    }

    /// True for STARTING, RUNNING and BACKOFF.
    pub const fn is_running(self) -> bool {
        matches!(self, Self::STARTING | Self::RUNNING | Self::BACKOFF)
    }
}

wire_enum! {
    /// Strategies choosing the instance where a process starts.
    StartingStrategies {
        /// First candidate in configuration order.
        CONFIG = 0,
        /// Least loaded instance.
        LESS_LOADED = 1,
        /// Most loaded instance that can still take the load.
        MOST_LOADED = 2,
        /// The local instance only.
        LOCAL = 3,
        /// Least loaded node, then least loaded instance on it.
        LESS_LOADED_NODE = 4,
        /// Most loaded node, then most loaded instance on it.
        MOST_LOADED_NODE = 5,
    }
}

wire_enum! {
    /// Strategies solving process conflicts.
    ConciliationStrategies {
        /// Keep the youngest process.
        SENICIDE = 0,
        /// Keep the oldest process.
        INFANTICIDE = 1,
        /// Let the user decide.
        USER = 2,
        /// Stop all the duplicates.
        STOP = 3,
        /// Stop all the duplicates and start one again.
        RESTART = 4,
        /// Apply the running failure strategy.
        RUNNING_FAILURE = 5,
    }
}

wire_enum! {
    /// What to do when a required process fails to start.
    StartingFailureStrategies {
        /// Abort the application start.
        ABORT = 0,
        /// Stop the application.
        STOP = 1,
        /// Carry on.
        CONTINUE = 2,
    }
}

wire_enum! {
    /// What to do when a running process crashes or its instance is lost.
    RunningFailureStrategies {
        /// Do nothing.
        CONTINUE = 0,
        /// Restart the process.
        RESTART_PROCESS = 1,
        /// Stop the application.
        STOP_APPLICATION = 2,
        /// Restart the application.
        RESTART_APPLICATION = 3,
        /// Shut Supvisors down.
        SHUTDOWN = 4,
        /// Restart Supvisors.
        RESTART = 5,
    }
}

wire_enum! {
    /// How the processes of an application may be spread over instances.
    DistributionRules {
        /// Each process on any instance.
        ALL_INSTANCES = 0,
        /// All processes on one instance.
        SINGLE_INSTANCE = 1,
        /// All processes on one node.
        SINGLE_NODE = 2,
    }
}

wire_enum! {
    /// External event publication link.
    EventLinks {
        /// No publication.
        NONE = 0,
        /// ZeroMQ PUB socket.
        ZMQ = 1,
    }
}

wire_enum! {
    /// Fault codes specific to Supvisors.
    SupvisorsFaults {
        /// Configuration error.
        SUPVISORS_CONF_ERROR = 100,
        /// Request not allowed in the current state.
        BAD_SUPVISORS_STATE = 101,
        /// Application not managed by rules.
        NOT_MANAGED = 102,
        /// Program disabled.
        DISABLED = 103,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip() {
        for s in StartingStrategies::ALL {
            assert_eq!(StartingStrategies::from_code(s.code()), Some(*s));
            assert_eq!(StartingStrategies::from_name(s.name()), Ok(*s));
        }
        assert_eq!(ProcessStates::from_code(1000), Some(ProcessStates::UNKNOWN));
        assert_eq!(ProcessStates::BACKOFF.code(), 30);
        assert_eq!(SupvisorsStates::SHUTDOWN.code(), 8);
        assert_eq!(RunningFailureStrategies::RESTART.code(), 5);
    }

    #[test]
    fn names_are_case_sensitive() {
        let err = StartingStrategies::from_name("config").unwrap_err();
        assert_eq!(err.found, "config");
        assert!(err.expected.starts_with("CONFIG, LESS_LOADED"));
    }

    #[test]
    fn running_and_stopped_sets() {
        assert!(ProcessStates::BACKOFF.is_running());
        assert!(!ProcessStates::STOPPING.is_running());
        assert!(!ProcessStates::STOPPING.is_stopped());
        assert!(ProcessStates::FATAL.is_stopped());
    }
}
