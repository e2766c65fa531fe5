//! The deterministic Supvisors engine.
//!
//! This crate never reads a clock, opens a socket, spawns a thread or touches a file: time and
//! events come in as arguments, decisions go out as values.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod application;
pub mod boundary;
pub mod command;
pub mod commander;
pub mod commands;
pub mod conciliation;
pub mod config;
pub mod context;
pub mod engine;
pub mod enums;
pub mod failure;
pub mod fsm;
pub mod instance;
pub mod jobs;
pub mod messages;
pub mod process;
pub mod queries;
pub mod rules;
pub mod rules_provider;
pub mod strategy;
