//! The Supvisors brain, as a deterministic library.
//!
//! This crate never reads a clock, a socket, a thread or a file: time and events come in as
//! arguments, decisions go out as values. For now it holds the vocabulary shared by every other
//! crate: the enumerations with their wire codes ([`enums`]) and the rules attached to
//! applications and programs ([`rules`]). The engine itself (context, FSM, Starter/Stopper,
//! strategies) is the subject of issue #4.

pub mod enums;
pub mod rules;
