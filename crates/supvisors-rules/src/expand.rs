//! Python `%`-formatting of a value against a dictionary of names, as Supervisor's `expand`
//! does (`value % expansions`), with the reference's two error messages.
//!
//! Supported: `%(key)` followed by flags (`-+ #0`), width, `.precision`, an ignored length
//! modifier (`h l L`) and a conversion (`s r a d i u x X o c e E f F g G`); `%%`. Values are
//! strings or integers, the only types Supervisor puts in its dictionaries.
//!
//! One deliberate difference: a conversion without a key (`%s`) makes Python insert the repr
//! of the whole dictionary, in the order the reference happened to build it (environment
//! order first). We render the dictionary with sorted keys instead.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::pystr::repr;

/// A value that can be expanded: Supervisor only ever uses strings and integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string (`here`, `ENV_X`, `program_name`, …). Shared, because every program's
    /// names start as a copy of the daemon's whole environment.
    Str(Arc<str>),
    /// An integer (`process_num`, `numprocs`).
    Int(i64),
}

/// The names available to one expansion (keys shared for the same reason as values).
pub type Names = BTreeMap<Arc<str>, Value>;

/// Expands `text` with `names`; `context` names the option in error messages
/// (`program:x.command`, `environment`, …). The error is the reference's full message.
pub fn expand(text: &str, names: &Names, context: &str) -> Result<String, String> {
    format(text, names).map_err(|err| match err {
        FormatError::MissingKey(key) => format!(
            "Format string {} for {} contains names ({}) which cannot be expanded. \
             Available names: {}",
            repr(text),
            repr(context),
            repr(&key),
            names.keys().map(|k| &**k).collect::<Vec<_>>().join(", ")
        ),
        FormatError::Bad(msg) => format!(
            "Format string {} for {} is badly formatted: {msg}",
            repr(text),
            repr(context)
        ),
    })
}

/// Why Python's `%` operator failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// `KeyError`: the name is not in the dictionary.
    MissingKey(String),
    /// Any other exception, with Python's message.
    Bad(String),
}

#[derive(Default)]
struct Spec {
    left: bool,
    sign: bool,
    blank: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// Python's `text % names` for a dict argument.
pub fn format(text: &str, names: &Names) -> Result<String, FormatError> {
    if !text.contains('%') {
        // Most option values hold no format at all; `%` with a dict leaves them unchanged.
        return Ok(text.to_owned());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Python's argument cursor: the dict itself is the one argument until a key is looked
    // up, then the looked-up value is; `*` and the conversion each consume it.
    let mut pending: Option<Arg> = Some(Arg::Dict);
    let bad = |m: &str| FormatError::Bad(m.to_string());
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        if chars.get(i) == Some(&'(') {
            let mut depth = 1;
            let start = i + 1;
            i += 1;
            while i < chars.len() && depth > 0 {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                return Err(bad("incomplete format key"));
            }
            // Python looks the key up before reading the rest of the spec.
            let key: String = chars[start..i - 1].iter().collect();
            let value = names
                .get(key.as_str())
                .cloned()
                .ok_or(FormatError::MissingKey(key))?;
            pending = Some(Arg::Value(value));
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.get(i) {
            match f {
                '-' => spec.left = true,
                '+' => spec.sign = true,
                ' ' => spec.blank = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'*') {
            star(&mut pending)?;
            i += 1;
        } else {
            spec.width = read_number(&chars, &mut i, "width")?;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            if chars.get(i) == Some(&'*') {
                star(&mut pending)?;
                i += 1;
            } else {
                spec.precision = Some(read_number(&chars, &mut i, "precision")?);
            }
        }
        // One length modifier is skipped (`%ld`); a second one is a conversion character.
        if matches!(chars.get(i), Some('h' | 'l' | 'L')) {
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            return Err(bad("incomplete format"));
        };
        i += 1;
        let arg = pending
            .take()
            .ok_or_else(|| bad("not enough arguments for format string"))?;
        out.push_str(&convert(conv, i - 1, &arg, &spec, names)?);
    }
    Ok(out)
}

/// A `*` width or precision consumes the pending argument, which must be an integer. Its
/// value never matters here: the conversion then lacks an argument and fails.
fn star(pending: &mut Option<Arg>) -> Result<(), FormatError> {
    match pending.take() {
        None => Err(FormatError::Bad(
            "not enough arguments for format string".into(),
        )),
        Some(Arg::Value(Value::Int(_))) => Ok(()),
        Some(_) => Err(FormatError::Bad("* wants int".into())),
    }
}

enum Arg {
    Value(Value),
    Dict,
}

/// Largest width or precision accepted. Python accepts anything that fits in memory and would
/// build a string that large; a configuration value never needs more than this, and refusing
/// keeps a typo like `%1839157684d` from allocating gigabytes.
pub const MAX_WIDTH: usize = 4096;

fn read_number(chars: &[char], i: &mut usize, what: &str) -> Result<usize, FormatError> {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|n| *n <= MAX_WIDTH)
            .ok_or_else(|| FormatError::Bad(format!("{what} too big")))?;
        *i += 1;
    }
    Ok(n)
}

fn type_name(arg: &Arg) -> &'static str {
    match arg {
        Arg::Value(Value::Str(_)) => "str",
        Arg::Value(Value::Int(_)) => "int",
        Arg::Dict => "dict",
    }
}

