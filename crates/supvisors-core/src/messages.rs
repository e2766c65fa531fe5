//! The internal messages exchanged between Supvisors instances (spec §10), as plain data.
//!
//! Serialization belongs to `supvisors-net`; the engine only sees these types. HEARTBEAT is a
//! link keep-alive handled entirely by the network layer, and STATISTICS are not part of the
//! engine yet, so neither appears here.

use crate::enums::{ProcessStates, SupvisorsStates};

/// Name of a Supvisors instance (the deduced identifier of `supvisors_list`).
pub type Identifier = String;

/// Payload of a TICK: the sender's wall clock and its own tick counter.
#[derive(Debug, Clone, PartialEq)]
pub struct TickPayload {
    /// Sender's epoch seconds at emission.
    pub when: f64,
    /// 0 for the first tick after the sender started, +1 per tick.
    pub sequence_counter: u64,
    /// The sender's master and state modes; None in the 0.15 payload.
    ///
    /// See `EngineConfig::tick_status`.
    pub status: Option<TickStatus>,
}

/// What a TICK carries beyond the 0.15 payload (see `EngineConfig::tick_status`).
#[derive(Debug, Clone, PartialEq)]
pub struct TickStatus {
    /// The sender's master ('' when none).
    pub master: Identifier,
    /// The sender's FSM state and job flags.
    pub state_modes: StateModes,
}

/// A real process state change reported by the Supervisor of the sender.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessEvent {
    /// Supervisor group name (the application).
    pub group: String,
    /// Supervisor process name.
    pub name: String,
    /// New state.
    pub state: ProcessStates,
    /// Sender's epoch seconds at the event.
    pub now: f64,
    /// Process id, 0 when not running.
    pub pid: u32,
    /// False only for an unexpected exit.
    pub expected: bool,
    /// Spawn error text ('' when none).
    pub spawnerr: String,
    /// Extra arguments currently applied to the command line.
    pub extra_args: String,
    /// True when the program is disabled on the sender.
    pub disabled: bool,
}

/// A state forced by a Starter/Stopper timeout or by a lack of resource (spec §6.4).
#[derive(Debug, Clone, PartialEq)]
pub struct ForcedProcessEvent {
    /// Supervisor group name.
    pub group: String,
    /// Supervisor process name.
    pub name: String,
    /// The forced state (FATAL or STOPPED).
    pub state: ProcessStates,
    /// The instance the forced state is about.
    pub identifier: Identifier,
    /// Date the decision was based on; a newer real event on `identifier` dismisses it.
    pub now: f64,
    /// Reason, published as `spawnerr`.
    pub reason: String,
    /// Extra arguments of the process.
    pub extra_args: String,
}

/// Local process information as returned by `get_all_local_process_info` (spec §10.3).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalProcessInfo {
    /// Supervisor group name.
    pub group: String,
    /// Supervisor process name.
    pub name: String,
    /// Current state.
    pub state: ProcessStates,
    /// Epoch seconds of the last start (0 if never).
    pub start: f64,
    /// Epoch seconds of the last stop (0 if never).
    pub stop: f64,
    /// Sender's epoch seconds when the information was taken.
    pub now: f64,
    /// Process id, 0 when not running.
    pub pid: u32,
    /// Spawn error text.
    pub spawnerr: String,
    /// `spawnerr` is empty (reference quirk Q12).
    pub expected: bool,
    /// Program `startsecs`.
    pub startsecs: u32,
    /// Program `stopwaitsecs`.
    pub stopwaitsecs: u32,
    /// Extra arguments currently applied.
    pub extra_args: String,
    /// True when the program is disabled on that instance.
    pub disabled: bool,
    /// Supervisor's description (`pid 123, uptime 0:01:02`, `Not started`…), for display.
    pub description: String,
}

impl LocalProcessInfo {
    /// The namespec of this process (`name` alone when it is also the group name).
    pub fn namespec(&self) -> String {
        crate::queries::make_namespec(&self.group, &self.name)
    }
}

/// The FSM state of an instance and whether its Starter/Stopper have jobs (spec §4.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateModes {
    /// FSM state of the instance.
    pub fsm_state: SupvisorsStates,
    /// Its Starter has jobs in progress.
    pub starting_jobs: bool,
    /// Its Stopper has jobs in progress.
    pub stopping_jobs: bool,
}

