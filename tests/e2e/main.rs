//! End-to-end tests: real binaries, real reference implementations.

mod reference_configs;
