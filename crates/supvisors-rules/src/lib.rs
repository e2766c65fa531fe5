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

pub mod context;
pub mod error;
mod option_paths;
mod option_values;
pub mod rules_xml;
pub mod supvisors_list;
pub mod supvisors_options;
