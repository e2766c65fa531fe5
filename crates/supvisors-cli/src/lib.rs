//! Assembly of the `supvisorsd` binary: the only place that knows every other crate.
//!
//! `check_config` loads a configuration and renders its summary (`summary`) or its errors,
//! with host facts from `host`. `daemon` is the daemon shell around the main loop (command
//! line, configuration, privileges, daemonizing, signals). `ctl` is the `supvisorsctl` client.

pub mod check_config;
pub mod ctl;
pub mod daemon;
pub mod host;
pub mod summary;
