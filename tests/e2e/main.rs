//! End-to-end tests: real binaries, real reference implementations.

mod check_config;
mod reference_configs;
