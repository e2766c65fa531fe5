//! Shell completion scripts (bash, zsh, fish) generated from the clap definition, with each
//! command of the shell added as a subcommand so that command names complete too.

use clap::Command as ClapCommand;
use clap_complete::Shell;

/// The clap definition extended with one subcommand per `supvisorsctl` command.
pub fn definition() -> ClapCommand {
    let mut command = super::args::command();
    for name in super::help::vocabulary(true) {
        let about = super::help::summary(name);
        command = command.subcommand(ClapCommand::new(name).about(about));
    }
    command
}

/// Prints the completion script of `shell` (`bash`, `zsh` or `fish`) on stdout.
pub fn print(shell: &str) {
    let shell = match shell {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut command = definition();
    clap_complete::generate(shell, &mut command, "supvisorsctl", &mut std::io::stdout());
}
