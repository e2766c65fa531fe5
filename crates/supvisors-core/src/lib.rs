//! The deterministic Supvisors engine.
//!
//! This crate never reads a clock, opens a socket, spawns a thread or touches a file: time and
//! events come in as arguments, decisions go out as values.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod application;
pub mod enums;
pub mod messages;
pub mod process;
pub mod rules;
