//! Links between Supvisors instances (not built yet; see issue #5).
//!
//! Will own: the internal message transport, heartbeats and TICK emission, peer loss detection
//! input, and the external event publisher (ZMQ PUB, SSE/WebSocket).
//!
//! Will never decide anything: it only moves messages for `supvisors-core`.

pub mod events;