fn dict_repr(names: &Names) -> String {
    let items: Vec<String> = names
        .iter()
        .map(|(k, v)| match v {
            Value::Str(s) => format!("{}: {}", repr(k), repr(s)),
            Value::Int(n) => format!("{}: {n}", repr(k)),
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn convert(
    conv: char,
    index: usize,
    arg: &Arg,
    spec: &Spec,
    names: &Names,
) -> Result<String, FormatError> {
    let bad = |m: String| FormatError::Bad(m);
    let int = match arg {
        Arg::Value(Value::Int(n)) => Some(*n),
        _ => None,
    };
    match conv {
        's' | 'r' | 'a' => {
            let text = match arg {
                Arg::Value(Value::Str(s)) if conv == 's' => s.to_string(),
                Arg::Value(Value::Str(s)) if conv == 'r' => repr(s),
                Arg::Value(Value::Str(s)) => ascii(&repr(s)),
                Arg::Value(Value::Int(n)) => n.to_string(),
                Arg::Dict => dict_repr(names),
            };
            let text: String = match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            Ok(pad(String::new(), text, spec, false))
        }
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
            let Some(n) = int else {
                let what = if matches!(conv, 'd' | 'i' | 'u') {
                    "a real number"
                } else {
                    "an integer"
                };
                return Err(bad(format!(
                    "%{conv} format: {what} is required, not {}",
                    type_name(arg)
                )));
            };
            let magnitude = n.unsigned_abs();
            let (mut digits, prefix) = match conv {
                'x' => (format!("{magnitude:x}"), "0x"),
                'X' => (format!("{magnitude:X}"), "0X"),
                'o' => (format!("{magnitude:o}"), "0o"),
                _ => (magnitude.to_string(), ""),
            };
            if let Some(p) = spec.precision {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            let mut head = sign(n < 0, spec);
            if spec.alt {
                head.push_str(prefix);
            }
            Ok(pad(head, digits, spec, true))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let Some(n) = int else {
                return Err(bad(format!("must be real number, not {}", type_name(arg))));
            };
            let v = (n as f64).abs();
            let body = float_body(v, conv, spec.precision.unwrap_or(6), spec.alt);
            Ok(pad(sign(n < 0, spec), body, spec, true))
        }
        'c' => {
            let ch = match arg {
                Arg::Value(Value::Int(n)) => u32::try_from(*n)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad("%c arg not in range(0x110000)".into()))?,
                Arg::Value(Value::Str(s)) if s.chars().count() == 1 => {
                    s.chars().next().unwrap_or(' ')
                }
                _ => return Err(bad("%c requires int or char".into())),
            };
            Ok(pad(String::new(), ch.to_string(), spec, false))
        }
        other => Err(bad(format!(
            "unsupported format character '{}' ({:#x}) at index {index}",
            if (31..=126).contains(&(other as u32)) {
                other
            } else {
                '?'
            },
            other as u32
        ))),
    }
}

fn sign(negative: bool, spec: &Spec) -> String {
    if negative {
        "-".into()
    } else if spec.sign {
        "+".into()
    } else if spec.blank {
        " ".into()
    } else {
        String::new()
    }
}

/// Pads `head` (sign, prefix) + `body` to the width; zeros go between them for numbers.
fn pad(head: String, body: String, spec: &Spec, numeric: bool) -> String {
    let len = head.chars().count() + body.chars().count();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        format!("{head}{body}{}", " ".repeat(fill))
    } else if numeric && spec.zero {
        format!("{head}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{head}{body}", " ".repeat(fill))
    }
}

/// `ascii()` from `repr()`: non-ASCII characters escaped.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            n if n < 0x80 => c.to_string(),
            n if n < 0x100 => format!("\\x{n:02x}"),
            n if n < 0x10000 => format!("\\u{n:04x}"),
            n => format!("\\U{n:08x}"),
        })
        .collect()
}

/// Python's `%e`, `%f`, `%g` of a non-negative finite value.
fn float_body(v: f64, conv: char, precision: usize, alt: bool) -> String {
    let exp_form = |p: usize| {
        let s = format!("{v:.p$e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mantissa = if alt && p == 0 {
            format!("{mantissa}.")
        } else {
            mantissa.to_string()
        };
        format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    };
    let body = match conv.to_ascii_lowercase() {
        'f' => {
            let s = format!("{v:.precision$}");
            if alt && precision == 0 {
                format!("{s}.")
            } else {
                s
            }
        }
        'e' => exp_form(precision),
        _ => {
            let p = precision.max(1);
            let exp = if v == 0.0 {
                0
            } else {
                let s = format!("{v:.0$e}", p - 1);
                s.split_once('e')
                    .and_then(|(_, e)| e.parse::<i64>().ok())
                    .unwrap_or(0)
            };
            let s = if exp >= -4 && exp < p as i64 {
                let decimals = (p as i64 - 1 - exp).max(0) as usize;
                format!("{v:.decimals$}")
            } else {
                exp_form(p - 1)
            };
            if alt { s } else { strip_zeros(&s) }
        }
    };
    if conv.is_ascii_uppercase() {
        body.to_uppercase()
    } else {
        body
    }
}

fn strip_zeros(s: &str) -> String {
    let (mantissa, exp) = match s.find('e') {
        Some(pos) => (&s[..pos], &s[pos..]),
        None => (s, ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}

#[cfg(test)]
#[path = "expand_tests.rs"]
mod tests;
