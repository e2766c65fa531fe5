//! Web pages served next to the XML-RPC interface.
//!
//! Owns: supervisord's classic web UI ([`supervisor_ui`]); later the dashboard pages, SVG plots,
//! the REST/JSON API and live updates.
//!
//! Never holds business logic: it renders the model's answers and forwards actions to it.

pub mod supervisor_ui;
