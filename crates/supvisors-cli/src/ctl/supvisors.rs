//! The Supvisors commands of `supvisorsctl` 0.15 (the `supvisors` XML-RPC namespace).

use super::Command;

/// Supvisors command names, sorted.
pub const COMMANDS: &[&str] = &[];

/// The Supvisors command named `name`.
pub fn find(_name: &str) -> Option<Command> {
    None
}

/// The usage lines of a Supvisors command.
pub fn usage(_topic: &str) -> Option<&'static str> {
    None
}

/// The documented Supvisors commands (the `help` table).
pub fn documented() -> Vec<&'static str> {
    COMMANDS.to_vec()
}
