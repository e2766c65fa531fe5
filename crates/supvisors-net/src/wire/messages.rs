//! Protobuf shapes of the internal messages (spec §10.2); conversions are in `convert`.
//!
//! Dates travel as the raw bits of the `f64` in a `fixed64` field: protobuf's `double` would drop
//! `-0.0` (proto3 skips fields equal to the default), the bits never lose anything.

/// One internal message on the wire.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbInternalMessage {
    /// The message kind and its body.
    #[prost(oneof = "PbBody", tags = "1, 2, 3, 4, 5, 6, 7, 8")]
    pub body: Option<PbBody>,
}

/// The body of an internal message, one variant per header.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum PbBody {
    /// TICK.
    #[prost(message, tag = "1")]
    Tick(PbTick),
    /// PROCESS.
    #[prost(message, tag = "2")]
    Process(PbProcessEvent),
    /// PROCESS, forced.
    #[prost(message, tag = "3")]
    Forced(PbForcedProcessEvent),
    /// PROCESS_ADDED.
    #[prost(message, tag = "4")]
    Added(PbProcessList),
    /// PROCESS_REMOVED.
    #[prost(message, tag = "5")]
    Removed(PbProcessRemoved),
    /// PROCESS_DISABILITY.
    #[prost(message, tag = "6")]
    Disability(PbLocalProcessInfo),
    /// STATE.
    #[prost(message, tag = "7")]
    State(PbStateModes),
    /// INTENTS.
    #[prost(message, tag = "8")]
    Intents(PbIntentList),
}

/// TICK payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbTick {
    /// Bits of `when`.
    #[prost(fixed64, tag = "1")]
    pub when: u64,
    /// The sender's tick counter.
    #[prost(uint64, tag = "2")]
    pub sequence_counter: u64,
    /// The sender's master and state modes (absent in the 0.15 payload).
    #[prost(message, optional, tag = "3")]
    pub status: Option<PbTickStatus>,
}

/// What a TICK carries beyond the 0.15 payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbTickStatus {
    /// The sender's master.
    #[prost(string, tag = "1")]
    pub master: String,
    /// The sender's state modes (required).
    #[prost(message, optional, tag = "2")]
    pub state_modes: Option<PbStateModes>,
}

/// FSM state and job flags.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbStateModes {
    /// `SupvisorsStates` wire code.
    #[prost(int32, tag = "1")]
    pub fsm_state: i32,
    /// Starter busy.
    #[prost(bool, tag = "2")]
    pub starting_jobs: bool,
    /// Stopper busy.
    #[prost(bool, tag = "3")]
    pub stopping_jobs: bool,
}

/// PROCESS payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbProcessEvent {
    /// Group name.
    #[prost(string, tag = "1")]
    pub group: String,
    /// Process name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// `ProcessStates` wire code.
    #[prost(int32, tag = "3")]
    pub state: i32,
    /// Bits of `now`.
    #[prost(fixed64, tag = "4")]
    pub now: u64,
    /// Process id.
    #[prost(uint32, tag = "5")]
    pub pid: u32,
    /// Expected exit.
    #[prost(bool, tag = "6")]
    pub expected: bool,
    /// Spawn error.
    #[prost(string, tag = "7")]
    pub spawnerr: String,
    /// Extra arguments.
    #[prost(string, tag = "8")]
    pub extra_args: String,
    /// Disabled program.
    #[prost(bool, tag = "9")]
    pub disabled: bool,
}

/// Forced PROCESS payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbForcedProcessEvent {
    /// Group name.
    #[prost(string, tag = "1")]
    pub group: String,
    /// Process name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// `ProcessStates` wire code.
    #[prost(int32, tag = "3")]
    pub state: i32,
    /// The instance the forced state is about.
    #[prost(string, tag = "4")]
    pub identifier: String,
    /// Bits of `now`.
    #[prost(fixed64, tag = "5")]
    pub now: u64,
    /// Reason.
    #[prost(string, tag = "6")]
    pub reason: String,
    /// Extra arguments.
    #[prost(string, tag = "7")]
    pub extra_args: String,
}

/// A list of local process infos.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbProcessList {
    /// The infos, in order.
    #[prost(message, repeated, tag = "1")]
    pub processes: Vec<PbLocalProcessInfo>,
}

/// PROCESS_REMOVED payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbProcessRemoved {
    /// Group name.
    #[prost(string, tag = "1")]
    pub group: String,
    /// Process name or `*`.
    #[prost(string, tag = "2")]
    pub name: String,
}

/// Local process information (spec §10.3).
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbLocalProcessInfo {
    /// Group name.
    #[prost(string, tag = "1")]
    pub group: String,
    /// Process name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// `ProcessStates` wire code.
    #[prost(int32, tag = "3")]
    pub state: i32,
    /// Bits of `start`.
    #[prost(fixed64, tag = "4")]
    pub start: u64,
    /// Bits of `stop`.
    #[prost(fixed64, tag = "5")]
    pub stop: u64,
    /// Bits of `now`.
    #[prost(fixed64, tag = "6")]
    pub now: u64,
    /// Process id.
    #[prost(uint32, tag = "7")]
    pub pid: u32,
    /// Spawn error.
    #[prost(string, tag = "8")]
    pub spawnerr: String,
    /// Expected.
    #[prost(bool, tag = "9")]
    pub expected: bool,
    /// `startsecs`.
    #[prost(uint32, tag = "10")]
    pub startsecs: u32,
    /// `stopwaitsecs`.
    #[prost(uint32, tag = "11")]
    pub stopwaitsecs: u32,
    /// Extra arguments.
    #[prost(string, tag = "12")]
    pub extra_args: String,
    /// Disabled program.
    #[prost(bool, tag = "13")]
    pub disabled: bool,
    /// Supervisor's description.
    #[prost(string, tag = "14")]
    pub description: String,
}

/// A list of intent records.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbIntentList {
    /// The records, in order.
    #[prost(message, repeated, tag = "1")]
    pub intents: Vec<PbIntent>,
}

/// One intent record.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbIntent {
    /// Group name.
    #[prost(string, tag = "1")]
    pub group: String,
    /// Process name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// Intent wire code (see [`super::intent_code`]).
    #[prost(int32, tag = "3")]
    pub intent: i32,
    /// Bits of `when`.
    #[prost(fixed64, tag = "4")]
    pub when: u64,
    /// Deciding instance.
    #[prost(string, tag = "5")]
    pub origin: String,
}
