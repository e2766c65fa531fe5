//! XML-RPC over HTTP, compatible with supervisord 4.3.0 and its Python clients.
//!
//! Owns: the XML-RPC codec ([`codec`]), faults ([`fault`]), method dispatch with the built-in
//! `system` namespace ([`dispatch`]), the descriptors of the `supervisor` namespace
//! ([`supervisor_api`]), the HTTP server with `/RPC2`, the log tail endpoints, auth and body
//! limits ([`server`]), and the client used by `supvisorsctl` ([`client`]).
//!
//! Never holds business logic: namespaces are implemented elsewhere behind [`dispatch::Namespace`]
//! and log tails behind [`server::LogTails`].

pub mod client;
pub mod codec;
pub mod dispatch;
pub mod fault;
pub mod server;
pub mod supervisor_api;
pub mod value;

pub use fault::{Fault, FaultCode};
pub use value::Value;
