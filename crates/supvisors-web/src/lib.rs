//! Web dashboard (not built yet).
//!
//! Will own: dashboard pages, SVG plots, the REST/JSON API and live updates.
//!
//! Will never hold business logic: it renders published snapshots and forwards actions.
