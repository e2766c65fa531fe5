//! Links between Supvisors instances.
//!
//! Owns the internal message transport between instances ([`links`], [`wire`]) and the
//! external event publisher ([`events`], ZMQ PUB). Never decides anything: it only moves messages for
//! `supvisors-core`.
//!
//! # Why length-delimited TCP with prost frames
//!
//! Each instance needs one publish/subscribe fan-out (every message to every instance, itself
//! included) plus a request/response side channel (handshake, start/stop on a peer). A plain TCP
//! stream per subscription, framed with a 4-byte big-endian length as the reference frames its
//! JSON, gives both without HTTP/2 machinery: the subscriber sends requests up its own link and
//! the answers come back in between publications. Frames are protobuf messages declared in Rust
//! with `#[derive(prost::Message)]`, so no `.proto` file or `protoc` is needed to build.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod events;
pub mod links;
pub mod wire;
