//! The command line of `supvisors_breed`, parsed as the reference's `argparse` parser does.
//!
//! `argparse` decides what an argument is (an option, an abbreviation, a flag cluster such
//! as `-xv`, a value, a negative number), validates `-t` and `-b` values while it reads them
//! (so the first bad value on the line is the one reported), then checks the required
//! options, then complains about leftovers. Scripts and people read those messages and the
//! exit status 2, so this module reproduces the algorithm for this parser's seven options
//! instead of delegating to clap, whose order of checks and tokenization differ (unknown
//! arguments fail first, `-1` is an option, no `-t=dir`).

use supvisors_rules::pystr;

pub use crate::usage::{help, usage};

/// Parsed arguments, as the reference's `Namespace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `-t`: the template folder.
    pub template: String,
    /// `-p`: the glob pattern, evaluated from the template folder.
    pub pattern: String,
    /// `-d`: the destination folder.
    pub destination: String,
    /// `-b`: group name (without `group:`) and count, in first-seen order.
    pub breed: Vec<(String, u32)>,
    /// `-x`: one new file per copy.
    pub extra: bool,
    /// `-v`: trace progress.
    pub verbose: bool,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Breed with these arguments.
    Run(Args),
    /// `-h`: print this help on stdout and exit 0.
    Help(String),
}

/// A command-line error: print [`UsageError::render`] on stderr and exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// The message after `error: `.
    pub message: String,
}

impl UsageError {
    /// The usage line(s) then `<prog>: error: <message>`, as `argparse` prints them.
    pub fn render(&self, prog: &str, columns: usize) -> String {
        format!("{}{prog}: error: {}\n", usage(prog, columns), self.message)
    }
}

/// Default pattern of `-p`.
pub const DEFAULT_PATTERN: &str = "**/*.ini";

