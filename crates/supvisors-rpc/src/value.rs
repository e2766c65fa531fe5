//! The XML-RPC value model shared by the server and the client.

/// One XML-RPC value.
///
/// `Struct` keeps its members in insertion order because Python dicts do, and the encoder
/// must emit them in the same order as the reference to stay byte-compatible.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `<int>` / `<i4>` (32-bit, like everything Supervisor returns).
    Int(i32),
    /// `<boolean>`.
    Bool(bool),
    /// `<string>` or a bare `<value>` text.
    String(String),
    /// `<double>`.
    Double(f64),
    /// `<dateTime.iso8601>` kept as its text (`%Y%m%dT%H:%M:%S`).
    DateTime(String),
    /// `<base64>` bytes (client side; the server decodes base64 to a string).
    Base64(Vec<u8>),
    /// `<array>`.
    Array(Vec<Value>),
    /// `<struct>`, members in insertion order.
    Struct(Vec<(String, Value)>),
    /// `<nil/>` (or any undecoded element without text, Python `None`).
    Nil,
    /// The text of an element type the decoder does not convert (`<i8>`, unknown tags).
    Raw(String),
}

impl Value {
    /// Builds a `String` value.
    pub fn string(text: impl Into<String>) -> Self {
        Value::String(text.into())
    }

    /// Builds a `Struct` value from `(name, value)` pairs, keeping their order.
    pub fn structure<K: Into<String>>(members: impl IntoIterator<Item = (K, Value)>) -> Self {
        Value::Struct(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The text of a `String` or `Raw` value (both are Python `str` on the reference server).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Raw(s) => Some(s),
            _ => None,
        }
    }

    /// The integer of an `Int` value.
    pub fn as_int(&self) -> Option<i32> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The flag of a `Bool` value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements of an `Array` value.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of a `Struct` value.
    pub fn as_struct(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Struct(members) => Some(members),
            _ => None,
        }
    }

    /// The value of member `name` of a `Struct` (the last one wins, like a Python dict).
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.as_struct()?
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Array(v)
    }
}