impl Default for StateModes {
    fn default() -> Self {
        StateModes {
            fsm_state: SupvisorsStates::Off,
            starting_jobs: false,
            stopping_jobs: false,
        }
    }
}

/// A message published by an instance to every subscriber, itself included (spec §10.2).
#[derive(Debug, Clone, PartialEq)]
pub enum InternalMessage {
    /// The 5-second tick.
    Tick(TickPayload),
    /// A local process state change.
    Process(ProcessEvent),
    /// A forced process state.
    ForcedProcess(ForcedProcessEvent),
    /// Processes added to the sender's Supervisor.
    ProcessAdded(Vec<LocalProcessInfo>),
    /// A process (or `*` for the whole group) removed from the sender's Supervisor.
    ProcessRemoved {
        /// Group name.
        group: String,
        /// Process name, or `*` for every process of the group.
        name: String,
    },
    /// A process was enabled or disabled on the sender.
    ProcessDisability(LocalProcessInfo),
    /// The sender's FSM state and job flags changed.
    State(StateModes),
    /// Intent records decided by the sender (not in 0.15, quirk Q19).
    Intents(Vec<ProcessIntent>),
}

/// What the handshake with an instance returned (spec §4.5), injected back as one input.
#[derive(Debug, Clone, PartialEq)]
pub struct HandshakeResult {
    /// None when steps 1–3 failed; false when the peer isolated us.
    pub authorized: Option<bool>,
    /// The peer's master ('' if none or on failure).
    pub master: Identifier,
    /// The peer's own state modes ({OFF,false,false} on failure).
    pub state_modes: StateModes,
    /// The peer's process list (empty when not authorized or when step 4 failed).
    pub processes: Vec<LocalProcessInfo>,
    /// The peer's intent records (quirk Q19; empty when not authorized or not given).
    pub intents: Vec<ProcessIntent>,
}

impl HandshakeResult {
    /// The result of a handshake whose first calls failed.
    pub fn failed() -> Self {
        HandshakeResult {
            authorized: None,
            master: String::new(),
            state_modes: StateModes::default(),
            processes: Vec::new(),
            intents: Vec::new(),
        }
    }
}

/// Requests the engine asks its driver to perform on its behalf (spec §10.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeferredRequest {
    /// Run the handshake with `target` and inject a `HandshakeResult`.
    CheckInstance(Identifier),
    /// Close the links to these instances and never reconnect.
    IsolateInstances(Vec<Identifier>),
    /// `supvisors.start_args(namespec, extra_args, false)` on `target`.
    StartProcess {
        /// Instance that must start the process.
        target: Identifier,
        /// Process to start.
        namespec: String,
        /// Extra arguments to apply.
        extra_args: String,
    },
    /// `supervisor.stopProcess(namespec, false)` on `target`.
    StopProcess {
        /// Instance that must stop the process.
        target: Identifier,
        /// Process to stop.
        namespec: String,
    },
    /// Restart the local Supervisor.
    Restart,
    /// Shut the local Supervisor down.
    Shutdown,
    /// Forward `restart_sequence` to the master.
    RestartSequence(Identifier),
    /// Forward `restart` to the master.
    RestartAll(Identifier),
    /// Forward `shutdown` to the master.
    ShutdownAll(Identifier),
}

/// What should become of a process, as decided by a request or a strategy (quirk Q19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Started by a request or a strategy: a repair DEPLOYMENT restarts it if lost.
    Run,
    /// Stopped on purpose: a repair DEPLOYMENT leaves it stopped.
    Stopped,
}

/// One intent record, shared by INTENTS messages and handshakes (not in 0.15, quirk Q19).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessIntent {
    /// Supervisor group name (the application).
    pub group: String,
    /// Supervisor process name.
    pub name: String,
    /// The decision.
    pub intent: Intent,
    /// Epoch seconds of the decision on the instance that took it (last writer wins).
    pub when: f64,
    /// The instance that took the decision (breaks ties between equal dates).
    pub origin: Identifier,
}
