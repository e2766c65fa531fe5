//! Reading `supervisord.conf` and the Supvisors XML rules files exactly as Supervisor 4.3 and
//! Supvisors 0.15 do, with better error reports.
//!
//! This crate reads the files it is given and nothing else: environment variables, the host
//! name, user accounts and address resolution are handed in through [`context::LoadContext`].
//! Parsing happens in two stages, as in ripgrep: a raw stage that mirrors the text (sections,
//! keys, line numbers), then a typed stage that expands `%(name)s` references and validates
//! every value. Both stages keep going after an error, so one run reports every problem as a
//! [`error::ConfigError`] carrying `file:line: [section] problem (expected …, found …)`.

pub mod context;
pub mod error;
pub mod ini;
pub mod pystr;
