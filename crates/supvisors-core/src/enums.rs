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
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:expr => $wire:literal),+ $(,)? }) => {
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
                    $($name::$variant => $wire),+
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
                    $($wire => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($name),
                        expected: [$($wire),+].join(", "),
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
        Off = 0 => "OFF",
        /// Synchronization phase.
        Initialization = 1 => "INITIALIZATION",
        /// Automatic start of applications.
        Deployment = 2 => "DEPLOYMENT",
        /// Nominal state.
        Operation = 3 => "OPERATION",
        /// Conflicts being solved.
        Conciliation = 4 => "CONCILIATION",
        /// Stopping all applications before a restart.
        Restarting = 5 => "RESTARTING",
        /// Final: restart requested.
        Restart = 6 => "RESTART",
        /// Stopping all applications before a shutdown.
        ShuttingDown = 7 => "SHUTTING_DOWN",
        /// Final: shutdown requested.
        Shutdown = 8 => "SHUTDOWN",
    }
}

wire_enum! {
    /// States of a Supvisors instance as seen by the local one.
    SupvisorsInstanceStates {
        /// Never heard of.
        Unknown = 0 => "UNKNOWN",
        /// Handshake in progress.
        Checking = 1 => "CHECKING",
        /// Active.
        Running = 2 => "RUNNING",
        /// Stopped answering.
        Silent = 3 => "SILENT",
        /// Being isolated.
        Isolating = 4 => "ISOLATING",
        /// Isolated: ignored until restart.
        Isolated = 5 => "ISOLATED",
    }
}

wire_enum! {
    /// States of an application.
    ApplicationStates {
        /// No process running.
        Stopped = 0 => "STOPPED",
        /// Some process starting.
        Starting = 1 => "STARTING",
        /// Running.
        Running = 2 => "RUNNING",
        /// Some process stopping.
        Stopping = 3 => "STOPPING",
        /// Transient: the last process disappeared.
        Deleted = 4 => "DELETED",
    }
}

wire_enum! {
    /// Process states of Supervisor, reused as-is by Supvisors.
    ProcessStates {
        /// Stopped (or never started).
        Stopped = 0 => "STOPPED",
        /// Started, waiting for `startsecs`.
        Starting = 10 => "STARTING",
        /// Up for more than `startsecs`.
        Running = 20 => "RUNNING",
        /// Exited too quickly, waiting to retry.
        Backoff = 30 => "BACKOFF",
        /// Stop requested, waiting for exit.
        Stopping = 40 => "STOPPING",
        /// Exited from RUNNING.
        Exited = 100 => "EXITED",
        /// Could not be started.
        Fatal = 200 => "FATAL",
        /// Unknown (internal error).
        Unknown = 1000 => "UNKNOWN",
    }
}

impl ProcessStates {
    /// True for STOPPED, EXITED, FATAL and UNKNOWN.
    pub const fn is_stopped(self) -> bool {
        matches!(
            self,
            Self::Stopped | Self::Exited | Self::Fatal | Self::Unknown
        )
    }

    /// True for STARTING, RUNNING and BACKOFF.
    pub const fn is_running(self) -> bool {
        matches!(self, Self::Starting | Self::Running | Self::Backoff)
    }
}

wire_enum! {
    /// Strategies choosing the instance where a process starts.
    StartingStrategies {
        /// First candidate in configuration order.
        Config = 0 => "CONFIG",
        /// Least loaded instance.
        LessLoaded = 1 => "LESS_LOADED",
        /// Most loaded instance that can still take the load.
        MostLoaded = 2 => "MOST_LOADED",
        /// The local instance only.
        Local = 3 => "LOCAL",
        /// Least loaded node, then least loaded instance on it.
        LessLoadedNode = 4 => "LESS_LOADED_NODE",
        /// Most loaded node, then most loaded instance on it.
        MostLoadedNode = 5 => "MOST_LOADED_NODE",
    }
}

wire_enum! {
    /// Strategies solving process conflicts.
    ConciliationStrategies {
        /// Keep the youngest process.
        Senicide = 0 => "SENICIDE",
        /// Keep the oldest process.
        Infanticide = 1 => "INFANTICIDE",
        /// Let the user decide.
        User = 2 => "USER",
        /// Stop all the duplicates.
        Stop = 3 => "STOP",
        /// Stop all the duplicates and start one again.
        Restart = 4 => "RESTART",
        /// Apply the running failure strategy.
        RunningFailure = 5 => "RUNNING_FAILURE",
    }
}

wire_enum! {
    /// What to do when a required process fails to start.
    StartingFailureStrategies {
        /// Abort the application start.
        Abort = 0 => "ABORT",
        /// Stop the application.
        Stop = 1 => "STOP",
        /// Carry on.
        Continue = 2 => "CONTINUE",
    }
}

wire_enum! {
    /// What to do when a running process crashes or its instance is lost.
    RunningFailureStrategies {
        /// Do nothing.
        Continue = 0 => "CONTINUE",
        /// Restart the process.
        RestartProcess = 1 => "RESTART_PROCESS",
        /// Stop the application.
        StopApplication = 2 => "STOP_APPLICATION",
        /// Restart the application.
        RestartApplication = 3 => "RESTART_APPLICATION",
        /// Shut Supvisors down.
        Shutdown = 4 => "SHUTDOWN",
        /// Restart Supvisors.
        Restart = 5 => "RESTART",
    }
}

wire_enum! {
    /// How the processes of an application may be spread over instances.
    DistributionRules {
        /// Each process on any instance.
        AllInstances = 0 => "ALL_INSTANCES",
        /// All processes on one instance.
        SingleInstance = 1 => "SINGLE_INSTANCE",
        /// All processes on one node.
        SingleNode = 2 => "SINGLE_NODE",
    }
}

wire_enum! {
    /// External event publication link.
    EventLinks {
        /// No publication.
        None = 0 => "NONE",
        /// ZeroMQ PUB socket.
        Zmq = 1 => "ZMQ",
    }
}

wire_enum! {
    /// Fault codes specific to Supvisors.
    SupvisorsFaults {
        /// Configuration error.
        SupvisorsConfError = 100 => "SUPVISORS_CONF_ERROR",
        /// Request not allowed in the current state.
        BadSupvisorsState = 101 => "BAD_SUPVISORS_STATE",
        /// Application not managed by rules.
        NotManaged = 102 => "NOT_MANAGED",
        /// Program disabled.
        Disabled = 103 => "DISABLED",
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
        assert_eq!(ProcessStates::from_code(1000), Some(ProcessStates::Unknown));
        assert_eq!(ProcessStates::Backoff.code(), 30);
        assert_eq!(SupvisorsStates::Shutdown.code(), 8);
        assert_eq!(RunningFailureStrategies::Restart.code(), 5);
    }

    #[test]
    fn names_are_case_sensitive() {
        let err = StartingStrategies::from_name("config").unwrap_err();
        assert_eq!(err.found, "config");
        assert!(err.expected.starts_with("CONFIG, LESS_LOADED"));
    }

    #[test]
    fn running_and_stopped_sets() {
        assert!(ProcessStates::Backoff.is_running());
        assert!(!ProcessStates::Stopping.is_running());
        assert!(!ProcessStates::Stopping.is_stopped());
        assert!(ProcessStates::Fatal.is_stopped());
    }
}
