//! The Supvisors side of `supvisorsd`: when the configuration has a `[rpcinterface:supvisors]`
//! section, the engine, the links to the other instances, the tick timer and the event
//! publisher run beside the local Supervisor (ARCHITECTURE.md, runtime data flow).

pub mod disabilities;
pub mod engine_task;
