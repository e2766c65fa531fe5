//! Argument checks shared by method handlers, mirroring what Python does with positional
//! arguments (`TypeError` becomes `INCORRECT_PARAMETERS` on the reference server).

use crate::fault::{Fault, FaultCode};
use crate::value::Value;

/// Checks `required <= params.len() <= required + optional`, else `INCORRECT_PARAMETERS`.
pub fn expect_arity(params: &[Value], required: usize, optional: usize) -> Result<(), Fault> {
    if params.len() < required || params.len() > required + optional {
        return Err(Fault::bare(FaultCode::IncorrectParameters));
    }
    Ok(())
}

/// Python `int(x)` on an argument: ints, bools, floats (truncated) and numeric strings.
pub fn to_int(value: &Value) -> Result<i64, Fault> {
    let bad = || Fault::bare(FaultCode::IncorrectParameters);
    match value {
        Value::Int(i) => Ok(i64::from(*i)),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Double(d) if d.is_finite() => Ok(d.trunc() as i64),
        Value::String(s) | Value::Raw(s) => {
            let digits: String = s.trim().chars().filter(|c| *c != '_').collect();
            digits.parse().map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

/// Python truthiness (how Supervisor reads flags such as `wait`).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Int(i) => *i != 0,
        Value::Bool(b) => *b,
        Value::String(s) | Value::Raw(s) => !s.is_empty(),
        Value::DateTime(_) => true,
        Value::Double(d) => *d != 0.0,
        Value::Base64(b) => !b.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Struct(members) => !members.is_empty(),
        Value::Nil => false,
    }
}

/// The text of a string argument, else `INCORRECT_PARAMETERS`.
pub fn to_str(value: &Value) -> Result<&str, Fault> {
    value
        .as_str()
        .ok_or_else(|| Fault::bare(FaultCode::IncorrectParameters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_allows_optional_trailing_params() {
        let two = [Value::string("a"), Value::Bool(true)];
        assert!(expect_arity(&two[..1], 1, 1).is_ok());
        assert!(expect_arity(&two, 1, 1).is_ok());
        let err = expect_arity(&two, 1, 0).err().map(|f| f.string);
        assert_eq!(err.as_deref(), Some("INCORRECT_PARAMETERS"));
        assert!(expect_arity(&[], 1, 1).is_err());
    }

    #[test]
    fn int_conversion_accepts_numeric_strings() {
        assert_eq!(to_int(&Value::string(" -12 ")), Ok(-12));
        assert_eq!(to_int(&Value::Int(5)), Ok(5));
        assert_eq!(to_int(&Value::Raw("9000000000".into())), Ok(9_000_000_000));
        assert!(to_int(&Value::string("x")).is_err());
        assert!(to_int(&Value::Array(vec![])).is_err());
    }

    #[test]
    fn truthiness_and_strings() {
        assert!(
            truthy(&Value::Bool(true)) && truthy(&Value::Int(2)) && truthy(&Value::string("0"))
        );
        assert!(!truthy(&Value::Int(0)) && !truthy(&Value::string("")) && !truthy(&Value::Nil));
        assert_eq!(to_str(&Value::string("x")), Ok("x"));
        assert!(to_str(&Value::Int(1)).is_err());
    }
}
