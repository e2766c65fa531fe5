//! End-to-end tests: real binaries, real reference implementations.

mod breed;
mod reference_configs;
