//! The command line (`-c -s -u -p -i -r`, plus `--json` and `--completions`) and the
//! `[supervisorctl]` section of the configuration file, command line first.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Arg, ArgAction, Command as ClapCommand};
use supvisors_rules::expand::{Names, Value as Name, expand};
use supvisors_rules::ini::{Dialect, parse_ini};

use super::{Ctl, Options, exit};

/// The clap definition of `supvisorsctl` (the action and its arguments are free words).
pub fn command() -> ClapCommand {
    ClapCommand::new("supvisorsctl")
        .about("Control the programs run by supervisord / supvisorsd, and Supvisors")
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .short_alias('?')
                .long("help")
                .action(ArgAction::Help)
                .help("print this help and exit"),
        )
        .arg(opt(
            "configuration",
            'c',
            "FILE",
            "configuration file (searched when not given)",
        ))
        .arg(
            Arg::new("interactive")
                .short('i')
                .long("interactive")
                .action(ArgAction::SetTrue)
                .help("start an interactive shell when no action is given"),
        )
        .arg(opt(
            "serverurl",
            's',
            "URL",
            "http://host:port or unix:///path of the server",
        ))
        .arg(opt(
            "username",
            'u',
            "USER",
            "user name for the server's authentication",
        ))
        .arg(opt(
            "password",
            'p',
            "PASSWORD",
            "password for the server's authentication",
        ))
        .arg(
            opt(
                "history_file",
                'r',
                "FILE",
                "keep the shell's history in FILE",
            )
            .alias("history-file"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("print the answers of read commands as JSON"),
        )
        .arg(
            Arg::new("completions")
                .long("completions")
                .value_name("SHELL")
                .value_parser(["bash", "zsh", "fish"])
                .help("print a completion script for SHELL and exit"),
        )
        .arg(
            Arg::new("action")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true)
                .value_name("ACTION [ARGUMENTS]"),
        )
}

fn opt(name: &'static str, short: char, value: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .short(short)
        .long(name)
        .value_name(value)
        .action(ArgAction::Set)
        .help(help)
}

/// Runs `supvisorsctl` with its arguments; returns the exit status.
pub fn run(args: Vec<OsString>) -> i32 {
    let argv0 = args
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_else(|| "supvisorsctl".into());
    let matches = match command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(err) => {
            let _ = err.print();
            return err.exit_code();
        }
    };
    if let Some(shell) = matches.get_one::<String>("completions") {
        super::completions::print(shell);
        return exit::SUCCESS;
    }
    let action: Vec<String> = matches
        .get_many::<String>("action")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    // getopt stops at the first word that is not an option: a leading dash there is unknown.
    if let Some(first) = action.first().filter(|a| a.starts_with('-') && a.len() > 1) {
        let option = first.split('=').next().unwrap_or(first);
        eprintln!("Error: option {option} not recognized");
        eprintln!("For help, use {argv0} -h");
        return exit::INVALID_ARGS;
    }
    let options = match options(&matches, &argv0) {
        Ok(options) => options,
        Err(msg) => {
            eprintln!("Error: {msg}");
            eprintln!("For help, use {argv0} -h");
            return exit::INVALID_ARGS;
        }
    };
    let mut ctl = match Ctl::new(options) {
        Ok(ctl) => ctl,
        Err(err) => {
            eprintln!("Error: {err}");
            return exit::GENERIC;
        }
    };
    if action.is_empty() {
        ctl.options.interactive = true;
        super::shell::run(&mut ctl);
        ctl.flush();
        return exit::SUCCESS;
    }
    ctl.onecmd(&action.join(" "));
    ctl.flush();
    ctl.exitstatus
}

