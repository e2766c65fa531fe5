//! The value types of `supervisord.conf` (Supervisor's `datatypes.py`): each function takes the
//! expanded text and returns the typed value or the reference's error message.
//!
//! Host facts (home directory, working directory, accounts) come from [`LoadContext`]; the
//! only system calls made here are directory existence checks.

use std::path::PathBuf;

use crate::context::{Accounts, LoadContext};
pub use crate::paths::{
    dirname, existing_directory, existing_dirpath, expand_user, is_abs, normalize_path, normpath,
};
use crate::pystr::{self, parse_int, repr};

/// `boolean`: `true yes on 1` / `false no off 0`, any case, nothing else (not even blanks).
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("not a valid boolean value: {}", repr(s))),
    }
}

/// `integer`: Python's `int()` (blanks, sign, `_` separators).
pub fn integer(s: &str) -> Result<i64, String> {
    parse_int(s)
}

/// `byte_size`: an integer optionally followed by `KB`, `MB` or `GB` (1024-based, any case).
pub fn byte_size(s: &str) -> Result<i64, String> {
    let v = s.to_lowercase();
    let chars: Vec<char> = v.chars().collect();
    let split = chars.len().saturating_sub(2);
    let suffix: String = chars[split..].iter().collect();
    let multiplier: i64 = match suffix.as_str() {
        "kb" => 1024,
        "mb" => 1024 * 1024,
        "gb" => 1024 * 1024 * 1024,
        _ => return parse_int(&v),
    };
    let number: String = chars[..split].iter().collect();
    parse_int(&number)?
        .checked_mul(multiplier)
        .ok_or_else(|| format!("byte size {s} is out of range"))
}

/// `octal_type`: Python's `int(v, 8)` (`022`, `0o22`). Unlike the reference, negative
/// values are refused here: no mode or umask can be negative.
pub fn octal(s: &str) -> Result<u32, String> {
    pystr::parse_octal(s)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("{s} can not be converted to an octal type"))
}

/// Signal names Python's `signal` module knows on Linux (`SIG*` attributes), with numbers.
pub const SIGNALS: &[(&str, i32)] = &[
    ("SIGABRT", 6),
    ("SIGALRM", 14),
    ("SIGBUS", 7),
    ("SIGCHLD", 17),
    ("SIGCLD", 17),
    ("SIGCONT", 18),
    ("SIGFPE", 8),
    ("SIGHUP", 1),
    ("SIGILL", 4),
    ("SIGINT", 2),
    ("SIGIO", 29),
    ("SIGIOT", 6),
    ("SIGKILL", 9),
    ("SIGPIPE", 13),
    ("SIGPOLL", 29),
    ("SIGPROF", 27),
    ("SIGPWR", 30),
    ("SIGQUIT", 3),
    ("SIGRTMAX", 64),
    ("SIGRTMIN", 34),
    ("SIGSEGV", 11),
    ("SIGSTKFLT", 16),
    ("SIGSTOP", 19),
    ("SIGSYS", 31),
    ("SIGTERM", 15),
    ("SIGTRAP", 5),
    ("SIGTSTP", 20),
    ("SIGTTIN", 21),
    ("SIGTTOU", 22),
    ("SIGURG", 23),
    ("SIGUSR1", 10),
    ("SIGUSR2", 12),
    ("SIGVTALRM", 26),
    ("SIGWINCH", 28),
    ("SIGXCPU", 24),
    ("SIGXFSZ", 25),
    // Not signals, but `SIG*` attributes of the module, hence accepted by the reference.
    ("SIG_BLOCK", 0),
    ("SIG_DFL", 0),
    ("SIG_IGN", 1),
    ("SIG_SETMASK", 2),
    ("SIG_UNBLOCK", 1),
];

/// `signal_number`: a number among the known values, or a name with or without `SIG`.
pub fn signal_number(s: &str) -> Result<i32, String> {
    let num = match parse_int(s) {
        Ok(n) => n,
        Err(_) => {
            let mut name = pystr::strip(s).to_uppercase();
            if !name.starts_with("SIG") {
                name.insert_str(0, "SIG");
            }
            match SIGNALS.iter().find(|(n, _)| *n == name) {
                Some((_, n)) => i64::from(*n),
                None => return Err(format!("value {} is not a valid signal name", repr(s))),
            }
        }
    };
    SIGNALS
        .iter()
        .find(|(_, n)| i64::from(*n) == num)
        .map(|(_, n)| *n)
        .ok_or_else(|| format!("value {} is not a valid signal number", repr(s)))
}

