//! The state enums of supervisord with their wire codes and names (spec §2.1).

/// The state of one supervised process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ProcessState {
    /// Not running, by request or never started.
    Stopped = 0,
    /// Spawned, waiting for `startsecs`.
    Starting = 10,
    /// Up for more than `startsecs`.
    Running = 20,
    /// A start attempt failed; waiting before the next one.
    Backoff = 30,
    /// A stop signal was sent; waiting for the exit.
    Stopping = 40,
    /// Exited on its own from RUNNING.
    Exited = 100,
    /// Too many failed start attempts.
    Fatal = 200,
    /// Signalling failed in an unexpected way.
    Unknown = 1000,
}

impl ProcessState {
    /// The wire code (`state` field).
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The wire name (`statename` field).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Stopped => "STOPPED",
            Self::Starting => "STARTING",
            Self::Running => "RUNNING",
            Self::Backoff => "BACKOFF",
            Self::Stopping => "STOPPING",
            Self::Exited => "EXITED",
            Self::Fatal => "FATAL",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// STOPPED, EXITED, FATAL, UNKNOWN.
    pub const fn is_stopped(self) -> bool {
        matches!(
            self,
            Self::Stopped | Self::Exited | Self::Fatal | Self::Unknown
        )
    }

    /// RUNNING, BACKOFF, STARTING (STOPPING is in neither class).
    pub const fn is_running(self) -> bool {
        matches!(self, Self::Running | Self::Backoff | Self::Starting)
    }

    /// RUNNING, STARTING, STOPPING.
    pub const fn is_signallable(self) -> bool {
        matches!(self, Self::Running | Self::Starting | Self::Stopping)
    }
}

/// The daemon's mood, as `getState` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum SupervisorState {
    /// Shutting down (`shutdown()`, SIGTERM/INT/QUIT).
    Shutdown = -1,
    /// Stopping everything before re-initialising (`restart()`, SIGHUP).
    Restarting = 0,
    /// Normal operation.
    Running = 1,
    /// Declared by the reference, never set.
    Fatal = 2,
}

impl SupervisorState {
    /// The wire code (`statecode`).
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The wire name (`statename`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Shutdown => "SHUTDOWN",
            Self::Restarting => "RESTARTING",
            Self::Running => "RUNNING",
            Self::Fatal => "FATAL",
        }
    }
}

/// The protocol state of an event listener process (spec §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ListenerState {
    /// May receive one event.
    Ready = 10,
    /// An event was sent; waiting for its result.
    Busy = 20,
    /// Initial state, and after a result: waiting for `READY`.
    Acknowledged = 30,
    /// Protocol violation: receives nothing until respawned.
    Unknown = 40,
}

impl ListenerState {
    /// The reference's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ready => "READY",
            Self::Busy => "BUSY",
            Self::Acknowledged => "ACKNOWLEDGED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// Main-log levels (`CRIT` … `BLAT`): the configuration's type, one for the whole daemon.
pub use supvisors_rules::values::LogLevel as Level;
