//! Argument conversions of the `supvisors` namespace (interfaces §1.4), with the reference's
//! fault texts. Python shows values with `str()`, and with `repr()` inside lists: both are
//! reproduced here so that the texts match byte for byte.

use supvisors_core::enums::{ConciliationStrategies, StartingStrategies};
use supvisors_rules::values::LogLevel;

use crate::codec::python_float_repr;
use crate::fault::{Fault, FaultCode};
use crate::value::Value;

/// The log levels in the order of Supervisor's `LevelsByDescription` (the order of the texts).
const LOG_LEVELS: [(&str, LogLevel); 7] = [
    ("critical", LogLevel::Critical),
    ("error", LogLevel::Error),
    ("warn", LogLevel::Warn),
    ("info", LogLevel::Info),
    ("debug", LogLevel::Debug),
    ("trace", LogLevel::Trace),
    ("blather", LogLevel::Blather),
];

fn incorrect(detail: impl std::fmt::Display) -> Fault {
    Fault::new(FaultCode::IncorrectParameters, Some(detail))
}

/// A Python `TypeError` inside a method: Supervisor answers a bare `INCORRECT_PARAMETERS`.
pub(super) fn type_error() -> Fault {
    Fault::bare(FaultCode::IncorrectParameters)
}

/// Python `str()` of a decoded XML-RPC value.
pub(super) fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python `repr()` of a decoded XML-RPC value.
pub(super) fn py_repr(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Double(d) => python_float_repr(*d),
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => supvisors_rules::pystr::repr(s),
        Value::Base64(b) => supvisors_rules::pystr::repr(&String::from_utf8_lossy(b)),
        Value::Nil => "None".into(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Struct(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", supvisors_rules::pystr::repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
    }
}

/// A name argument (application, namespec, program, identifier, regex, extra arguments).
///
/// The reference looks names up in dicts without checking their type: a scalar of another type
/// is simply an unknown name (shown with `str()`), an array or a struct is unhashable and makes
/// a `TypeError`, hence a bare `INCORRECT_PARAMETERS`.
pub(super) fn name(value: &Value) -> Result<String, Fault> {
    match value {
        Value::Array(_) | Value::Struct(_) => Err(type_error()),
        other => Ok(py_str(other)),
    }
}

/// A wire enum seen by `_get_strategy`: its Python class name and its variants.
struct WireEnum<E: 'static> {
    class: &'static str,
    all: &'static [E],
    name: fn(E) -> &'static str,
    code: fn(E) -> i32,
}

impl<E: Copy> WireEnum<E> {
    /// The reference's `_get_strategy`: a str by name, an int by value, anything else refused.
    fn convert(&self, value: &Value) -> Result<E, Fault> {
        match value {
            Value::String(s) | Value::Raw(s) => self
                .all
                .iter()
                .copied()
                .find(|e| (self.name)(*e) == s)
                .ok_or_else(|| {
                    let names: Vec<String> = self
                        .all
                        .iter()
                        .map(|e| supvisors_rules::pystr::repr((self.name)(*e)))
                        .collect();
                    incorrect(format!(
                        "invalid <enum '{}'>: {s} (string expected in [{}])",
                        self.class,
                        names.join(", ")
                    ))
                }),
            Value::Int(i) => self
                .all
                .iter()
                .copied()
                .find(|e| (self.code)(*e) == *i)
                .ok_or_else(|| {
                    let codes: Vec<String> = self
                        .all
                        .iter()
                        .map(|e| (self.code)(*e).to_string())
                        .collect();
                    // The missing closing parenthesis is the reference's (quirk Q3).
                    incorrect(format!(
                        "incorrect strategy: {i} (integer expected in [{}]",
                        codes.join(", ")
                    ))
                }),
            other => Err(incorrect(format!(
                "invalid <enum '{}'>: {} (string or integer expected)",
                self.class,
                py_str(other)
            ))),
        }
    }
}

/// A starting strategy, by name or by value.
pub(super) fn starting_strategy(value: &Value) -> Result<StartingStrategies, Fault> {
    WireEnum {
        class: "StartingStrategies",
        all: StartingStrategies::ALL,
        name: StartingStrategies::name,
        code: StartingStrategies::code,
    }
    .convert(value)
}

