//! `supvisorsctl`: a drop-in `supervisorctl` 4.3.0 plus the Supvisors 0.15 commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    supvisors_cli::ctl::main_with(std::env::args_os().collect())
}
