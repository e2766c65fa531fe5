//! Local process supervision (not built yet; see issue #3).
//!
//! Will own: a pure per-process lifecycle state machine with Supervisor 4.3 semantics
//! (`(event, now) -> actions`), and its tokio driver: spawning, reaping, signals, stdout/stderr
//! capture and rotation, tail buffers, host and process statistics.
//!
//! Will never hold cluster logic: that is `supvisors-core`'s.
