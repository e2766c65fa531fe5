//! Reading `supervisord.conf` and the Supvisors XML rules files exactly as Supervisor 4.3 and
//! Supvisors 0.15 do, with better error reports.
//!
//! This crate reads the files it is given and nothing else: environment variables, the host
//! name, user accounts and address resolution are handed in through [`context::LoadContext`].
//! Parsing happens in two stages, as in ripgrep: a raw stage that mirrors the text (sections,
//! keys, line numbers), then a typed stage that expands `%(name)s` references and validates
//! every value. Both stages keep going after an error, so one run reports every problem as a
//! [`error::ConfigError`] carrying `file:line: [section] problem (expected …, found …)`.
//!
//! ```text
//!  supervisord.conf ──► ini::parse_ini ──► RawIni ─┐   (+ [include] files, merged)
//!                                                  ├─► supervisor::load_supervisor_config
//!  LoadContext (env, host name, cwd, accounts) ────┘        │
//!                                                           ▼
//!                     SupervisorConfig (typed, expanded) + warnings, or Vec<ConfigError>
//! ```
//!
//! Modules for `supervisord.conf`:
//! - [`ini`]: the raw INI stage (Python `configparser`, Supervisor's and the default dialect);
//!   [`ini_write`] edits it and writes it back as `ConfigParser.write` does.
//! - [`expand`]: Python `%`-formatting against a dictionary, with the reference's messages.
//! - [`values`] and [`paths`]: the value types of Supervisor's `datatypes.py`.
//! - [`shlex`]: the non-POSIX `shlex` tokenizer behind `KEY=val,…` lists.
//! - [`pystr`]: Python string semantics the others rely on (`repr`, `int()`, `strip`).
//! - [`supervisor`]: the typed configuration and its loader.
//!
//! The Supvisors part, in the order the daemon uses it:
//!
//! ```text
//! [rpcinterface:supvisors] entries ──> supvisors_options::parse_supvisors_options
//!        (key, value, line)              │  supvisors_list: grammar, identifiers, ports,
//!        + LoadContext (env, resolver)   │  nodes, local instance; rules_files globs;
//!                                        v  disabilities JSON
//!                                 SupvisorsOptions (+ warnings) | Vec<ConfigError> (fatal)
//!                                        │ rules_files
//!                                        v
//!                         rules_xml::load_rules ──> RulesEngine | Vec<ConfigError>
//!                                        │           (any bad file: no engine at all)
//!       local processes (LocalProcess) ──┤
//!                                        v
//!                         rules_xml::resolve_rules ──> ResolvedRules
//!                (ApplicationRules / ProcessRules per group / namespec, autorestart to force
//!                 off, reports); RulesEngine::{application_rules, process_rules} answer the
//!                 engine later for applications and processes seen on other instances.
//! ```
//!
//! [`loaded::load`] runs both parts in that order and is what `supvisorsd` calls.

pub mod context;
pub mod engine_input;
pub mod error;
pub mod expand;
pub mod ini;
pub mod ini_write;
pub mod loaded;
mod option_paths;
mod option_values;
pub mod paths;
pub mod pystr;
pub mod rules_xml;
pub mod shlex;
pub mod supervisor;
pub mod supvisors_list;
pub mod supvisors_options;
#[cfg(test)]
mod testutil;
pub mod values;

pub use loaded::{LoadedConfig, Overrides, SupvisorsConfig, load};
