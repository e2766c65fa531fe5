//! JSON text exactly as Python's `json.dumps` writes it with its defaults (what PyZMQ's
//! `send_json` sends): `", "` and `": "` separators, `ensure_ascii` escaping, floats as
//! `repr(float)`, keys in insertion order.
//!
//! A tiny writer rather than serde_json with a custom `Formatter`: the payloads are flat objects
//! whose keys and value types are fixed by the spec, so an ordered builder states the key order
//! where it matters, and the two parts a `Formatter` would have to override anyway (float
//! `repr` and ASCII escaping, including DEL) are the whole difficulty.

use std::fmt::Write;

/// A JSON object written key by key, in the order of the calls.
#[derive(Debug, Clone)]
pub struct JsonObject {
    text: String,
    empty: bool,
}

impl Default for JsonObject {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        JsonObject {
            text: String::from("{"),
            empty: true,
        }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.text.push_str(", ");
        }
        self.empty = false;
        write_str(&mut self.text, key);
        self.text.push_str(": ");
        &mut self.text
    }

    /// Adds a string value.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_str(self.key(key), value);
        self
    }

    /// Adds a string value, or `null` for an empty one (Python's `None`).
    pub fn str_or_null(&mut self, key: &str, value: &str) -> &mut Self {
        if value.is_empty() {
            self.key(key).push_str("null");
            self
        } else {
            self.str(key, value)
        }
    }

    /// Adds an integer value.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        // writing into a String cannot fail
        let _ = write!(out, "{value}");
        self
    }

    /// Adds a float value, written as Python's `repr(float)`.
    pub fn float(&mut self, key: &str, value: f64) -> &mut Self {
        write_float(self.key(key), value);
        self
    }

    /// Adds a boolean value.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds a list of strings.
    pub fn str_list<S: AsRef<str>>(&mut self, key: &str, values: &[S]) -> &mut Self {
        let out = self.key(key);
        out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_str(out, v.as_ref());
        }
        out.push(']');
        self
    }

    /// The finished JSON text.
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// Writes a JSON string with `ensure_ascii`: everything outside `' '..='~'` is escaped, as
/// `\uXXXX` in lower-case hex (a surrogate pair above U+FFFF) unless it has a short form.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// Writes a float as Python's `repr(float)` (and `json.dumps` for the non-finite values).
///
/// Both languages print the shortest digits that read back to the same value; beyond the tie
/// rule below, only the layout differs: Python switches to the exponent form when the decimal point falls more than 16
/// digits right or 4 or more zeros left of the first digit, signs the exponent and pads it to
/// two digits, and ends an integral fixed form with `.0`.
pub fn write_float(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x == 0.0 {
        out.push_str("0.0");
        return;
    }
    // `{:e}` gives as few digits as round-trip, but breaks an exact tie between two such
    // strings upwards where Python takes the closest, ties to even; the exact formatting of
    // that many digits rounds correctly (half to even), so it gives Python's digits
    let shortest = format!("{:e}", x.abs());
    let count = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
    let sci = format!("{:.*e}", count.saturating_sub(1), x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // position of the decimal point counted from the first digit (Python's `decpt`)
    let decpt = exp + 1;
    if decpt <= -4 || decpt > 16 {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.unsigned_abs());
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', decpt.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let point = decpt.unsigned_abs() as usize;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
            out.push_str(".0");
        } else {
            let (int_part, frac) = digits.split_at(point);
            out.push_str(int_part);
            out.push('.');
            out.push_str(frac);
        }
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
