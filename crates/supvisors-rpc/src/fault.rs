//! XML-RPC faults with Supervisor's codes and names.

use std::fmt;

use crate::value::Value;

/// The fault codes of Supervisor 4.3.0 (`xmlrpc.Faults`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum FaultCode {
    /// Method name not `ns.method`, unknown or private.
    UnknownMethod = 1,
    /// Wrong argument count or type.
    IncorrectParameters = 2,
    /// Invalid argument value (log offsets).
    BadArguments = 3,
    /// `methodHelp`/`methodSignature` on an unknown method.
    SignatureUnsupported = 4,
    /// The daemon is shutting down or restarting.
    ShutdownState = 6,
    /// Unknown process or group name.
    BadName = 10,
    /// Unparsable signal.
    BadSignal = 11,
    /// Missing file (command, log, stdin).
    NoFile = 20,
    /// Command not executable.
    NotExecutable = 21,
    /// Generic failure.
    Failed = 30,
    /// Process left STARTING/RUNNING while a start was waiting.
    AbnormalTermination = 40,
    /// Spawn failed or the process exited too quickly.
    SpawnError = 50,
    /// Start on a running process.
    AlreadyStarted = 60,
    /// Stop/signal/stdin on a process that is not running.
    NotRunning = 70,
    /// Success status in group result structs (never a fault).
    Success = 80,
    /// `addProcessGroup` on an active group.
    AlreadyAdded = 90,
    /// `removeProcessGroup` on a group with running processes.
    StillRunning = 91,
    /// `reloadConfig` could not parse the configuration.
    CantReread = 92,
}

impl FaultCode {
    /// Every code, in numeric order.
    pub const ALL: [FaultCode; 18] = [
        FaultCode::UnknownMethod,
        FaultCode::IncorrectParameters,
        FaultCode::BadArguments,
        FaultCode::SignatureUnsupported,
        FaultCode::ShutdownState,
        FaultCode::BadName,
        FaultCode::BadSignal,
        FaultCode::NoFile,
        FaultCode::NotExecutable,
        FaultCode::Failed,
        FaultCode::AbnormalTermination,
        FaultCode::SpawnError,
        FaultCode::AlreadyStarted,
        FaultCode::NotRunning,
        FaultCode::Success,
        FaultCode::AlreadyAdded,
        FaultCode::StillRunning,
        FaultCode::CantReread,
    ];

    /// The numeric wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The wire name (`BAD_NAME`...).
    pub fn name(self) -> &'static str {
        match self {
            FaultCode::UnknownMethod => "UNKNOWN_METHOD",
            FaultCode::IncorrectParameters => "INCORRECT_PARAMETERS",
            FaultCode::BadArguments => "BAD_ARGUMENTS",
            FaultCode::SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
            FaultCode::ShutdownState => "SHUTDOWN_STATE",
            FaultCode::BadName => "BAD_NAME",
            FaultCode::BadSignal => "BAD_SIGNAL",
            FaultCode::NoFile => "NO_FILE",
            FaultCode::NotExecutable => "NOT_EXECUTABLE",
            FaultCode::Failed => "FAILED",
            FaultCode::AbnormalTermination => "ABNORMAL_TERMINATION",
            FaultCode::SpawnError => "SPAWN_ERROR",
            FaultCode::AlreadyStarted => "ALREADY_STARTED",
            FaultCode::NotRunning => "NOT_RUNNING",
            FaultCode::Success => "SUCCESS",
            FaultCode::AlreadyAdded => "ALREADY_ADDED",
            FaultCode::StillRunning => "STILL_RUNNING",
            FaultCode::CantReread => "CANT_REREAD",
        }
    }

    /// The code with this number, if Supervisor defines one.
    pub fn from_code(code: i32) -> Option<FaultCode> {
        FaultCode::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl fmt::Display for FaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An XML-RPC fault as sent on the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{string}")]
pub struct Fault {
    /// `faultCode`.
    pub code: i32,
    /// `faultString`: the name, or `NAME: detail`.
    pub string: String,
}

impl Fault {
    /// A fault `NAME` or `NAME: detail` (the detail is omitted only when `None`).
    pub fn new(code: FaultCode, detail: Option<impl fmt::Display>) -> Self {
        let string = match detail {
            Some(detail) => format!("{}: {}", code.name(), detail),
            None => code.name().to_owned(),
        };
        Fault {
            code: code.code(),
            string,
        }
    }

    /// A fault without detail.
    pub fn bare(code: FaultCode) -> Self {
        Fault::new(code, None::<&str>)
    }

    /// A fault with arbitrary code and text (for faults received by the client).
    pub fn raw(code: i32, string: impl Into<String>) -> Self {
        Fault {
            code,
            string: string.into(),
        }
    }

    /// The `{faultCode, faultString}` struct.
    pub fn to_value(&self) -> Value {
        Value::Struct(vec![
            ("faultCode".to_owned(), Value::Int(self.code)),
            ("faultString".to_owned(), Value::String(self.string.clone())),
        ])
    }

    /// The known code of this fault, if any.
    pub fn kind(&self) -> Option<FaultCode> {
        FaultCode::from_code(self.code)
    }
}

impl From<FaultCode> for Fault {
    fn from(code: FaultCode) -> Self {
        Fault::bare(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_string_is_name_or_name_colon_detail() {
        assert_eq!(Fault::bare(FaultCode::NoFile).string, "NO_FILE");
        let f = Fault::new(FaultCode::NoFile, Some("/tmp/x.log"));
        assert_eq!((f.code, f.string.as_str()), (20, "NO_FILE: /tmp/x.log"));
        assert_eq!(
            Fault::new(FaultCode::BadName, Some("")).string,
            "BAD_NAME: "
        );
    }

    #[test]
    fn codes_round_trip_through_numbers() {
        for code in FaultCode::ALL {
            assert_eq!(FaultCode::from_code(code.code()), Some(code));
        }
        assert_eq!(FaultCode::from_code(5), None);
        assert_eq!(FaultCode::CantReread.code(), 92);
    }
}
