//! A blocking XML-RPC client for the tests: one HTTP/1.0 request per call over a fresh
//! loopback connection (both supervisord and `supvisorsd` close it after the reply), the
//! codec of `supvisors_rpc`, and results turned into JSON for comparisons and messages.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Map, Value as Json};
use supvisors_rpc::Value;
use supvisors_rpc::codec::{decode_response, encode_call};

/// Bounds one call; a deferred Supvisors reply (`wait=True`) can take a while, never forever.
const CALL_PATIENCE: Duration = Duration::from_secs(300);

/// Why a call gave no value.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The server answered with an XML-RPC fault.
    Fault {
        /// `faultCode`.
        code: i32,
        /// `faultString`.
        string: String,
    },
    /// No answer: refused connection, HTTP error, undecodable reply.
    Transport(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Fault { code, string } => write!(f, "fault {code}: {string}"),
            CallError::Transport(text) => write!(f, "{text}"),
        }
    }
}

/// Calls `method(params)` on `http://127.0.0.1:<port>/RPC2`.
pub fn call(port: u16, method: &str, params: &[Value]) -> Result<Json, CallError> {
    call_at("127.0.0.1", port, method, params)
}

/// Calls `method(params)` on `http://<address>:<port>/RPC2`.
pub fn call_at(
    address: &str,
    port: u16,
    method: &str,
    params: &[Value],
) -> Result<Json, CallError> {
    let transport = |e: std::io::Error| CallError::Transport(format!("{method}: {e}"));
    let body = encode_call(method, params);
    let mut stream = TcpStream::connect((address, port)).map_err(transport)?;
    stream
        .set_read_timeout(Some(CALL_PATIENCE))
        .map_err(transport)?;
    let request = format!(
        "POST /RPC2 HTTP/1.0\r\nHost: {address}:{port}\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(transport)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).map_err(transport)?;
    let reply = String::from_utf8_lossy(&reply);
    let Some((head, body)) = reply.split_once("\r\n\r\n") else {
        return Err(CallError::Transport(format!(
            "{method}: no HTTP header in {reply:?}"
        )));
    };
    let status = head.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(CallError::Transport(format!("{method}: {status}")));
    }
    match decode_response(body) {
        Ok(Ok(value)) => Ok(to_json(&value)),
        Ok(Err(fault)) => Err(CallError::Fault {
            code: fault.code,
            string: fault.string,
        }),
        Err(err) => Err(CallError::Transport(format!("{method}: {err}: {body}"))),
    }
}

/// An XML-RPC string parameter.
pub fn s(text: &str) -> Value {
    Value::string(text)
}

/// The JSON form of an XML-RPC value (structs become objects, dates and bytes strings).
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Int(i) => Json::from(*i),
        Value::Bool(b) => Json::Bool(*b),
        Value::String(text) | Value::Raw(text) | Value::DateTime(text) => Json::from(text.clone()),
        Value::Double(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Value::Base64(bytes) => Json::from(String::from_utf8_lossy(bytes).into_owned()),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Struct(members) => {
            let map: Map<String, Json> = members
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect();
            Json::Object(map)
        }
        Value::Nil => Json::Null,
    }
}
