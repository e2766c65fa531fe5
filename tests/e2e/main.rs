//! End-to-end tests: real binaries, real reference implementations.

mod breed;
mod check_config;
mod cluster_conciliation;
mod cluster_events;
mod cluster_failures;
mod cluster_local;
mod cluster_partition;
mod cluster_sequences;
mod compat;
mod ctl_extras;
mod ctl_streams;
mod ctl_supervisor;
mod ctl_supvisors;
mod daemon_bad_input;
mod daemon_children;
mod daemon_cli;
mod daemon_fcgi;
mod daemon_run;
mod daemon_syslog;
mod ini_dialects;
mod reference_configs;
mod rules_resolution;
mod rules_schema;
mod supervisor_config;
mod supvisors_options;
mod web_ui;
