//! Decoding of `methodCall` (server rules of Supervisor's own decoder) and `methodResponse`
//! (client rules of `xmlrpc.client`).
//!
//! The reference server reduces the element tree bottom-up: each known type element is
//! replaced by its Python value, `<value>` takes its first child's value (or its own text),
//! and any other element keeps its raw text. `reduce` reproduces those rules.

use base64::Engine as _;

use super::DecodeError;
use super::tree::{self, Elem};
use crate::fault::Fault;
use crate::value::Value;

/// Which decoder's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Supervisor's request decoder: base64 becomes a string, `<nil/>`/`<i8>` are not decoded.
    Server,
    /// `xmlrpc.client`: base64 stays bytes, `<nil/>` is `None`, `<i8>` is an int.
    Client,
}

/// A decoded `methodCall`: the method name and its positional parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// `<methodName>` text.
    pub method: String,
    /// Parameters (empty when `<params>` is absent).
    pub params: Vec<Value>,
}

/// Decodes a request body the way supervisord 4.3.0 does.
pub fn decode_call(body: &str) -> Result<MethodCall, DecodeError> {
    let root = tree::parse(body)?;
    let mut found = Found::default();
    reduce(root, Mode::Server, &mut found)?;
    let method = found
        .method
        .flatten()
        .filter(|m| !m.is_empty())
        .ok_or(DecodeError::NoMethodName)?;
    let params = found
        .params
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.unwrap_or(Value::Nil))
        .collect();
    Ok(MethodCall { method, params })
}

/// Decodes a `methodResponse` body: the single returned value, or the fault.
pub fn decode_response(body: &str) -> Result<Result<Value, Fault>, DecodeError> {
    let root = tree::parse(body)?;
    let mut found = Found::default();
    let reduced = reduce(root, Mode::Client, &mut found)?;
    if let Some(fault) = found.fault {
        let code = fault.member("faultCode").and_then(Value::as_int);
        let string = fault.member("faultString").and_then(Value::as_str);
        return match (code, string) {
            (Some(code), Some(string)) => Ok(Err(Fault::raw(code, string))),
            _ => Err(DecodeError::Xml("malformed fault".into())),
        };
    }
    let params = found
        .params
        .ok_or_else(|| DecodeError::Xml("no params in response".into()))?;
    drop(reduced);
    match <[Option<Value>; 1]>::try_from(params) {
        Ok([value]) => Ok(Ok(value.unwrap_or(Value::Nil))),
        Err(_) => Err(DecodeError::Xml(
            "response must hold exactly one param".into(),
        )),
    }
}

#[derive(Default)]
struct Found {
    method: Option<Option<String>>,
    params: Option<Vec<Option<Value>>>,
    fault: Option<Value>,
}

/// An element after reduction: its Python `.text` and its remaining children.
struct Reduced {
    text: Option<Value>,
    children: Vec<Reduced>,
}

impl Reduced {
    fn leaf(text: Option<Value>) -> Self {
        Reduced {
            text,
            children: Vec::new(),
        }
    }
}

