//! Conversions of option values the way Python and `supervisor.datatypes` do them.
//!
//! Private helpers of the `[rpcinterface:supvisors]` options: Python `int()`, Supervisor's
//! `boolean`, `byte_size`, `list_of_strings`, `logging_level`, and Python `%`-formatting with a
//! mapping (the `expand` of Supervisor). The INI module owns its own copies; the integrator may
//! merge them. Errors are the message Python would put in its `ValueError`.

use std::collections::BTreeMap;

/// Python `int(text)` on a string: surrounding whitespace, an optional sign, ASCII digits with
/// single underscores between them. Python also accepts non-ASCII decimal digits; we do not.
pub(crate) fn py_int(text: &str) -> Result<i64, String> {
    let err = || format!("invalid literal for int() with base 10: '{text}'");
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(err());
    }
    let mut value: i64 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(10).ok_or_else(err)?;
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(d)))
            .ok_or_else(err)?;
    }
    Ok(if negative { -value } else { value })
}

/// Supervisor's `boolean`: `yes/true/on/1` or `no/false/off/0`, any case, no trimming.
pub(crate) fn py_boolean(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("not a valid boolean value: '{text}'")),
    }
}

/// Supervisor's `byte_size`: an integer with an optional `kb`/`mb`/`gb` suffix (any case).
pub(crate) fn py_byte_size(text: &str) -> Result<i64, String> {
    let lower = text.to_lowercase();
    for (suffix, factor) in [("kb", 1024i64), ("mb", 1 << 20), ("gb", 1 << 30)] {
        if let Some(number) = lower.strip_suffix(suffix) {
            return py_int(number)?
                .checked_mul(factor)
                .ok_or_else(|| format!("byte size too large: '{text}'"));
        }
    }
    py_int(&lower)
}

/// Supervisor's `list_of_strings`: empty → `[]`, else split on commas and strip each item.
pub(crate) fn list_of_strings(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split(',').map(|s| s.trim().to_owned()).collect()
}

/// Log levels of Supervisor, by description (`critical` … `blather`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `blather` (3).
    Blather = 3,
    /// `trace` (5).
    Trace = 5,
    /// `debug` (10).
    Debug = 10,
    /// `info` (20).
    Info = 20,
    /// `warn` (30).
    Warn = 30,
    /// `error` (40).
    Error = 40,
    /// `critical` (50).
    Critical = 50,
}

/// Supervisor's `logging_level`: a level description, any case.
pub(crate) fn py_logging_level(text: &str) -> Result<LogLevel, String> {
    Ok(match text.to_lowercase().as_str() {
        "critical" => LogLevel::Critical,
        "error" => LogLevel::Error,
        "warn" => LogLevel::Warn,
        "info" => LogLevel::Info,
        "debug" => LogLevel::Debug,
        "trace" => LogLevel::Trace,
        "blather" => LogLevel::Blather,
        _ => return Err(format!("bad logging level name '{text}'")),
    })
}

/// Python `text % mapping` restricted to what configuration values use: `%%` and
/// `%(name)s`. Errors carry Supervisor's `expand` wording for option `name`.
pub(crate) fn py_expand(
    text: &str,
    expansions: &BTreeMap<String, String>,
    name: &str,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
            continue;
        }
        let bad =
            |why: &str| format!("Format string '{text}' for '{name}' is badly formatted: {why}");
        let Some(inner) = after.strip_prefix('(') else {
            // Python would format the whole mapping here or fail; neither is useful in a path.
            return Err(bad("format requires a mapping"));
        };
        let Some(close) = inner.find(')') else {
            return Err(bad("incomplete format key"));
        };
        let key = &inner[..close];
        let tail = &inner[close + 1..];
        if !tail.starts_with('s') {
            return Err(bad("unsupported format character"));
        }
        let Some(value) = expansions.get(key) else {
            let available: Vec<&str> = expansions.keys().map(String::as_str).collect();
            return Err(format!(
                "Format string '{text}' for '{name}' contains names ('{key}') which cannot be \
                 expanded. Available names: {}",
                available.join(", ")
            ));
        };
        out.push_str(value);
        rest = &tail[1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Supvisors' converters (`to_timeout`, `to_ticks`, `to_histo`): an integer in a range.
pub(crate) fn ranged(
    value: &str,
    key: &str,
    (min, max): (i64, i64),
    unit: &str,
) -> Result<u32, String> {
    let v = py_int(value)?;
    if (min..=max).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid value for {key}: {v}. expected in [{min};{max}]{unit}"
        ))
    }
}

