//! XML-RPC over HTTP, compatible with supervisord 4.3.0 and its Python clients.
//!
//! Owns: the XML-RPC codec ([`codec`]), faults ([`fault`]), method dispatch with the built-in
//! `system` namespace ([`dispatch`]), the descriptors of the `supervisor` namespace
//! ([`supervisor_api`]), the `supvisors` namespace over its daemon backend ([`supvisors_ns`]),
//! the HTTP server with `/RPC2`, the log tail endpoints, auth, body and
//! connection limits ([`server`]), and the client used by `supvisorsctl` ([`client`]).
//!
//! Never holds business logic: namespaces are implemented elsewhere behind
//! [`dispatch::Namespace`], log tails behind [`server::LogTails`], web pages behind
//! [`server::Pages`].
//!
//! ```text
//!  listeners (TCP, UNIX) ──> auth ──> /RPC2 ──> codec ──> Dispatcher ──> system | supervisor | ...
//!                                 ├─> /logtail, /mainlogtail ──> LogTails (chunked stream)
//!                                 └─> other paths ──> Pages, /ok.html, 404
//! ```
//!
//! Wiring in the daemon:
//!
//! ```no_run
//! use std::sync::Arc;
//! use supvisors_rpc::dispatch::{CallFuture, Dispatcher, MethodInfo, Namespace};
//! use supvisors_rpc::server::{ListenerConfig, NoTails, Server};
//! use supvisors_rpc::supervisor_api::SUPERVISOR_METHODS;
//! use supvisors_rpc::{Fault, FaultCode, Value};
//!
//! struct Supervisor;
//! impl Namespace for Supervisor {
//!     fn name(&self) -> &str { "supervisor" }
//!     fn methods(&self) -> &[MethodInfo] { SUPERVISOR_METHODS }
//!     fn call(&self, method: &str, _params: Vec<Value>) -> CallFuture {
//!         let answer = match method {
//!             "getAPIVersion" | "getVersion" => Ok(Value::string("3.0")),
//!             _ => Err(Fault::bare(FaultCode::Failed)),
//!         };
//!         Box::pin(async move { answer })
//!     }
//! }
//!
//! # async fn run(config: supvisors_rules::supervisor::SupervisorConfig) -> Result<(), Box<dyn std::error::Error>> {
//! let listeners: Vec<ListenerConfig> = config
//!     .inet_http_servers
//!     .iter()
//!     .map(ListenerConfig::from)
//!     .chain(config.unix_http_servers.iter().map(ListenerConfig::from))
//!     .collect();
//! let server = Server::bind(&listeners)?; // before daemonizing: errors exit with status 2
//! let dispatcher = Arc::new(Dispatcher::new().with(Arc::new(Supervisor)));
//! let stop = tokio_util::sync::CancellationToken::new();
//! server.serve(dispatcher, Arc::new(NoTails), stop).await;
//! # Ok(())
//! # }
//! ```

pub mod client;
pub mod codec;
pub mod dispatch;
pub mod fault;
pub mod server;
pub mod supervisor_api;
pub mod supervisor_ns;
pub mod supvisors_ns;
pub mod value;

pub use fault::{Fault, FaultCode};
pub use value::Value;
