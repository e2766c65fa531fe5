//! The interactive shell: prompt, history, completion of commands and process names.

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Context, Editor, Helper, Highlighter, Hinter, Validator};

use super::reply::str_field;
use super::{Ctl, Flow};

/// Asks a yes/no question on the terminal; only an answer starting with `y` is a yes.
pub fn confirm(ctl: &mut Ctl, question: &str) -> bool {
    ctl.flush();
    read_plain(question).is_some_and(|a| a.to_lowercase().starts_with('y'))
}

/// Asks for a user name and a password after a 401; false when input ended.
pub fn ask_credentials(ctl: &mut Ctl) -> bool {
    ctl.flush();
    let Some(user) = read_plain("Username:") else {
        return false;
    };
    let Some(password) = read_hidden("Password:") else {
        return false;
    };
    ctl.output("");
    ctl.options.username = Some(user);
    ctl.options.password = Some(password);
    true
}

fn read_plain(prompt: &str) -> Option<String> {
    use std::io::Write as _;
    print!("{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_owned()),
    }
}

/// Reads a line without echoing it when stdin is a terminal (Python's `getpass`).
fn read_hidden(prompt: &str) -> Option<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let Ok(saved) = tcgetattr(&stdin) else {
        return read_plain(prompt);
    };
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    let _ = tcsetattr(&stdin, SetArg::TCSAFLUSH, &quiet);
    let line = read_plain(prompt);
    let _ = tcsetattr(&stdin, SetArg::TCSAFLUSH, &saved);
    // The newline typed by the user was not echoed either.
    println!();
    line
}

/// Names offered by completion, filled before each prompt.
#[derive(Default, Helper, Highlighter, Hinter, Validator)]
struct Completion {
    commands: Vec<&'static str>,
    processes: Vec<(String, String)>,
}

impl Completion {
    fn candidates(&self, line: &str, word: &str) -> Vec<String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let actions = || {
            self.commands
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| format!("{c} "))
                .collect()
        };
        if line.trim().is_empty() || (words.len() == 1 && !line.ends_with(' ')) {
            return actions();
        }
        match words.first().copied().unwrap_or("") {
            "help" => actions(),
            "add" | "remove" | "update" => {
                let mut groups: Vec<&str> = Vec::new();
                for (group, _) in &self.processes {
                    if !groups.contains(&group.as_str()) {
                        groups.push(group);
                    }
                }
                groups
                    .into_iter()
                    .filter(|g| g.starts_with(word))
                    .map(|g| format!("{g} "))
                    .collect()
            }
            "clear" | "fg" | "pid" | "restart" | "signal" | "start" | "status" | "stop"
            | "tail" => {
                let mut names: Vec<String> = Vec::new();
                for (group, name) in &self.processes {
                    if word.contains(':') || name != group {
                        names.push(format!("{group}:{name}"));
                        let all = format!("{group}:*");
                        if !names.contains(&all) {
                            names.push(all);
                        }
                    } else {
                        names.push(name.clone());
                    }
                }
                names
                    .into_iter()
                    .filter(|n| n.starts_with(word))
                    .map(|n| format!("{n} "))
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = &line[..pos];
        // `:`, `*` and `-` belong to names, like the reference's completer delimiters.
        let start = head.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
        let pairs = self
            .candidates(head, &head[start..])
            .into_iter()
            .map(|c| Pair {
                display: c.trim_end().to_owned(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

/// Runs the shell: `status` first, then one command per line until `quit`, `exit` or EOF.
pub fn run(ctl: &mut Ctl) {
    use std::io::IsTerminal as _;
    if !std::io::stdin().is_terminal() {
        run_plain(ctl);
        return;
    }
    let mut editor: Editor<Completion, DefaultHistory> = match Editor::new() {
        Ok(editor) => editor,
        Err(err) => {
            eprintln!("Error: cannot start the shell: {err}");
            return;
        }
    };
    let history = ctl.options.history_file.clone();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut helper = Completion {
        commands: super::help::vocabulary(ctl.options.supvisors),
        processes: Vec::new(),
    };
    ctl.onecmd("status");
    loop {
        helper.processes = process_names(ctl);
        editor.set_helper(Some(std::mem::take(&mut helper)));
        let prompt = format!("{}> ", ctl.options.prompt);
        let read = editor.readline(&prompt);
        if let Some(h) = editor.helper_mut() {
            helper = std::mem::take(h);
        }
        match read {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if ctl.onecmd(&line) == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                ctl.output("");
                ctl.flush();
                break;
            }
            Err(_) => {
                ctl.onecmd("EOF");
                break;
            }
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
}

/// The shell on a pipe: the prompt is written before each line is read, like Python's `input`.
fn run_plain(ctl: &mut Ctl) {
    ctl.onecmd("status");
    loop {
        let prompt = format!("{}> ", ctl.options.prompt);
        ctl.flush();
        let Some(line) = read_plain(&prompt) else {
            ctl.onecmd("EOF");
            break;
        };
        if ctl.onecmd(&line) == Flow::Quit {
            break;
        }
    }
}

/// `(group, name)` of every process, for completion; empty when the server cannot tell.
fn process_names(ctl: &mut Ctl) -> Vec<(String, String)> {
    ctl.completion_infos()
        .iter()
        .filter_map(|info| {
            Some((
                str_field(info, "group").ok()?,
                str_field(info, "name").ok()?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> Completion {
        Completion {
            commands: super::super::help::vocabulary(false),
            processes: vec![
                ("grp".into(), "a".into()),
                ("grp".into(), "b".into()),
                ("solo".into(), "solo".into()),
            ],
        }
    }

    #[test]
    fn commands_then_names_like_the_reference() {
        let h = helper();
        assert_eq!(h.candidates("sta", "sta"), ["start ", "status "]);
        assert_eq!(h.candidates("", ""), h.candidates(" ", ""));
        assert_eq!(
            h.candidates("help re", "re"),
            ["reload ", "remove ", "reread ", "restart "]
        );
        assert_eq!(
            h.candidates("start ", ""),
            ["grp:a ", "grp:* ", "grp:b ", "solo "]
        );
        assert_eq!(
            h.candidates("stop grp:", "grp:"),
            ["grp:a ", "grp:* ", "grp:b "]
        );
        assert_eq!(h.candidates("update s", "s"), ["solo "]);
        assert!(h.candidates("version ", "").is_empty());
    }
}