/// Merges the command line over the `[supervisorctl]` section over the defaults.
fn options(m: &clap::ArgMatches, argv0: &str) -> Result<Options, String> {
    let get = |k: &str| m.get_one::<String>(k).cloned();
    let section = match get("configuration") {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.exists() {
                return Err(format!("could not find config file {}", path.display()));
            }
            Some(read_section(&path)?)
        }
        None => match search_config(argv0) {
            Some(path) => Some(read_section(&path)?),
            None => None,
        },
    };
    let section = section.unwrap_or_default();
    let serverurl = match get("serverurl") {
        Some(url) => {
            if !is_url(&url) {
                return Err(format!(
                    "invalid value for -s {}: value {} is not a URL",
                    super::errors::py_repr(&url),
                    super::errors::py_repr(&url)
                ));
            }
            url
        }
        None => section
            .get("serverurl")
            .cloned()
            .unwrap_or_else(|| "http://localhost:9001".into()),
    };
    let plain = Path::new(argv0)
        .file_name()
        .is_some_and(|n| n == "supervisorctl");
    Ok(Options {
        serverurl,
        username: get("username").or_else(|| section.get("username").cloned()),
        password: get("password").or_else(|| section.get("password").cloned()),
        prompt: section
            .get("prompt")
            .cloned()
            .unwrap_or_else(|| "supervisor".into()),
        history_file: get("history_file")
            .or_else(|| section.get("history_file").cloned())
            .filter(|h| !h.is_empty())
            .map(PathBuf::from),
        interactive: false,
        json: m.get_flag("json"),
        supvisors: !plain,
    })
}

/// `datatypes.url`: a scheme and a location or path.
fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok && !rest.is_empty() && rest != "//"
}

/// The first existing file of Supervisor's search list.
fn search_config(argv0: &str) -> Option<PathBuf> {
    let exe_dir = std::env::current_exe()
        .ok()
        .or_else(|| Some(PathBuf::from(argv0)))
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    [
        exe_dir.join("../etc/supervisord.conf"),
        exe_dir.join("../supervisord.conf"),
        PathBuf::from("supervisord.conf"),
        PathBuf::from("etc/supervisord.conf"),
        PathBuf::from("/etc/supervisord.conf"),
        PathBuf::from("/etc/supervisor/supervisord.conf"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

/// The expanded keys of `[supervisorctl]` (`%(here)s` and `%(ENV_X)s` known).
fn read_section(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|_| format!("could not read config file {}", path.display()))?;
    let ini = parse_ini(&text, path, Dialect::Supervisor).map_err(|errors| {
        errors
            .first()
            .map_or_else(|| "bad config file".into(), ToString::to_string)
    })?;
    let Some(section) = ini.section("supervisorctl") else {
        return Err(".ini file does not include supervisorctl section".into());
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let here = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut names = Names::new();
    names.insert(
        Arc::from("here"),
        Name::Str(here.display().to_string().into()),
    );
    for (key, value) in std::env::vars() {
        names.insert(Arc::from(format!("ENV_{key}")), Name::Str(value.into()));
    }
    let mut out = BTreeMap::new();
    for entry in &section.entries {
        let value = expand(
            &entry.value,
            &names,
            &format!("section [supervisorctl] key {}", entry.key),
        )
        .map_err(|e| e.to_string())?;
        out.insert(entry.key.clone(), value);
    }
    if let Some(url) = out.get("serverurl").cloned()
        && let Some(rest) = url.strip_prefix("unix://")
    {
        let p = std::path::absolute(rest).unwrap_or_else(|_| PathBuf::from(rest));
        out.insert("serverurl".into(), format!("unix://{}", p.display()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_like_datatypes_url() {
        assert!(is_url("http://127.0.0.1:9001"));
        assert!(is_url("unix:///tmp/x.sock"));
        assert!(!is_url("foo"));
        assert!(!is_url("http://"));
    }

    #[test]
    fn action_words_keep_their_dashes() {
        let m = command()
            .try_get_matches_from(["supvisorsctl", "-s", "http://h:1", "tail", "-f", "x"])
            .unwrap_or_else(|e| panic!("{e}"));
        let action: Vec<&String> = m
            .get_many("action")
            .map(Iterator::collect)
            .unwrap_or_default();
        assert_eq!(action, ["tail", "-f", "x"]);
    }
}
