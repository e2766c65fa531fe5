//! XML-RPC bodies: decoding requests and responses, encoding like Python's `xmlrpc.client`.

mod decode;
mod encode;
mod tree;

pub use decode::{MethodCall, decode_call, decode_response};
pub use encode::{
    encode_call, encode_fault, encode_response, escape_into, python_float_repr, write_value,
};

/// Why a body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not well-formed XML, or a value that the reference decoder would reject.
    #[error("unmarshallable: {0}")]
    Xml(String),
    /// No `<methodName>`, or an empty one.
    #[error("no method name")]
    NoMethodName,
}

#[cfg(test)]
mod tests;
