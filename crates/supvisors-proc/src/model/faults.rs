//! XML-RPC faults of the `supervisor` namespace (spec §3.2): a code with its name, and an
//! optional detail. The codec turns a [`Fault`] into `faultCode`/`faultString`.

use std::fmt;

/// The fault codes of supervisord 4.3.0, then those Supvisors 0.15 adds (100–103).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum FaultCode {
    /// 1
    UnknownMethod = 1,
    /// 2
    IncorrectParameters = 2,
    /// 3
    BadArguments = 3,
    /// 4
    SignatureUnsupported = 4,
    /// 6
    ShutdownState = 6,
    /// 10
    BadName = 10,
    /// 11
    BadSignal = 11,
    /// 20
    NoFile = 20,
    /// 21
    NotExecutable = 21,
    /// 30
    Failed = 30,
    /// 40
    AbnormalTermination = 40,
    /// 50
    SpawnError = 50,
    /// 60
    AlreadyStarted = 60,
    /// 70
    NotRunning = 70,
    /// 80 (never a fault; the `status` of a successful result struct)
    Success = 80,
    /// 90
    AlreadyAdded = 90,
    /// 91
    StillRunning = 91,
    /// 92
    CantReread = 92,
    /// 100 (Supvisors)
    SupvisorsConfError = 100,
    /// 101 (Supvisors)
    BadSupvisorsState = 101,
    /// 102 (Supvisors)
    NotManaged = 102,
    /// 103 (Supvisors)
    Disabled = 103,
}

impl FaultCode {
    /// Every code, in numeric order.
    pub const ALL: [FaultCode; 22] = [
        Self::UnknownMethod,
        Self::IncorrectParameters,
        Self::BadArguments,
        Self::SignatureUnsupported,
        Self::ShutdownState,
        Self::BadName,
        Self::BadSignal,
        Self::NoFile,
        Self::NotExecutable,
        Self::Failed,
        Self::AbnormalTermination,
        Self::SpawnError,
        Self::AlreadyStarted,
        Self::NotRunning,
        Self::Success,
        Self::AlreadyAdded,
        Self::StillRunning,
        Self::CantReread,
        Self::SupvisorsConfError,
        Self::BadSupvisorsState,
        Self::NotManaged,
        Self::Disabled,
    ];

    /// The code with this number, if Supervisor defines one.
    pub fn from_code(code: i32) -> Option<FaultCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The numeric `faultCode`.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The name used in `faultString`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::UnknownMethod => "UNKNOWN_METHOD",
            Self::IncorrectParameters => "INCORRECT_PARAMETERS",
            Self::BadArguments => "BAD_ARGUMENTS",
            Self::SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
            Self::ShutdownState => "SHUTDOWN_STATE",
            Self::BadName => "BAD_NAME",
            Self::BadSignal => "BAD_SIGNAL",
            Self::NoFile => "NO_FILE",
            Self::NotExecutable => "NOT_EXECUTABLE",
            Self::Failed => "FAILED",
            Self::AbnormalTermination => "ABNORMAL_TERMINATION",
            Self::SpawnError => "SPAWN_ERROR",
            Self::AlreadyStarted => "ALREADY_STARTED",
            Self::NotRunning => "NOT_RUNNING",
            Self::Success => "SUCCESS",
            Self::AlreadyAdded => "ALREADY_ADDED",
            Self::StillRunning => "STILL_RUNNING",
            Self::CantReread => "CANT_REREAD",
            Self::SupvisorsConfError => "SUPVISORS_CONF_ERROR",
            Self::BadSupvisorsState => "BAD_SUPVISORS_STATE",
            Self::NotManaged => "NOT_MANAGED",
            Self::Disabled => "DISABLED",
        }
    }
}

impl fmt::Display for FaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault raised by a `supervisor.*` method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Which fault.
    pub code: FaultCode,
    /// The text after `NAME: `, if any.
    pub detail: Option<String>,
}

impl Fault {
    /// A fault with a detail text.
    pub fn new(code: FaultCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: Some(detail.into()),
        }
    }

    /// A fault without detail (`faultString` is the bare name).
    pub const fn bare(code: FaultCode) -> Self {
        Self { code, detail: None }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}: {d}", self.code.name()),
            None => f.write_str(self.code.name()),
        }
    }
}

impl std::error::Error for Fault {}
