//! `supvisorsd`: for now only `--check-config` (the daemon itself comes with issue #3).
fn main() {}
