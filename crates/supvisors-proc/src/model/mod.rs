//! A pure, deterministic model of supervisord 4.3.0's process supervision (spec
//! `supervisor.md` §2, §3.5 semantics, §7).
//!
//! The model does no I/O, reads no clock and starts no thread: time comes in as a [`Clock`]
//! argument, every side effect goes through the [`Host`] trait, and what the model decides
//! comes out of [`Supervisor::take_outputs`] (main-log lines, events, end of shutdown).
//!
//! ```text
//!  driver ── tick(now) / child_exited(pid, status) / listener_stdout / process_output ──┐
//!  RPC    ── start_process / stop_process / … (Result<Outcome, Fault>) ─────────────────┤
//!                                                                                        v
//!                                     Supervisor (groups, processes, pools, mood)
//!                                        │  Host: resolve_command, spawn, kill,
//!                                        │        write_stdin, auto_log_path, reap_now
//!                                        v
//!                      take_outputs(): Log / Event / Exit / Reinitialize
//!                      next_deadline(now): when to tick again (monotonic)
//!                      poll(&mut Waiter, now): deferred RPC results
//!                      take_notices(): SupvisorsNotice (Supvisors mode only)
//! ```
//!
//! Supvisors mode ([`Supervisor::enable_supvisors`]) adds what the Supvisors plugin patches
//! into Supervisor: disabled programs, extra arguments, a forced FATAL, `update_numprocs`,
//! the local process information and the facts published to the other instances.
//!
//! The driver calls [`Supervisor::tick`] at the deadline returned by
//! [`Supervisor::next_deadline`] (and at least once a second), [`Supervisor::child_exited`]
//! for every reaped child after draining its pipes, and [`Supervisor::poll`] for each
//! deferred RPC after every step.
//!
//! ```
//! use std::path::Path;
//! use supvisors_proc::model::testing::FakeHost;
//! use supvisors_proc::model::{Clock, Output, ProcessState, Supervisor};
//! use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
//! use supvisors_rules::supervisor::load_supervisor_config_from_str;
//!
//! let (accounts, resolver) = (StaticAccounts::root_only(), HostTable::new());
//! let ctx = LoadContext {
//!     env: Default::default(),
//!     host_node_name: "node1".into(),
//!     cwd: std::env::temp_dir(),
//!     local_addresses: Vec::new(),
//!     accounts: &accounts,
//!     resolver: &resolver,
//! };
//! let text = "[supervisord]\n[program:sleeper]\ncommand=/bin/sleep 1000\n";
//! let config = load_supervisor_config_from_str(text, Path::new("s.conf"), &ctx).unwrap();
//!
//! let mut host = FakeHost::new();
//! let mut sup = Supervisor::new(&config, "supervisor", &mut host);
//! let now = Clock { wall: 1_800_000_000.0, mono: 10.0 };
//! sup.tick(now, &mut host); // autostart: spawned through the host
//! sup.tick(now.plus(1.5), &mut host); // past startsecs
//! let info = sup.get_process_info("sleeper", now.plus(1.5), &host).unwrap();
//! assert_eq!(info.state, ProcessState::Running);
//! let logs: Vec<Output> = sup.take_outputs();
//! assert!(logs.contains(&Output::Log {
//!     level: supvisors_proc::model::Level::Info,
//!     text: "spawned: 'sleeper' with pid 100".into(),
//! }));
//! ```

mod clock;
mod commands;
mod config_info;
mod daemon;
mod deferred;
mod describe;
mod events;
mod faults;
mod group;
mod host;
mod info;
mod inputs;
mod listener;
mod names;
mod numprocs;
mod output;
mod pools;
mod process;
mod process_stop;
mod signal;
mod state;
mod supervisor;
mod supvisors;
pub mod testing;

#[cfg(test)]
mod tests;

pub use clock::{Clock, capped_int};
pub use config_info::{ConfigInfo, StrOrInt};
pub use daemon::ReloadDiff;
pub use deferred::{Outcome, ProcessResult, RpcResult, Waiter};
pub use describe::{decode_wait_status, signame, stop_time_text, timedelta_text};
pub use events::{Event, SUPVISORS_EVENT_TYPES, SupvisorsEventKind, bytes_repr, decode, envelope};
pub use faults::{Fault, FaultCode};
pub use host::{
    Channel, ChannelLog, CommandError, CommandErrorKind, Host, KillError, ResolvedCommand,
    SpawnRequest, StdinError,
};
pub use info::ProcessInfo;
pub use listener::Buffered;
pub use names::{make_namespec, split_namespec};
pub use numprocs::NumprocsChange;
pub use output::Output;
pub use signal::SignalArg;
pub use state::{Level, ListenerState, ProcessState, SupervisorState};
pub use supervisor::Supervisor;
pub use supvisors::{SupvisorsNotice, core_state};
