//! Turning a program's `command` into the file to exec and its argv (spec §2.3 step 4).
//!
//! Owns the POSIX shell-like split (Python's `shlex.split`), the PATH search and the checks that
//! give the `spawnerr` texts. Never forks nor execs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Directories searched when neither the program nor the daemon has a `PATH`.
pub const DEFAULT_PATH: &str = "/bin:/usr/bin:/usr/local/bin";

pub use crate::model::{CommandError, CommandErrorKind, ResolvedCommand};

/// Splits `command`, searches `PATH` and checks the file, in the order of §2.3.
///
/// `env_path` is the `PATH` of the program's merged environment if it sets one; otherwise
/// the daemon's own non-empty `$PATH` is used, else [`DEFAULT_PATH`].
pub fn resolve_command(
    command: &str,
    env_path: Option<&str>,
) -> Result<ResolvedCommand, CommandError> {
    let daemon_path = std::env::var("PATH").ok();
    resolve_with_daemon_path(command, env_path, daemon_path.as_deref())
}

/// [`resolve_command`] with the daemon's `PATH` passed in (for tests and callers that froze it).
pub fn resolve_with_daemon_path(
    command: &str,
    env_path: Option<&str>,
    daemon_path: Option<&str>,
) -> Result<ResolvedCommand, CommandError> {
    let not_exec = |text: String| CommandError {
        kind: CommandErrorKind::NotExecutable,
        text,
    };
    let argv = split(command).map_err(|reason| {
        not_exec(format!(
            "can't parse command {}: {reason}",
            py_repr(command)
        ))
    })?;
    let Some(program) = argv.first() else {
        return Err(not_exec("command is empty".to_owned()));
    };
    let (file, meta) = if program.contains('/') {
        (PathBuf::from(program), std::fs::metadata(program).ok())
    } else {
        // An empty daemon PATH counts as unset, as in Supervisor's `get_path`.
        let path = env_path
            .or(daemon_path.filter(|p| !p.is_empty()))
            .unwrap_or(DEFAULT_PATH);
        path.split(':')
            .map(|dir| Path::new(dir).join(program))
            .find_map(|found| std::fs::metadata(&found).ok().map(|m| (found, Some(m))))
            .unwrap_or_else(|| (PathBuf::from(program), None))
    };
    let shown = py_repr(&file.to_string_lossy());
    let Some(meta) = meta else {
        return Err(CommandError {
            kind: CommandErrorKind::NotFound,
            text: format!("can't find command {shown}"),
        });
    };
    if meta.is_dir() {
        return Err(not_exec(format!("command at {shown} is a directory")));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(not_exec(format!("command at {shown} is not executable")));
    }
    if nix::unistd::access(&file, nix::unistd::AccessFlags::X_OK).is_err() {
        return Err(not_exec(format!("no permission to run command {shown}")));
    }
    Ok(ResolvedCommand {
        file: file.to_string_lossy().into_owned(),
        argv,
    })
}

/// Splits like Python's `shlex.split` (POSIX mode, no comments): quotes and backslashes,
/// no expansion. Errors are Python's texts (`No closing quotation`, `No escaped character`).
pub fn split(text: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    // A quoted empty string still makes a word, so track "a word has started".
    let mut started = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\\' => {
                word.push(chars.next().ok_or("No escaped character")?);
                started = true;
            }
            '\'' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => word.push(q),
                        None => return Err("No closing quotation"),
                    }
                }
            }
            '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        // Inside double quotes only `"` and `\` are escapable.
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\')) => word.push(e),
                            Some(e) => {
                                word.push('\\');
                                word.push(e);
                            }
                            None => return Err("No closing quotation"),
                        },
                        Some(q) => word.push(q),
                        None => return Err("No closing quotation"),
                    }
                }
            }
            other => {
                word.push(other);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

/// Python's `repr()` of a `str`, which the reference uses in its `%r` messages.
pub fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn split_follows_posix_shlex() {
        assert_eq!(
            split(r#"a 'b c' "d \"e\" \x" f\ g ''"#),
            Ok(vec![
                "a".to_owned(),
                "b c".to_owned(),
                r#"d "e" \x"#.to_owned(),
                "f g".to_owned(),
                String::new()
            ])
        );
        assert_eq!(split("x 'y"), Err("No closing quotation"));
        assert_eq!(split("x \\"), Err("No escaped character"));
        assert_eq!(split("   "), Ok(vec![]));
    }

    #[test]
    fn errors_carry_reference_texts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().to_string_lossy().into_owned();
        let err = |cmd: &str| resolve_with_daemon_path(cmd, None, Some(&d)).expect_err(cmd);
        assert_eq!(err("").text, "command is empty");
        assert_eq!(
            err("foo 'bar").text,
            "can't parse command \"foo 'bar\": No closing quotation"
        );
        let e = err("nosuchprog x");
        assert_eq!(
            (e.kind, e.text.as_str()),
            (
                CommandErrorKind::NotFound,
                "can't find command 'nosuchprog'"
            )
        );
        assert_eq!(err(&d).text, format!("command at '{d}' is a directory"));
        let f = dir.path().join("plain");
        std::fs::write(&f, "x").expect("write");
        let fs = f.to_string_lossy().into_owned();
        let e = err(&fs);
        assert_eq!(
            (e.kind, e.text),
            (
                CommandErrorKind::NotExecutable,
                format!("command at '{fs}' is not executable")
            )
        );
    }

    #[test]
    fn path_search_prefers_program_path_then_daemon_then_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("myprog");
        std::fs::write(&f, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let d = dir.path().to_string_lossy().into_owned();
        let r = resolve_with_daemon_path("myprog -x", Some(&format!("/nonexistent:{d}")), None)
            .expect("found");
        assert_eq!(Path::new(&r.file), f);
        assert_eq!(r.argv, vec!["myprog".to_owned(), "-x".to_owned()]);
        assert!(resolve_with_daemon_path("myprog", None, Some(&d)).is_ok());
        // The program PATH wins over the daemon PATH even when it misses.
        assert!(resolve_with_daemon_path("myprog", Some("/nonexistent"), Some(&d)).is_err());
        let sh = resolve_with_daemon_path("sh -c true", None, Some("")).expect("default path");
        assert_eq!(sh.file, "/bin/sh");
    }
}
