//! `supvisorsd`: the Supvisors daemon, a drop-in `supervisord` 4.3.0 (plus `--check-config`).

use std::process::ExitCode;

fn main() -> ExitCode {
    supvisors_cli::daemon::run(std::env::args_os())
}