/// The name of a signal number, for messages (`SIGTERM`); `None` for unknown numbers.
pub fn signal_name(num: i32) -> Option<&'static str> {
    SIGNALS
        .iter()
        .find(|(n, v)| *v == num && !n.starts_with("SIG_"))
        .map(|(n, _)| *n)
}

/// `list_of_exitcodes`: comma-separated integers in 0..=255; empty text is an empty list.
pub fn exit_codes(s: &str) -> Result<Vec<i32>, String> {
    let bad = || format!("not a valid list of exit codes: {}", repr(s));
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|part| match parse_int(part) {
            Ok(n) if (0..=255).contains(&n) => i32::try_from(n).map_err(|_| bad()),
            _ => Err(bad()),
        })
        .collect()
}

/// When a process is restarted after it exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoRestart {
    /// `false`: never.
    Never,
    /// `unexpected`: when the exit code is not in `exitcodes`.
    Unexpected,
    /// `true`: always.
    Unconditional,
}

/// `auto_restart`: `unexpected`, or a boolean word.
pub fn auto_restart(s: &str) -> Result<AutoRestart, String> {
    let v = s.to_lowercase();
    match v.as_str() {
        "yes" | "true" | "on" | "1" => Ok(AutoRestart::Unconditional),
        "no" | "false" | "off" | "0" => Ok(AutoRestart::Never),
        "unexpected" => Ok(AutoRestart::Unexpected),
        _ => Err(format!("invalid 'autorestart' value {}", repr(&v))),
    }
}

/// Where a log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFile {
    /// `NONE` / `OFF`: no file.
    None,
    /// `AUTO`: a file named by the daemon in `childlogdir`.
    Auto,
    /// `syslog`: deprecated spelling of `*_syslog=true`.
    Syslog,
    /// A path (`~` expanded) whose directory exists.
    Path(PathBuf),
}

/// `logfile_name`.
pub fn logfile_name(s: &str, ctx: &LoadContext<'_>) -> Result<LogFile, String> {
    match s.to_lowercase().as_str() {
        "none" | "off" => Ok(LogFile::None),
        "auto" => Ok(LogFile::Auto),
        "syslog" => Ok(LogFile::Syslog),
        _ => existing_dirpath(s, ctx).map(LogFile::Path),
    }
}

/// Log levels with the reference's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// 3
    Blather = 3,
    /// 5
    Trace = 5,
    /// 10
    Debug = 10,
    /// 20
    Info = 20,
    /// 30
    Warn = 30,
    /// 40
    Error = 40,
    /// 50
    Critical = 50,
}

impl LogLevel {
    /// The four-letter code written in each main-log line (`INFO`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Blather => "BLAT",
            Self::Trace => "TRAC",
            Self::Debug => "DEBG",
            Self::Info => "INFO",
            Self::Warn => "WARN",
            Self::Error => "ERRO",
            Self::Critical => "CRIT",
        }
    }
}

/// `logging_level`.
pub fn logging_level(s: &str) -> Result<LogLevel, String> {
    Ok(match s.to_lowercase().as_str() {
        "critical" => LogLevel::Critical,
        "error" => LogLevel::Error,
        "warn" => LogLevel::Warn,
        "info" => LogLevel::Info,
        "debug" => LogLevel::Debug,
        "trace" => LogLevel::Trace,
        "blather" => LogLevel::Blather,
        _ => return Err(format!("bad logging level name {}", repr(s))),
    })
}

fn port_number(s: &str) -> Result<u16, String> {
    let n = parse_int(s)?;
    if n < 1 {
        return Err(format!("{n} is below lower bound (1)"));
    }
    u16::try_from(n).map_err(|_| format!("{n} is above upper bound (65535)"))
}

