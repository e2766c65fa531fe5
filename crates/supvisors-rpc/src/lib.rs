//! XML-RPC over HTTP (not built yet; see issue #3).
//!
//! Will own: the XML-RPC codec, the HTTP server with `/RPC2`, the log tail endpoints, auth and body
//! limits, the `system`, `supervisor` and `supvisors` namespaces as thin handlers, and the client
//! used by `supvisorsctl`.
//!
//! Will never hold business logic: handlers translate requests into engine and process-manager
//! commands.