/// A conciliation strategy, by name or by value.
pub(super) fn conciliation_strategy(value: &Value) -> Result<ConciliationStrategies, Fault> {
    WireEnum {
        class: "ConciliationStrategies",
        all: ConciliationStrategies::ALL,
        name: ConciliationStrategies::name,
        code: ConciliationStrategies::code,
    }
    .convert(value)
}

/// A logger level: a lower-case Supervisor level name or its number.
pub(super) fn log_level(value: &Value) -> Result<LogLevel, Fault> {
    match value {
        Value::String(s) | Value::Raw(s) => LOG_LEVELS
            .iter()
            .find(|(n, _)| n == s)
            .map(|(_, level)| *level)
            .ok_or_else(|| {
                let names: Vec<String> = LOG_LEVELS
                    .iter()
                    .map(|(n, _)| supvisors_rules::pystr::repr(n))
                    .collect();
                incorrect(format!(
                    "invalid logger level: {s} (string expected in [{}])",
                    names.join(", ")
                ))
            }),
        Value::Int(i) => LOG_LEVELS
            .iter()
            .find(|(_, level)| *level as i32 == *i)
            .map(|(_, level)| *level)
            .ok_or_else(|| {
                let codes: Vec<String> = LOG_LEVELS
                    .iter()
                    .map(|(_, level)| (*level as i32).to_string())
                    .collect();
                incorrect(format!(
                    "invalid logger level: {i} (integer expected in [{}])",
                    codes.join(", ")
                ))
            }),
        other => Err(incorrect(format!(
            "invalid logger level: {} (string or integer expected)",
            py_str(other)
        ))),
    }
}

/// Python `int(text)` on a str: blanks around, one sign, digits with single underscores between.
fn parse_py_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !well_formed {
        return None;
    }
    let value: i128 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `numprocs`: whatever Python `int()` accepts, strictly positive.
pub(super) fn numprocs(value: &Value) -> Result<u32, Fault> {
    let bad = || {
        incorrect(format!(
            "incorrect value for numprocs: {} (integer > 0 expected)",
            py_str(value)
        ))
    };
    let number: Option<i128> = match value {
        Value::Int(i) => Some(i128::from(*i)),
        Value::Bool(b) => Some(i128::from(*b)),
        // int() truncates a float; NaN and infinities cannot be converted
        Value::Double(d) if d.is_finite() => Some(d.trunc() as i128),
        Value::Double(_) => None,
        Value::String(s) | Value::Raw(s) => parse_py_int(s),
        // int() of None, a list or a dict is a TypeError
        _ => return Err(type_error()),
    };
    match number {
        // More processes than u32 could count is no configuration anyone can apply.
        Some(n) if n > 0 => u32::try_from(n).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_renderings() {
        assert_eq!(py_str(&Value::Double(1.0)), "1.0");
        assert_eq!(py_str(&Value::Double(1.5e-5)), "1.5e-05");
        let list = Value::Array(vec![
            Value::Int(1),
            Value::string("it's"),
            Value::Bool(false),
            Value::Nil,
        ]);
        assert_eq!(py_repr(&list), "[1, \"it's\", False, None]");
        let s = Value::structure([("a", Value::Double(2.0))]);
        assert_eq!(py_str(&s), "{'a': 2.0}");
        assert_eq!(py_str(&Value::string("x'y")), "x'y");
    }

    #[test]
    fn python_int_parsing() {
        assert_eq!(parse_py_int(" +3 "), Some(3));
        assert_eq!(parse_py_int("1_000"), Some(1000));
        assert_eq!(parse_py_int("-2"), Some(-2));
        for bad in ["", "1__0", "_1", "1_", "2.5", "0x10", "+"] {
            assert_eq!(parse_py_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_of_other_types_are_their_python_str() {
        assert_eq!(name(&Value::Int(5)), Ok("5".to_owned()));
        assert_eq!(name(&Value::Bool(true)), Ok("True".to_owned()));
        let err = name(&Value::Array(vec![])).map_err(|f| f.string);
        assert_eq!(err, Err("INCORRECT_PARAMETERS".to_owned()));
    }
}
