//! Reading XML-RPC replies the way the Python client indexes them (`info['name']`), and
//! printing values the way `str()` does.

use supvisors_rpc::Value;

use super::errors::{Error, py_repr};

/// Member `key` of a struct reply; a missing member is Python's `KeyError`.
pub fn field<'a>(value: &'a Value, key: &str) -> Result<&'a Value, Error> {
    value.member(key).ok_or_else(|| Error::key(key))
}

/// Member `key` printed with `str()`.
pub fn str_field(value: &Value, key: &str) -> Result<String, Error> {
    field(value, key).map(py_str)
}

/// Integer member `key` (0 when it is not an integer, as a comparison would fail quietly).
pub fn int_field(value: &Value, key: &str) -> Result<i64, Error> {
    field(value, key).map(as_i64)
}

/// An integer of any numeric kind.
pub fn as_i64(value: &Value) -> i64 {
    match value {
        Value::Int(i) => i64::from(*i),
        Value::Bool(b) => i64::from(*b),
        Value::Raw(text) | Value::String(text) => text.trim().parse().unwrap_or(0),
        // Truncation is the intent: Python's int() of a float.
        #[allow(clippy::cast_possible_truncation)]
        Value::Double(d) => *d as i64,
        _ => 0,
    }
}

/// The elements of an array reply (an empty slice for anything else).
pub fn items(value: &Value) -> &[Value] {
    value.as_array().unwrap_or(&[])
}

/// Python's truth value of a reply value.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Double(d) => *d != 0.0,
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => !s.is_empty(),
        Value::Base64(b) => !b.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Struct(s) => !s.is_empty(),
        Value::Nil => false,
    }
}

/// `str(value)` as Python prints a decoded XML-RPC value.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => s.clone(),
        _ => py_repr_value(value),
    }
}

/// `repr(value)` as Python prints a decoded XML-RPC value inside containers.
pub fn py_repr_value(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => py_repr(s),
        Value::Double(d) => py_float(*d),
        Value::Base64(b) => format!("b{}", py_repr(&String::from_utf8_lossy(b))),
        Value::Nil => "None".into(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py_repr_value).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Struct(members) => {
            let inner: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr(k), py_repr_value(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `repr(float)`: shortest round-trip digits, always with a dot or exponent.
pub fn py_float(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let text = format!("{d:?}");
    if text.contains('e') {
        // Rust `1e16` vs Python `1e+16`.
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent = exponent.parse::<i32>().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    text
}

/// JSON of a reply, for `--json`.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Int(i) => J::from(*i),
        Value::Bool(b) => J::from(*b),
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => J::from(s.as_str()),
        Value::Double(d) => serde_json::Number::from_f64(*d).map_or(J::Null, J::Number),
        Value::Base64(b) => J::from(String::from_utf8_lossy(b).into_owned()),
        Value::Nil => J::Null,
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Struct(members) => J::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_like_python() {
        assert_eq!(py_str(&Value::Int(3)), "3");
        assert_eq!(py_str(&Value::string("a")), "a");
        assert_eq!(py_str(&Value::Bool(true)), "True");
        assert_eq!(py_float(1.5), "1.5");
        assert_eq!(py_float(2.0), "2.0");
        assert_eq!(
            py_str(&Value::Array(vec![Value::string("a"), Value::Int(1)])),
            "['a', 1]"
        );
    }
}
