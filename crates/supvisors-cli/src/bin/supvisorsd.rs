//! `supvisorsd`: the Supvisors daemon. For now it only checks configurations
//! (`--check-config`); the daemon itself comes with issue #3.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use supvisors_cli::check_config::{self, CheckOptions};

/// Command line, compatible with supervisord's where options exist in both.
#[derive(Parser)]
#[command(name = "supvisorsd", version, about = "Supvisors for Rust daemon")]
struct Cli {
    /// Configuration file (default: supervisord's search list).
    #[arg(short = 'c', long = "configuration", value_name = "FILE")]
    configuration: Option<PathBuf>,
    /// Supervisor identifier (overrides `[supervisord] identifier`).
    #[arg(short = 'i', long = "identifier", value_name = "STR")]
    identifier: Option<String>,
    /// Load the configuration and the rules, print a summary or every error, and exit.
    #[arg(long)]
    check_config: bool,
    /// With --check-config: print the resolved options and rules as JSON.
    #[arg(long, requires = "check_config")]
    json: bool,
    /// With --check-config: the host name to assume (`%(host_node_name)s`, local instance).
    #[arg(long, value_name = "NAME", requires = "check_config")]
    host_node_name: Option<String>,
    /// With --check-config: resolve host names from this JSON table
    /// (`{"host": ["canonical", ["alias", …], ["address", …]]}`) instead of the system resolver.
    #[arg(long, value_name = "FILE", requires = "check_config")]
    hosts: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !cli.check_config {
        eprintln!(
            "supvisorsd: only --check-config is available in this version; \
             the daemon is not built yet"
        );
        return ExitCode::from(2);
    }
    let options = CheckOptions {
        configuration: cli.configuration,
        identifier: cli.identifier,
        json: cli.json,
        host_node_name: cli.host_node_name,
        hosts: cli.hosts,
    };
    check_config::run(&options)
}
