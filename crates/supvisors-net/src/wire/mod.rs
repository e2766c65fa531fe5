//! What travels on a link: protobuf frames declared in Rust with `prost` derives (no `.proto`
//! file, no `protoc` at build time) and their lossless conversions to and from the core types.
//!
//! Every frame is one [`Frame`] inside a 4-byte big-endian length prefix (the framing of the
//! reference). Enums travel by their wire code; an unknown code, a missing required field or
//! undecodable bytes give a [`WireError`], never a panic.

mod convert;
mod messages;
mod peer;

use bytes::Bytes;
use prost::Message;

pub use convert::{intent_code, intents_from, processes_from};
pub use messages::*;
pub use peer::*;

/// Largest frame accepted on a link; a bigger length prefix closes the link.
pub const MAX_FRAME_LENGTH: usize = 64 * 1024 * 1024;

/// Why bytes received on a link could not be understood.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The bytes are not a protobuf frame.
    #[error("undecodable frame: {0}")]
    Decode(#[from] prost::DecodeError),
    /// A required field is absent.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// An enum code that names no variant.
    #[error("unknown {kind} code {code}")]
    UnknownCode {
        /// The enum.
        kind: &'static str,
        /// The code received.
        code: i32,
    },
}

/// One frame of a link.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Frame {
    /// What the frame carries.
    #[prost(oneof = "FrameKind", tags = "1, 2, 3, 4, 5, 6, 7, 8")]
    pub kind: Option<FrameKind>,
}

/// The kinds of frame.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum FrameKind {
    /// Server → subscriber, first frame.
    #[prost(message, tag = "1")]
    Challenge(PbChallenge),
    /// Subscriber → server, answer to the challenge.
    #[prost(message, tag = "2")]
    Hello(PbHello),
    /// Server → subscriber: the link is open.
    #[prost(message, tag = "3")]
    Welcome(PbEmpty),
    /// Server → subscriber: the link is refused, then closed.
    #[prost(message, tag = "4")]
    Refused(PbRefused),
    /// Both ways: keep-alive.
    #[prost(message, tag = "5")]
    Heartbeat(PbEmpty),
    /// Server → subscriber: a published message.
    #[prost(message, tag = "6")]
    Message(PbInternalMessage),
    /// Subscriber → server: a request.
    #[prost(message, tag = "7")]
    Request(PbRequest),
    /// Server → subscriber: the answer to a request.
    #[prost(message, tag = "8")]
    Response(PbResponse),
}

impl Frame {
    /// A frame of this kind.
    pub fn new(kind: FrameKind) -> Self {
        Frame { kind: Some(kind) }
    }

    /// The frame's bytes (without the length prefix).
    pub fn encode_bytes(&self) -> Bytes {
        Bytes::from(self.encode_to_vec())
    }

    /// Decodes a frame (without the length prefix); an empty frame is an error.
    pub fn decode_bytes(bytes: &[u8]) -> Result<FrameKind, WireError> {
        Frame::decode(bytes)?
            .kind
            .ok_or(WireError::Missing("Frame.kind"))
    }
}

/// The bytes of a published message, encoded once for every subscriber.
pub fn encode_message(msg: &supvisors_core::messages::InternalMessage) -> Bytes {
    Frame::new(FrameKind::Message(msg.into())).encode_bytes()
}

#[cfg(test)]
mod tests;
