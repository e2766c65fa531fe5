//! XML-RPC faults with Supervisor's codes and names.

use std::fmt;

use supvisors_core::commands::CommandError;
use supvisors_core::queries::display_namespecs;

use crate::value::Value;

/// The fault codes of Supervisor 4.3.0 (`xmlrpc.Faults`): the process model's, one type for the
/// whole daemon.
pub use supvisors_proc::model::FaultCode;

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

/// The code of each engine error (its `Display` is already the reference `faultString`).
impl From<CommandError> for Fault {
    fn from(err: CommandError) -> Self {
        let code = match &err {
            CommandError::BadSupvisorsState { .. } => FaultCode::BadSupvisorsState,
            CommandError::IncorrectParameters(_) => FaultCode::IncorrectParameters,
            CommandError::BadName(_) => FaultCode::BadName,
            CommandError::NotManaged(_) => FaultCode::NotManaged,
            CommandError::AlreadyStarted(_) => FaultCode::AlreadyStarted,
            CommandError::NotRunning(_) => FaultCode::NotRunning,
            CommandError::AbnormalTermination(_) => FaultCode::AbnormalTermination,
        };
        // namespecs are shown as Supervisor writes them (`name` for `name:name`)
        let err = match err {
            CommandError::AlreadyStarted(n) => CommandError::AlreadyStarted(display_namespecs(&n)),
            CommandError::NotRunning(n) => CommandError::NotRunning(display_namespecs(&n)),
            CommandError::AbnormalTermination(n) => {
                CommandError::AbnormalTermination(display_namespecs(&n))
            }
            other => other,
        };
        Fault::raw(code.code(), err.to_string())
    }
}

impl From<FaultCode> for Fault {
    fn from(code: FaultCode) -> Self {
        Fault::bare(code)
    }
}

impl From<supvisors_proc::model::Fault> for Fault {
    fn from(fault: supvisors_proc::model::Fault) -> Self {
        Fault::new(fault.code, fault.detail)
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
    fn engine_errors_map_one_to_one() {
        use supvisors_core::enums::SupvisorsStates;
        let state = CommandError::BadSupvisorsState {
            state: SupvisorsStates::Off,
            allowed: &[SupvisorsStates::Operation],
        };
        let cases = [
            (state, 101),
            (CommandError::IncorrectParameters("x".into()), 2),
            (CommandError::BadName("x".into()), 10),
            (CommandError::NotManaged("x".into()), 102),
            (CommandError::AlreadyStarted("x".into()), 60),
            (CommandError::NotRunning("x".into()), 70),
            (CommandError::AbnormalTermination("x".into()), 40),
        ];
        for (err, code) in cases {
            let text = err.to_string();
            let fault = Fault::from(err);
            assert_eq!((fault.code, fault.string), (code, text));
        }
        let fault = Fault::from(CommandError::NotManaged("app".into()));
        assert_eq!(fault.string, "NOT_MANAGED: app");
        let fault = Fault::from(CommandError::AbnormalTermination("p:p app:q".into()));
        assert_eq!(fault.string, "ABNORMAL_TERMINATION: p app:q");
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
