//! The external event interface over ZeroMQ (interface spec §3): a PUB socket on the loopback
//! that sends each [`Publication`](supvisors_core::boundary::Publication) of the engine as a
//! 2-frame message, header then JSON body, exactly as Supvisors 0.15 sends it.
//!
//! ```text
//!   Engine ── Output::Publish(p) ──> EventPublisher::publish(&p)   (never waits)
//!                                         | bounded queue (full: dropped and counted)
//!                                         v
//!                                    socket task: payload::encode(p) -> (header, json)
//!                                         v
//!                             PUB tcp://127.0.0.1:<event_port>  ──> SUB clients (same host)
//! ```
//!
//! Never decides what is published or when: the engine's outputs already come in the order of
//! spec §3.5; this module only formats and sends them.

pub mod json;
pub mod payload;
pub mod port;
pub mod publisher;

pub use payload::{Header, encode};
pub use port::{EventPortError, event_port};
pub use publisher::EventPublisher;
