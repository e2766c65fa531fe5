//! The deterministic Supvisors engine.
//!
//! This crate never reads a clock, opens a socket, spawns a thread or touches a file: time and
//! events come in as arguments, decisions go out as values. The same inputs in the same order
//! always give the same outputs, which is what the simulation in `tests/sim.rs` relies on.
//!
//! # Design overview
//!
//! ```text
//!                  Input::LocalTick { when }      (the driver's 5 s tick)
//!                  Input::Peer { from, msg }      (InternalMessage from any instance, self too)
//!                  Input::Handshake { from, .. }  (result of a CheckInstance request)
//!                  Input::Command { id, cmd }     (supvisors XML-RPC namespace)
//!                               |
//!                               v
//!     Engine::handle(input, now) -> Vec<Output>      Engine::{supvisors_status, process_info, ..}
//!        context/   instances, applications,           read-only queries, guarded like
//!                   processes (§4, §6)                  the XML-RPC methods
//!        fsm        states, election (§5)
//!        commander  Starter / Stopper (§7)
//!        failure    running failures (§8.5)
//!                               |
//!                               v
//!                  Output::Broadcast(msg)   publish to every instance, self included
//!                  Output::Request(req)     handshake, start/stop on an instance, restart...
//!                  Output::Publish(pub)     external event interface (payload included)
//!                  Output::Local(action)    local Supervisor change (extra arguments)
//!                  Output::Reply { id, .. } answer to a command (possibly deferred)
//! ```
//!
//! A driver owns one [`engine::Engine`] and loops:
//!
//! ```ignore
//! let mut engine = Engine::new(config, Box::new(rules));
//! run(engine.start(now()));
//! loop {
//!     let input = select! { tick => Input::LocalTick { when: now() }, msg = links.recv() => .., };
//!     for output in engine.handle(input, now()) {
//!         match output {
//!             Output::Broadcast(msg) => links.publish(msg),
//!             Output::Request(req) => worker.submit(req), // results come back as inputs
//!             Output::Publish(event) => publisher.send(event),
//!             Output::Local(action) => supervisor.apply(action),
//!             Output::Reply { id, result } => pending.resolve(id, result),
//!         }
//!     }
//! }
//! ```
//!
//! As in the reference, everything an instance publishes reaches every instance, itself
//! included: the driver publishes the local Supervisor's process events (PROCESS,
//! PROCESS_ADDED, PROCESS_REMOVED, PROCESS_DISABILITY) and the engine's broadcasts on the
//! links, and the engine learns its own messages back through `Input::Peer`. Results of
//! requests come back as inputs too (`Input::Handshake`; start/stop results are only
//! observed through process events, the command timeouts cover lost requests).
//!
//! Deviations from Supvisors 0.15 are named after the quirks of the core specification (§12)
//! and listed where they are decided: Q1 (`jobs`), Q3 (`jobs`), Q7 (`commander`), Q10 and Q14
//! (`Engine::master_state`), Q11 (`conciliation`), Q13 and Q15 (`EngineConfig::tick_status`),
//! Q16 (`jobs`: no command waits on an instance that cannot answer), Q17
//! (`Context::take_pending`: events of a CHECKING instance replayed after its handshake), Q18
//! (`Context::on_tick`: a gap in an instance's TICK counters makes it inactive), Q19
//! (`intent`: what should run is remembered and shared, and repaired by DEPLOYMENT), Q20
//! (`Context::on_tick`: the same TICK counter with another date is a restart), Q21 (`jobs`: a
//! stop follows the information, not a forced state).
//! Q13 to Q21 are new: the simulation found them.
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
pub mod intent;
pub mod jobs;
pub mod messages;
pub mod process;
pub mod queries;
pub mod rules;
pub mod rules_provider;
pub mod status;
pub mod strategy;