impl Args {
    /// `repr()` of the reference's `Namespace`, printed first in verbose mode.
    pub fn namespace_repr(&self) -> String {
        let breed: Vec<String> = self
            .breed
            .iter()
            .map(|(k, v)| format!("{}: {v}", pystr::repr(k)))
            .collect();
        format!(
            "Namespace(template={}, pattern={}, destination={}, breed={{{}}}, extra={}, verbose={})",
            pystr::repr(&self.template),
            pystr::repr(&self.pattern),
            pystr::repr(&self.destination),
            breed.join(", "),
            py_bool(self.extra),
            py_bool(self.verbose)
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Help,
    Template,
    Pattern,
    Destination,
    Breed,
    Extra,
    Verbose,
}

/// Option strings in the parser's registration order (abbreviations are matched in it).
const OPTION_STRINGS: [(&str, Act); 14] = [
    ("-h", Act::Help),
    ("--help", Act::Help),
    ("-t", Act::Template),
    ("--template", Act::Template),
    ("-p", Act::Pattern),
    ("--pattern", Act::Pattern),
    ("-d", Act::Destination),
    ("--destination", Act::Destination),
    ("-b", Act::Breed),
    ("--breed", Act::Breed),
    ("-x", Act::Extra),
    ("--extra", Act::Extra),
    ("-v", Act::Verbose),
    ("--verbose", Act::Verbose),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nargs {
    Zero,
    One,
    OneOrMore,
}

impl Act {
    fn name(self) -> &'static str {
        match self {
            Act::Help => "-h/--help",
            Act::Template => "-t/--template",
            Act::Pattern => "-p/--pattern",
            Act::Destination => "-d/--destination",
            Act::Breed => "-b/--breed",
            Act::Extra => "-x/--extra",
            Act::Verbose => "-v/--verbose",
        }
    }

    fn nargs(self) -> Nargs {
        match self {
            Act::Help | Act::Extra | Act::Verbose => Nargs::Zero,
            Act::Template | Act::Pattern | Act::Destination => Nargs::One,
            Act::Breed => Nargs::OneOrMore,
        }
    }
}

fn lookup(option: &str) -> Option<Act> {
    OPTION_STRINGS
        .iter()
        .find(|(s, _)| *s == option)
        .map(|(_, a)| *a)
}

fn error(message: impl Into<String>) -> UsageError {
    UsageError {
        message: message.into(),
    }
}

fn argument_error(act: Act, message: &str) -> UsageError {
    error(format!("argument {}: {message}", act.name()))
}

/// One classified argument: `--`, a value, or an option (`None` when unknown).
#[derive(Debug, Clone)]
enum Kind {
    DashDash,
    Value,
    Option(Option<Act>, String, Option<String>),
}

/// Parses `args` (without the program name). `is_dir` answers `os.path.isdir`.
pub fn parse(
    args: &[String],
    prog: &str,
    columns: usize,
    is_dir: &dyn Fn(&str) -> bool,
) -> Result<Command, UsageError> {
    let kinds = classify(args)?;
    let pattern: Vec<char> = kinds
        .iter()
        .map(|k| match k {
            Kind::DashDash => '-',
            Kind::Value => 'A',
            Kind::Option(..) => 'O',
        })
        .collect();
    let mut state = State {
        template: None,
        pattern: None,
        destination: None,
        breed: None,
        extra: false,
        verbose: false,
        seen: Vec::new(),
    };
    let mut extras: Vec<String> = Vec::new();
    let option_indices: Vec<usize> = (0..args.len()).filter(|&i| pattern[i] == 'O').collect();
    let mut start = 0;
    while let Some(&next) = option_indices.iter().find(|&&i| i >= start) {
        if start != next {
            extras.extend(args[start..next].iter().cloned());
            start = next;
        }
        let Kind::Option(act, option, explicit) = &kinds[start] else {
            break;
        };
        let Some(act) = *act else {
            extras.push(args[start].clone());
            start += 1;
            continue;
        };
        let mut act = act;
        let mut explicit = explicit.clone();
        let mut option = option.clone();
        let mut takes: Vec<(Act, Vec<String>)> = Vec::new();
        let stop;
        loop {
            if let Some(e) = explicit.clone() {
                let count = if act.nargs() == Nargs::Zero { 0 } else { 1 };
                let second = option.chars().nth(1);
                if count == 0 && second != Some('-') && !e.is_empty() {
                    takes.push((act, Vec::new()));
                    let mut rest = e.chars();
                    let first = rest.next().unwrap_or_default();
                    option = format!("-{first}");
                    let new_explicit: String = rest.collect();
                    match lookup(&option) {
                        Some(next_act) => {
                            act = next_act;
                            explicit = (!new_explicit.is_empty()).then_some(new_explicit);
                        }
                        None => {
                            let msg = format!("ignored explicit argument {}", pystr::repr(&e));
                            return Err(argument_error(act, &msg));
                        }
                    }
                } else if count == 1 {
                    takes.push((act, vec![e]));
                    stop = start + 1;
                    break;
                } else {
                    let msg = format!("ignored explicit argument {}", pystr::repr(&e));
                    return Err(argument_error(act, &msg));
                }
            } else {
                let values = pattern[start + 1..]
                    .iter()
                    .take_while(|&&c| c == 'A')
                    .count();
                let count = match act.nargs() {
                    Nargs::Zero => 0,
                    Nargs::One if values >= 1 => 1,
                    Nargs::One => return Err(argument_error(act, "expected one argument")),
                    Nargs::OneOrMore if values >= 1 => values,
                    Nargs::OneOrMore => {
                        return Err(argument_error(act, "expected at least one argument"));
                    }
                };
                takes.push((act, args[start + 1..start + 1 + count].to_vec()));
                stop = start + 1 + count;
                break;
            }
        }
        for (act, values) in takes {
            if let Some(help) = state.take(act, values, prog, columns, is_dir)? {
                return Ok(Command::Help(help));
            }
        }
        start = stop;
    }
    extras.extend(args[start.min(args.len())..].iter().cloned());

    let required: Vec<&str> = [Act::Template, Act::Destination, Act::Breed]
        .into_iter()
        .filter(|a| !state.seen.contains(a))
        .map(Act::name)
        .collect();
    if !required.is_empty() {
        return Err(error(format!(
            "the following arguments are required: {}",
            required.join(", ")
        )));
    }
    if !extras.is_empty() {
        return Err(error(format!(
            "unrecognized arguments: {}",
            extras.join(" ")
        )));
    }
    Ok(Command::Run(Args {
        template: state.template.unwrap_or_default(),
        pattern: state.pattern.unwrap_or_else(|| DEFAULT_PATTERN.to_string()),
        destination: state.destination.unwrap_or_default(),
        breed: state.breed.unwrap_or_default(),
        extra: state.extra,
        verbose: state.verbose,
    }))
}

struct State {
    template: Option<String>,
    pattern: Option<String>,
    destination: Option<String>,
    breed: Option<Vec<(String, u32)>>,
    extra: bool,
    verbose: bool,
    seen: Vec<Act>,
}

impl State {
    /// Applies one option with its values; `Some(help)` for `-h`.
    fn take(
        &mut self,
        act: Act,
        values: Vec<String>,
        prog: &str,
        columns: usize,
        is_dir: &dyn Fn(&str) -> bool,
    ) -> Result<Option<String>, UsageError> {
        self.seen.push(act);
        let single = values.first().cloned().unwrap_or_default();
        match act {
            Act::Help => return Ok(Some(help(prog, columns))),
            Act::Template => {
                if !is_dir(&single) {
                    return Err(error(format!("The folder \"{single}\" does not exist")));
                }
                self.template = Some(single);
            }
            Act::Pattern => self.pattern = Some(single),
            Act::Destination => self.destination = Some(single),
            Act::Breed => {
                let mut breed: Vec<(String, u32)> = Vec::new();
                for value in &values {
                    let (key, count) = breed_item(value)?;
                    match breed.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = count,
                        None => breed.push((key, count)),
                    }
                }
                self.breed = Some(breed);
            }
            Act::Extra => self.extra = true,
            Act::Verbose => self.verbose = true,
        }
        Ok(None)
    }
}

/// One `app=nb` item.
///
/// Differences with the reference, which crashes instead: `a=b=c` is reported as a format
/// error, and a count too large for 32 bits is refused. Only ASCII digits are accepted
/// (Python's `str.isdigit` also takes other Unicode digits).
fn breed_item(value: &str) -> Result<(String, u32), UsageError> {
    let Some((key, count)) = value.split_once('=') else {
        return Err(error("breed format must be: key=value"));
    };
    if count.contains('=') {
        return Err(error("breed format must be: key=value"));
    }
    if count.is_empty() || !count.chars().all(|c| c.is_ascii_digit()) {
        return Err(error("breed value must be an integer"));
    }
    let trimmed = count.trim_start_matches('0');
    if trimmed.is_empty() {
        return Err(error("breed value must be strictly positive"));
    }
    let count: u32 = trimmed
        .parse()
        .map_err(|_| error(format!("breed value {count} is too large")))?;
    Ok((key.to_string(), count))
}

/// `_parse_optional` over every argument, `--` turning the rest into values.
fn classify(args: &[String]) -> Result<Vec<Kind>, UsageError> {
    let mut kinds = Vec::with_capacity(args.len());
    let mut rest_are_values = false;
    for arg in args {
        if rest_are_values {
            kinds.push(Kind::Value);
        } else if arg == "--" {
            kinds.push(Kind::DashDash);
            rest_are_values = true;
        } else {
            kinds.push(classify_one(arg)?);
        }
    }
    Ok(kinds)
}

fn classify_one(arg: &str) -> Result<Kind, UsageError> {
    if !arg.starts_with('-') {
        return Ok(Kind::Value);
    }
    if let Some(act) = lookup(arg) {
        return Ok(Kind::Option(Some(act), arg.to_string(), None));
    }
    if arg.chars().count() == 1 {
        return Ok(Kind::Value);
    }
    if let Some((option, explicit)) = arg.split_once('=')
        && let Some(act) = lookup(option)
    {
        return Ok(Kind::Option(
            Some(act),
            option.to_string(),
            Some(explicit.to_string()),
        ));
    }
    let mut tuples: Vec<(Act, &str, Option<String>)> = Vec::new();
    if arg.starts_with("--") {
        let (prefix, explicit) = match arg.split_once('=') {
            Some((p, e)) => (p, Some(e.to_string())),
            None => (arg, None),
        };
        for (option, act) in OPTION_STRINGS {
            if option.starts_with(prefix) {
                tuples.push((act, option, explicit.clone()));
            }
        }
    } else {
        let split = arg.char_indices().nth(2).map_or(arg.len(), |(i, _)| i);
        let (short, short_explicit) = arg.split_at(split);
        for (option, act) in OPTION_STRINGS {
            if option == short {
                tuples.push((act, option, Some(short_explicit.to_string())));
            } else if option.starts_with(arg) {
                tuples.push((act, option, None));
            }
        }
    }
    match tuples.len() {
        0 => {}
        1 => {
            let (act, option, explicit) = tuples.remove(0);
            return Ok(Kind::Option(Some(act), option.to_string(), explicit));
        }
        _ => {
            let options: Vec<&str> = tuples.iter().map(|t| t.1).collect();
            return Err(error(format!(
                "ambiguous option: {arg} could match {}",
                options.join(", ")
            )));
        }
    }
    if is_negative_number(arg) || arg.contains(' ') {
        return Ok(Kind::Value);
    }
    Ok(Kind::Option(None, arg.to_string(), None))
}

/// `^-\d+$|^-\d*\.\d+$`.
fn is_negative_number(arg: &str) -> bool {
    let Some(body) = arg.strip_prefix('-') else {
        return false;
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match body.split_once('.') {
        None => !body.is_empty() && digits(body),
        Some((int, frac)) => digits(int) && !frac.is_empty() && digits(frac),
    }
}

/// Terminal width as `shutil.get_terminal_size` finds it: `COLUMNS` when it is a positive
/// integer, else `terminal` (the width of the terminal on stdout, if any and not zero), else 80.
pub fn columns_from_env(value: Option<&str>, terminal: Option<u16>) -> usize {
    value
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|&c| c > 0)
        .and_then(|c| usize::try_from(c).ok())
        .or_else(|| terminal.filter(|&c| c > 0).map(usize::from))
        .unwrap_or(80)
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;
