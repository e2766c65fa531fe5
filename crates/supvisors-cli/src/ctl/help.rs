//! `help [topic]`: the command tables and the usage lines of each command.
//!
//! Usage lines are printed after argument errors too, where scripts compare them with the
//! reference client's output, so they keep its layout (tabs included).

use super::{Ctl, Error, Flow};

/// Documented Supervisor commands, sorted (the `help` table).
const DEFAULT_COMMANDS: &[&str] = &[
    "add", "avail", "clear", "exit", "fg", "maintail", "open", "pid", "quit", "reload", "remove",
    "reread", "restart", "shutdown", "signal", "start", "status", "stop", "tail", "update",
    "version",
];

/// Every command name known to the shell (for completion).
pub fn vocabulary(supvisors: bool) -> Vec<&'static str> {
    let mut names = vec!["help"];
    names.extend_from_slice(DEFAULT_COMMANDS);
    if supvisors {
        names.extend(super::supvisors::COMMANDS.iter().copied());
    }
    names
}

/// The usage lines of a Supervisor command.
fn default_usage(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "add" => "add <name> [...]\tActivates any updates in config for process/group",
        "avail" => "avail\t\t\tDisplay all configured processes",
        "clear" => {
            "clear <name>\t\tClear a process' log files.\n\
             clear <name> <name>\tClear multiple process' log files\n\
             clear all\t\tClear all process' log files"
        }
        "exit" => "exit\tExit the supervisor shell.",
        "quit" => "quit\tExit the supervisor shell.",
        "fg" => "fg <process>\tConnect to a process in foreground mode\n\t\tCtrl-C to exit",
        "maintail" => {
            "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n\
             maintail -100\tlast 100 *bytes* of supervisord main log file\n\
             maintail\tlast 1600 *bytes* of supervisor main log file\n"
        }
        "open" => {
            "open <url>\tConnect to a remote supervisord process.\n\
             \t\t(for UNIX domain socket, use unix:///socket/path)"
        }
        "pid" => {
            "pid\t\t\tGet the PID of supervisord.\n\
             pid <name>\t\tGet the PID of a single child process by name.\n\
             pid all\t\t\tGet the PID of every child process, one per line."
        }
        "reload" => "reload \t\tRestart the remote supervisord.",
        "remove" => "remove <name> [...]\tRemoves process/group from active config",
        "reread" => "reread \t\t\tReload the daemon's configuration files without add/remove",
        "restart" => {
            "restart <name>\t\tRestart a process\n\
             restart <gname>:*\tRestart all processes in a group\n\
             restart <name> <name>\tRestart multiple processes or groups\n\
             restart all\t\tRestart all processes\n\
             Note: restart does not reread config files. For that, see reread and update."
        }
        "shutdown" => "shutdown \tShut the remote supervisord down.",
        "signal" => {
            "signal <signal name> <name>\t\tSignal a process\n\
             signal <signal name> <gname>:*\t\tSignal all processes in a group\n\
             signal <signal name> <name> <name>\tSignal multiple processes or groups\n\
             signal <signal name> all\t\tSignal all processes"
        }
        "start" => {
            "start <name>\t\tStart a process\n\
             start <gname>:*\t\tStart all processes in a group\n\
             start <name> <name>\tStart multiple processes or groups\n\
             start all\t\tStart all processes"
        }
        "status" => {
            "status <name>\t\tGet status for a single process\n\
             status <gname>:*\tGet status for all processes in a group\n\
             status <name> <name>\tGet status for multiple named processes\n\
             status\t\t\tGet all process status info"
        }
        "stop" => {
            "stop <name>\t\tStop a process\n\
             stop <gname>:*\t\tStop all processes in a group\n\
             stop <name> <name>\tStop multiple processes or groups\n\
             stop all\t\tStop all processes"
        }
        "tail" => {
            "tail [-f] <name> [stdout|stderr] (default stdout)\n\
             Ex:\n\
             tail -f <name>\t\tContinuous tail of named process stdout\n\
             \t\t\tCtrl-C to exit.\n\
             tail -100 <name>\tlast 100 *bytes* of process stdout\n\
             tail <name> stderr\tlast 1600 *bytes* of process stderr"
        }
        "update" => {
            "update\t\t\tReload config and add/remove as necessary, and will restart affected programs\n\
             update all\t\tReload config and add/remove as necessary, and will restart affected programs\n\
             update <gname> [...]\tUpdate specific groups"
        }
        "version" => "version\t\t\tShow the version of the remote supervisord process",
        _ => return None,
    })
}

