//! What goes into the engine and what comes out of it.
//!
//! ```text
//!   Input::LocalTick ──┐                       ┌─> Output::Broadcast(msg)   (to every instance, self included)
//!   Input::Peer ───────┼─> Engine::handle(.., now) ─> Output::Request(req)  (handshake, start/stop, restart..)
//!   Input::Handshake ──┤                       ├─> Output::Publish(pub)     (external event interface)
//!   Input::Command ────┘                       ├─> Output::Local(action)    (local Supervisor change)
//!                                              └─> Output::Reply { id, .. } (answer to a command)
//! ```

use crate::commands::{Command, CommandError, CommandReply};
use crate::messages::{
    DeferredRequest, ForcedProcessEvent, HandshakeResult, Identifier, InternalMessage,
    LocalProcessInfo, ProcessEvent,
};
use crate::status::{ApplicationInfo, InstanceInfo, ProcessStatusInfo, SupvisorsStatus};

/// Caller-chosen token that pairs a command with its reply.
pub type CommandId = u64;

/// One fact given to the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The local Supervisor 5-second tick fired; the engine broadcasts a TICK.
    LocalTick {
        /// Local epoch seconds taken at emission.
        when: f64,
    },
    /// A message published by an instance (possibly the local one).
    Peer {
        /// The sender.
        from: Identifier,
        /// What it published.
        msg: InternalMessage,
    },
    /// The outcome of a `DeferredRequest::CheckInstance`.
    Handshake {
        /// The checked instance.
        from: Identifier,
        /// What the remote calls returned.
        result: HandshakeResult,
    },
    /// A request from the XML-RPC `supvisors` namespace.
    Command {
        /// Token echoed in the reply.
        id: CommandId,
        /// The request.
        cmd: Command,
    },
}

/// Something the external event interface must publish, with its payload at that moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Publication {
    /// The Supvisors status (header `supvisors`).
    SupvisorsStatus(SupvisorsStatus),
    /// An instance status (header `instance`).
    Instance(InstanceInfo),
    /// An application status (header `application`).
    Application(ApplicationInfo),
    /// A process status (header `process`).
    Process(ProcessStatusInfo),
    /// The last status of a deleted process, published with statecode −1 / `DELETED`.
    ProcessDeleted(ProcessStatusInfo),
    /// A process event received from an instance (header `event`).
    ProcessEvent {
        /// The instance the event is about.
        identifier: Identifier,
        /// Group of the process.
        group: String,
        /// Name of the process.
        name: String,
        /// The event; None when the process was removed from that instance (state −1).
        event: Option<ProcessEvent>,
    },
    /// A forced state accepted by the context (header `event`, forced keys of spec §3.4).
    ForcedProcessEvent {
        /// The sender of the forced event, published as `identifier` (not `event.identifier`,
        /// the instance the state is about, which the reference drops before publishing).
        identifier: Identifier,
        /// The forced event as received.
        event: ForcedProcessEvent,
    },
    /// A program enabled or disabled on an instance (header `event`, disability variant).
    ProcessDisability {
        /// The instance where the program changed.
        identifier: Identifier,
        /// Its full local process information, as the sender published it.
        info: LocalProcessInfo,
    },
}

/// A change the engine asks of the local Supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalAction {
    /// The process' command line becomes its configured command plus these extra arguments
    /// ('' restores the configured command; spec §9.1).
    SetExtraArgs {
        /// The process.
        namespec: String,
        /// The new extra arguments.
        extra_args: String,
    },
}

/// One decision taken by the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Publish to every instance of `supvisors_list`, the local one included.
    Broadcast(InternalMessage),
    /// Perform a remote call on the engine's behalf.
    Request(DeferredRequest),
    /// Publish on the external event interface.
    Publish(Publication),
    /// Apply to the local Supervisor (ignored when the process is not configured locally).
    Local(LocalAction),
    /// Answer a command.
    Reply {
        /// The token of the command.
        id: CommandId,
        /// Its result.
        result: Result<CommandReply, CommandError>,
    },
}
