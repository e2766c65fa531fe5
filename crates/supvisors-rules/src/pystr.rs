//! Small pieces of Python's string semantics that Supervisor's messages and parsing rely on:
//! `str.isspace`, `str.strip`, `repr(str)`, and `int(str)` / `int(str, 8)`.
//!
//! The reference builds its error texts with `%r`, so reproducing them needs Python's `repr`;
//! its value parsing uses `int()`, whose accepted syntax (blanks, sign, `_` separators) differs
//! from Rust's `str::parse`.

/// Python's `str.isspace()` for one character (Rust's `is_whitespace` plus `\x1c`..`\x1f`).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Python's `str.rstrip()` with no argument.
pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_space)
}

/// Python's `repr()` of a `str`: quotes chosen as Python does, escapes for non-printables.
pub fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Approximation of Python's `str.isprintable()` for one character: controls, separators
/// other than the space and format characters are not printable.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || is_space(c) {
        return false;
    }
    // Common format characters (category Cf) and the BOM.
    !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Parses digits with Python's `_` rule: underscores only between digits.
fn digits_value(body: &str, radix: u32, allow_leading_underscore: bool) -> Option<i128> {
    if body.is_empty() || body.ends_with('_') || body.contains("__") {
        return None;
    }
    if body.starts_with('_') && !allow_leading_underscore {
        return None;
    }
    let mut value: i128 = 0;
    let mut seen_digit = false;
    for c in body.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)?;
        seen_digit = true;
        value = value
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(d))?;
    }
    seen_digit.then_some(value)
}

/// Splits an optional sign from a stripped literal.
fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

/// Python's `int(s)` in base 10, limited to `i64`; the error is Python's message.
pub fn parse_int(s: &str) -> Result<i64, String> {
    let bad = || format!("invalid literal for int() with base 10: {}", repr(s));
    let (neg, body) = split_sign(strip(s));
    let value = digits_value(body, 10, false).ok_or_else(bad)?;
    let value = if neg { -value } else { value };
    i64::try_from(value).map_err(|_| format!("integer {} is out of range", strip(s)))
}

/// Python's `int(s, 8)`, limited to `i64`; `None` when Python would raise.
pub fn parse_octal(s: &str) -> Option<i64> {
    let (neg, body) = split_sign(strip(s));
    let (body, prefixed) = match body.get(..2) {
        Some("0o") | Some("0O") => (&body[2..], true),
        _ => (body, false),
    };
    let value = digits_value(body, 8, prefixed)?;
    i64::try_from(if neg { -value } else { value }).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_chooses_quotes_like_python() {
        assert_eq!(repr("abc"), "'abc'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("a\"b'c"), "'a\"b\\'c'");
        assert_eq!(repr("\u{1c}\u{85}é\t\n\\"), "'\\x1c\\x85é\\t\\n\\\\'");
    }

    #[test]
    fn int_accepts_python_syntax() {
        assert_eq!(parse_int(" 1_000 "), Ok(1000));
        assert_eq!(parse_int("-5"), Ok(-5));
        assert_eq!(parse_int("+007"), Ok(7));
        assert_eq!(parse_int("\u{1f}3\u{a0}"), Ok(3));
    }

    #[test]
    fn int_rejects_with_python_message() {
        for bad in ["", "1__0", "_1", "1_", "0x10", "1.5", "- 1", "abc"] {
            assert_eq!(
                parse_int(bad),
                Err(format!(
                    "invalid literal for int() with base 10: {}",
                    repr(bad)
                )),
                "{bad:?}"
            );
        }
        assert!(parse_int("99999999999999999999").is_err());
    }

    #[test]
    fn octal_accepts_prefix_and_underscores() {
        assert_eq!(parse_octal("022"), Some(0o22));
        assert_eq!(parse_octal("0o22"), Some(0o22));
        assert_eq!(parse_octal("0o_2_2"), Some(0o22));
        assert_eq!(parse_octal(" -7 "), Some(-7));
        assert_eq!(parse_octal("8"), None);
        assert_eq!(parse_octal("_7"), None);
        assert_eq!(parse_octal(""), None);
    }
}