/// Supvisors' `to_port_num`: an integer in 0..=65535.
pub(crate) fn to_port(value: &str) -> Result<u32, String> {
    let v = py_int(value)?;
    if (0..=65535).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid value for port ({v}), expected in [0;65535]"
        ))
    }
}

/// Supvisors' `to_periods`: 1 to 3 multiples of 5 in 5..=3600, sorted.
pub(crate) fn to_periods(value: &str) -> Result<Vec<u32>, String> {
    let items = list_of_strings(value);
    if items.is_empty() {
        return Err("unexpected number of stats_periods: 0. minimum is 1".to_owned());
    }
    if items.len() > 3 {
        return Err(format!(
            "unexpected number of stats_periods: {}. maximum is 3",
            items.len()
        ));
    }
    let mut periods = Vec::new();
    for item in &items {
        let p = py_int(item)
            .map_err(|_| format!("invalid value for stats_periods: {item}. expected integer"))?;
        if !(5..=3600).contains(&p) {
            return Err(format!(
                "invalid value for stats_periods: {item}. expected in [5;3600] (seconds)"
            ));
        }
        if p % 5 != 0 {
            return Err(format!(
                "invalid value for stats_periods: {p}. expected multiple of 5"
            ));
        }
        periods.push(p as u32);
    }
    periods.sort_unstable();
    Ok(periods)
}

/// A strategy converter: exact enum name, the message naming the option.
pub(crate) fn to_enum<T>(
    key: &str,
    from: impl Fn(&str) -> Result<T, supvisors_core::enums::UnknownName>,
) -> impl Fn(&str) -> Result<T, String> {
    move |v| {
        from(v).map_err(|e| format!("invalid value for {key}: {v}. expected in [{}]", e.expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py_int_accepts_python_forms_only() {
        assert_eq!(py_int(" 42 "), Ok(42));
        assert_eq!(py_int("-7"), Ok(-7));
        assert_eq!(py_int("+1_000"), Ok(1000));
        assert!(py_int("1__0").is_err());
        assert!(py_int("_1").is_err());
        assert!(py_int("").is_err());
        assert!(py_int("4.5").is_err());
        assert!(py_int("99999999999999999999999").is_err());
    }

    #[test]
    fn boolean_is_case_insensitive_but_not_trimmed() {
        assert_eq!(py_boolean("On"), Ok(true));
        assert_eq!(py_boolean("FALSE"), Ok(false));
        assert!(py_boolean(" true").is_err());
        assert!(py_boolean("y").is_err());
    }

    #[test]
    fn byte_size_suffixes_are_powers_of_1024() {
        assert_eq!(py_byte_size("1MB"), Ok(1_048_576));
        assert_eq!(py_byte_size("2kb"), Ok(2048));
        assert_eq!(py_byte_size("1Gb"), Ok(1 << 30));
        assert_eq!(py_byte_size("512"), Ok(512));
        assert!(py_byte_size("1TB").is_err());
    }

    #[test]
    fn expand_replaces_keys_and_reports_unknown_ones() {
        let map: BTreeMap<String, String> = [("here".to_owned(), "/etc".to_owned())].into();
        assert_eq!(
            py_expand("%(here)s/r.xml 100%%", &map, "x"),
            Ok("/etc/r.xml 100%".to_owned())
        );
        let err = py_expand("%(nope)s", &map, "x").expect_err("should fail");
        assert!(err.contains("cannot be expanded"), "{err}");
        assert!(py_expand("%(here)d", &map, "x").is_err());
        assert!(py_expand("50%", &map, "x").is_err());
    }

    #[test]
    fn logging_levels_by_description() {
        assert_eq!(py_logging_level("BLATHER"), Ok(LogLevel::Blather));
        assert!(py_logging_level("warning").is_err());
    }
}
