//! Local process supervision.
//!
//! [`model`] is a pure, deterministic model of supervisord 4.3.0's process supervision
//! (lifecycle of each process, groups, the `supervisor.*` RPC semantics, event listeners):
//! no I/O, no clock, no threads. Its tokio driver (spawning, reaping, signals, stdout/stderr
//! capture and rotation, tail buffers, statistics) lives beside it.
//!
//! Never holds cluster logic: that is `supvisors-core`'s.

pub mod model;