/// `inet_address`: `port`, `host:port`, `:port` or `*:port`; `''` host means all interfaces.
pub fn inet_address(s: &str) -> Result<(String, u16), String> {
    let (host, port) = match s.rsplit_once(':') {
        Some((host, port)) => {
            if port.is_empty() {
                return Err(format!("no port number specified in {}", repr(port)));
            }
            (host.to_lowercase(), port_number(port)?)
        }
        None => {
            let port =
                port_number(s).map_err(|_| format!("not a valid port number: {} ", repr(s)))?;
            (String::new(), port)
        }
    };
    Ok((if host == "*" { String::new() } else { host }, port))
}

/// `url`: Python's `urlparse` must find a scheme and a host or a path. As `urlsplit` does,
/// leading controls and blanks are dropped and tabs and newlines removed before parsing.
pub fn url(s: &str) -> Result<String, String> {
    let bad = || format!("value {} is not a URL", repr(s));
    let cleaned: String = s
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let (scheme, rest) = cleaned.split_once(':').ok_or_else(bad)?;
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(bad());
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (netloc, path) = match rest.strip_prefix("//") {
        Some(after) => after.split_at(after.find('/').unwrap_or(after.len())),
        None => ("", rest),
    };
    if netloc.is_empty() && path.is_empty() {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// `name_to_uid`: a user name or a numeric uid that exists.
pub fn name_to_uid(s: &str, accounts: &dyn Accounts) -> Result<u32, String> {
    match parse_int(s) {
        Ok(n) => u32::try_from(n)
            .ok()
            .filter(|uid| accounts.user_by_id(*uid).is_some())
            .ok_or_else(|| format!("Invalid user id {s}")),
        Err(_) => accounts
            .user_by_name(s)
            .map(|u| u.uid)
            .ok_or_else(|| format!("Invalid user name {s}")),
    }
}

/// `name_to_gid`: a group name or a numeric gid that exists.
pub fn name_to_gid(s: &str, accounts: &dyn Accounts) -> Result<u32, String> {
    match parse_int(s) {
        Ok(n) => u32::try_from(n)
            .ok()
            .filter(|gid| accounts.group_exists(*gid))
            .ok_or_else(|| format!("Invalid group id {s}")),
        Err(_) => accounts
            .group_by_name(s)
            .ok_or_else(|| format!("Invalid group name {s}")),
    }
}

/// `colon_separated_user_group`: `user` or `user:group`; the gid is `None` without a group.
pub fn user_group(s: &str, accounts: &dyn Accounts) -> Result<(u32, Option<u32>), String> {
    let inner = || -> Result<(u32, Option<u32>), String> {
        match s.split_once(':') {
            None => Ok((name_to_uid(s, accounts)?, None)),
            Some((u, g)) => Ok((name_to_uid(u, accounts)?, Some(name_to_gid(g, accounts)?))),
        }
    };
    inner().map_err(|_| format!("Invalid user:group definition {s}"))
}

/// `dict_of_key_value_pairs`: `K=v,K2="v 2"` read with Python's non-POSIX `shlex`.
pub fn key_value_pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    let tokens = crate::shlex::tokens(s)?;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (Some(k), Some(eq), Some(v)) = (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
        else {
            return Err(format!("Unexpected end of key/value pairs in value '{s}'"));
        };
        if eq != "=" {
            return Err(format!("Unexpected end of key/value pairs in value '{s}'"));
        }
        let v = v.trim_matches(['\'', '"']).to_string();
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k.clone(), v)),
        }
        i += 4;
    }
    Ok(out)
}

/// `list_of_strings`: split on `,`, items stripped; empty text is an empty list.
pub fn list_of_strings(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(',').map(|x| pystr::strip(x).to_string()).collect()
}

/// `process_or_group_name`: stripped, and free of space, `:` and `/`.
pub fn process_or_group_name(s: &str) -> Result<String, String> {
    let stripped = pystr::strip(s);
    for c in [' ', ':', '/'] {
        if stripped.contains(c) {
            return Err(format!(
                "Invalid name: {} because of character: {}",
                repr(s),
                repr(&c.to_string())
            ));
        }
    }
    Ok(stripped.to_string())
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