/// The first usage line of `name`, without its syntax part (for completion descriptions).
pub fn summary(name: &str) -> String {
    default_usage(name)
        .or_else(|| super::supvisors::usage(name))
        .and_then(|u| u.lines().next())
        .and_then(|l| l.rsplit('\t').next())
        .map_or_else(|| name.to_owned(), |s| s.trim().to_owned())
}

/// Prints the usage of a Supervisor command `topic`; false when there is none.
pub fn topic(ctl: &mut Ctl, topic: &str) -> bool {
    if let Some(text) = default_usage(topic) {
        ctl.output(text);
        return true;
    }
    false
}

/// `help [topic]`.
pub fn do_help(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let arg = arg.trim();
    if arg == "help" {
        ctl.output("help\t\tPrint a list of available actions");
        ctl.output("help <action>\tPrint help for <action>");
        return Ok(Flow::Continue);
    }
    if arg.is_empty() {
        ctl.output("");
        print_topics(
            ctl,
            "default commands (type help <topic>):",
            DEFAULT_COMMANDS,
            80,
        );
        if ctl.options.supvisors {
            ctl.output("");
            let commands = super::supvisors::documented();
            print_topics(
                ctl,
                "supvisors commands (type help <topic>):",
                &commands,
                80,
            );
        }
        return Ok(Flow::Continue);
    }
    // Each plugin answers in turn: Supervisor's, then Supvisors'.
    if default_usage(arg).is_some() {
        topic(ctl, arg);
    } else {
        ctl.output(&format!("*** No help on {arg}"));
    }
    if ctl.options.supvisors && !super::supvisors::print_help(ctl, arg)? {
        ctl.output(&format!("*** No help on {arg}"));
    }
    Ok(Flow::Continue)
}

/// `cmd.Cmd.print_topics`: a header, a `=` ruler and the names in columns.
fn print_topics(ctl: &mut Ctl, header: &str, names: &[&str], maxcol: usize) {
    ctl.output(header);
    ctl.output(&"=".repeat(header.chars().count()));
    for line in columnize(names, maxcol - 1) {
        ctl.output(&line);
    }
    ctl.output("");
}

/// `cmd.Cmd.columnize`: the fewest rows whose columns (2 spaces apart) fit `width`.
pub fn columnize(names: &[&str], width: usize) -> Vec<String> {
    let size = names.len();
    match size {
        0 => return vec!["<empty>".into()],
        1 => return vec![names[0].to_owned()],
        _ => {}
    }
    let len = |i: usize| names.get(i).map_or(0, |n| n.chars().count());
    let mut layout = None;
    for nrows in 1..size {
        let ncols = size.div_ceil(nrows);
        let mut widths = Vec::new();
        let mut total: isize = -2;
        for col in 0..ncols {
            let w = (0..nrows)
                .map(|row| row + nrows * col)
                .take_while(|&i| i < size)
                .map(len)
                .max()
                .unwrap_or(0);
            widths.push(w);
            total += w.cast_signed() + 2;
            if total > width.cast_signed() {
                break;
            }
        }
        if total <= width.cast_signed() {
            layout = Some((nrows, ncols, widths));
            break;
        }
    }
    let (nrows, ncols, widths) = layout.unwrap_or((size, 1, vec![0]));
    let mut lines = Vec::with_capacity(nrows);
    for row in 0..nrows {
        let mut texts: Vec<&str> = (0..ncols)
            .map(|col| names.get(row + nrows * col).copied().unwrap_or(""))
            .collect();
        while texts.last().is_some_and(|t| t.is_empty()) {
            texts.pop();
        }
        let cells: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(col, t)| format!("{t:<w$}", w = widths.get(col).copied().unwrap_or(0)))
            .collect();
        lines.push(cells.join("  "));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_like_the_reference() {
        let lines = columnize(DEFAULT_COMMANDS, 79);
        assert_eq!(
            lines,
            vec![
                "add    exit      open  reload  restart   start   tail   ",
                "avail  fg        pid   remove  shutdown  status  update ",
                "clear  maintail  quit  reread  signal    stop    version",
            ]
        );
    }
}