fn reduce(elem: Elem, mode: Mode, found: &mut Found) -> Result<Reduced, DecodeError> {
    let Elem {
        tag,
        text,
        children,
    } = elem;
    let mut kids = Vec::with_capacity(children.len());
    for child in children {
        kids.push(reduce(child, mode, found)?);
    }
    let bad = |what: &str| DecodeError::Xml(format!("invalid <{tag}>: {what}"));
    let value = match tag.as_str() {
        "int" | "i4" => Some(int_value(text.as_deref()).ok_or_else(|| bad("not an int"))?),
        "i8" | "i1" | "i2" if mode == Mode::Client => {
            Some(int_value(text.as_deref()).ok_or_else(|| bad("not an int"))?)
        }
        "nil" if mode == Mode::Client => None,
        "boolean" => match (mode, text.as_deref()) {
            (Mode::Server, t) => Some(Value::Bool(t == Some("1"))),
            (Mode::Client, Some("1")) => Some(Value::Bool(true)),
            (Mode::Client, Some("0")) => Some(Value::Bool(false)),
            (Mode::Client, _) => return Err(bad("bad boolean value")),
        },
        "string" => Some(Value::String(text.unwrap_or_default())),
        "double" => {
            let t = text.as_deref().unwrap_or("").trim();
            Some(Value::Double(t.parse().map_err(|_| bad("not a float"))?))
        }
        "dateTime.iso8601" => {
            Some(datetime_value(text.as_deref()).ok_or_else(|| bad("not a datetime"))?)
        }
        "base64" => Some(
            base64_value(text.as_deref().unwrap_or(""), mode).ok_or_else(|| bad("not base64"))?,
        ),
        "array" => match kids.into_iter().next() {
            Some(data) => data.text,
            None => return Err(bad("no <data>")),
        },
        "data" => Some(Value::Array(
            kids.into_iter()
                .map(|k| k.text.unwrap_or(Value::Nil))
                .collect(),
        )),
        "struct" => Some(struct_value(kids).ok_or_else(|| bad("malformed member"))?),
        "param" => match kids.into_iter().next() {
            Some(first) => first.text,
            None => return Err(bad("empty param")),
        },
        "value" => match kids.into_iter().next() {
            Some(first) => first.text,
            None => Some(Value::String(text.unwrap_or_default())),
        },
        "methodName" => {
            found.method = Some(text.clone());
            return Ok(Reduced {
                text: text.map(Value::Raw),
                children: kids,
            });
        }
        "params" => {
            found.params = Some(kids.into_iter().map(|k| k.text).collect());
            return Ok(Reduced::leaf(None));
        }
        "fault" if mode == Mode::Client => {
            found.fault = kids.into_iter().next().and_then(|k| k.text);
            return Ok(Reduced::leaf(None));
        }
        // Anything else keeps its raw text: that is how `<i8>`, `<nil/>` and unknown types
        // reach a method on the reference server.
        _ => {
            return Ok(Reduced {
                text: text.map(Value::Raw),
                children: kids,
            });
        }
    };
    Ok(Reduced::leaf(value))
}

/// Python `int(text)`: surrounding blanks and a sign allowed. Out of the 32-bit range the text
/// is kept raw, since `Value::Int` is 32-bit like every int Supervisor sends.
fn int_value(text: Option<&str>) -> Option<Value> {
    let t = text?.trim();
    let digits: String = t.chars().filter(|c| *c != '_').collect();
    let wide: i128 = digits.parse().ok()?;
    Some(match i32::try_from(wide) {
        Ok(v) => Value::Int(v),
        Err(_) => Value::Raw(t.to_owned()),
    })
}

/// Accepts the `%Y%m%dT%H:%M:%S` shape; the text is kept as sent.
fn datetime_value(text: Option<&str>) -> Option<Value> {
    let t = text?;
    let (date, time) = t.split_once('T')?;
    let date_ok = date.len() >= 6 && date.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = time.split(':').collect();
    let time_ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    (date_ok && time_ok).then(|| Value::DateTime(t.to_owned()))
}

fn base64_value(text: &str, mode: Mode) -> Option<Value> {
    // `base64.decodebytes` skips characters outside the alphabet (newlines in particular).
    let clean: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean)
        .ok()?;
    match mode {
        Mode::Client => Some(Value::Base64(bytes)),
        Mode::Server => String::from_utf8(bytes).ok().map(Value::String),
    }
}

fn struct_value(members: Vec<Reduced>) -> Option<Value> {
    let mut out: Vec<(String, Value)> = Vec::with_capacity(members.len());
    for member in members {
        let [name, value] = <[Reduced; 2]>::try_from(member.children).ok()?;
        let key = match name.text {
            None => String::new(),
            Some(Value::String(s) | Value::Raw(s)) => s,
            Some(_) => return None,
        };
        let value = value.text.unwrap_or(Value::Nil);
        // A Python dict keeps the first position of a key and the last value.
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => out.push((key, value)),
        }
    }
    Some(Value::Struct(out))
}
