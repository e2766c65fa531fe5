//! Local process supervision: supervisord 4.3.0's semantics for the programs of one host.
//!
//! [`model`] is a pure, deterministic model of the supervision (lifecycle of each process,
//! groups, the `supervisor.*` RPC semantics, event listeners): no I/O, no clock, no threads.
//! The other modules are the I/O building blocks that the tokio driver ([`driver`]) glues to it:
//! [`command`] (command line to argv and file), [`childenv`] (environment), [`spawn`]
//! (fork/exec), [`reaper`] (waitpid on SIGCHLD), [`capture`] (stdout/stderr pipes to logs and
//! events), [`stdin`] (ordered writes to a child), [`rotating`] and [`mainlog`] (log files),
//! [`logread`] (readLog/tail arithmetic and `/logtail` follow), [`autolog`] (AUTO log names and
//! cleanup).
//!
//! Never holds cluster logic: that is `supvisors-core`'s.

pub mod autolog;
pub mod capture;
pub mod childenv;
pub mod command;
pub mod driver;
pub mod logread;
pub mod mainlog;
pub mod model;
pub mod privileges;
pub mod reaper;
pub mod rotating;
pub mod spawn;
pub mod stdin;
pub mod syslog;
