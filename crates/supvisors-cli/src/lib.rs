//! Assembly of the `supvisorsd` binary: the only place that knows every other crate.
//!
//! `check_config` loads a configuration and renders its summary (`summary`) or its errors,
//! with host facts from `host`. The daemon runtime (`daemon`) and `supvisorsctl` (`ctl`) come
//! with later issues.

pub mod check_config;
pub mod host;
pub mod summary;
