//! Local process supervision: the I/O building blocks of the process manager.
//!
//! These modules each own one piece of a child's I/O and are glued to the lifecycle model by
//! the tokio driver: [`command`] (command line to argv and file), [`childenv`] (environment),
//! [`spawn`] (fork/exec), [`reaper`] (waitpid on SIGCHLD), [`capture`] (stdout/stderr pipes
//! to logs and events), [`stdin`] (ordered writes to a child), [`rotating`] and [`mainlog`]
//! (log files), [`logread`] (readLog/tail arithmetic and `/logtail` follow), [`autolog`]
//! (AUTO log names and cleanup).
//!
//! How a driver uses them for one start (all on one tokio runtime):
//!
//! ```text
//! reaped = reaper::start_reaper()?                      // once, before any spawn
//! cmd    = command::resolve_command(&cfg.command, path) // Err → spawnerr, BACKOFF
//! file_o = RotatingFile::open(stdout_logfile, ..)?      // before fork: errors are spawnerr
//! child  = spawn::spawn(&SpawnSpec { env: childenv::child_env(..), .. })?
//! out    = capture::start_capture(child.stdout, Some(file_o), cfg, reports_tx)?
//! stdin  = stdin::StdinWriter::start(child.stdin?)?
//! ... Reaped { pid, status } arrives on `reaped` ...
//! out.finish().await; err.finish().await                 // log everything the child wrote
//! (text, code) = reaper::status_text(status)              // then feed the exit to the model
//! ```
//!
//! Never holds cluster logic: that is `supvisors-core`'s.

pub mod autolog;
pub mod capture;
pub mod childenv;
pub mod command;
pub mod logread;
pub mod mainlog;
pub mod privileges;
pub mod reaper;
pub mod rotating;
pub mod spawn;
pub mod stdin;
