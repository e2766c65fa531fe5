//! Encoding exactly like Python's `xmlrpc.client.dumps` (utf-8, no `allow_none` needed).

use base64::Engine as _;

use crate::fault::Fault;
use crate::value::Value;

const HEADER: &str = "<?xml version='1.0'?>\n";

/// Encodes a successful `methodResponse` holding `value`.
pub fn encode_response(value: &Value) -> String {
    // Sized up front: a 1,000-process `getAllProcessInfo` is over 1 MB, which grown by
    // doubling costs a dozen reallocations and copies.
    let mut out = String::with_capacity(128 + encoded_size(value));
    out.push_str(HEADER);
    out.push_str("<methodResponse>\n<params>\n<param>\n");
    write_value(&mut out, value);
    out.push_str("</param>\n</params>\n</methodResponse>\n");
    out
}

/// Encodes a fault `methodResponse`.
pub fn encode_fault(fault: &Fault) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(HEADER);
    out.push_str("<methodResponse>\n<fault>\n");
    write_value(&mut out, &fault.to_value());
    out.push_str("</fault>\n</methodResponse>\n");
    out
}

/// Encodes a `methodCall` (client side).
pub fn encode_call(method: &str, params: &[Value]) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(HEADER);
    out.push_str("<methodCall>\n<methodName>");
    escape_into(&mut out, method);
    out.push_str("</methodName>\n<params>\n");
    for param in params {
        out.push_str("<param>\n");
        write_value(&mut out, param);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

/// Appends one `<value>...</value>\n` in the Python layout.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Int(i) => {
            out.push_str("<value><int>");
            push_int(out, *i);
            out.push_str("</int></value>\n");
        }
        Value::Bool(b) => {
            out.push_str(if *b {
                "<value><boolean>1</boolean></value>\n"
            } else {
                "<value><boolean>0</boolean></value>\n"
            });
        }
        Value::String(s) | Value::Raw(s) => {
            out.push_str("<value><string>");
            escape_into(out, s);
            out.push_str("</string></value>\n");
        }
        Value::Double(d) => {
            out.push_str("<value><double>");
            out.push_str(&python_float_repr(*d));
            out.push_str("</double></value>\n");
        }
        Value::DateTime(text) => {
            out.push_str("<value><dateTime.iso8601>");
            out.push_str(text);
            out.push_str("</dateTime.iso8601></value>\n");
        }
        Value::Base64(bytes) => {
            out.push_str("<value><base64>\n");
            out.push_str(&encode_base64_lines(bytes));
            out.push_str("</base64></value>\n");
        }
        Value::Array(items) => {
            out.push_str("<value><array><data>\n");
            for item in items {
                write_value(out, item);
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Struct(members) => {
            out.push_str("<value><struct>\n");
            for (name, member) in members {
                out.push_str("<member>\n<name>");
                escape_into(out, name);
                out.push_str("</name>\n");
                write_value(out, member);
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
        Value::Nil => out.push_str("<value><nil/></value>"),
    }
}

/// Escapes `&`, `<` and `>` (and nothing else), like `xmlrpc.client.escape`.
pub fn escape_into(out: &mut String, text: &str) {
    // Copies the runs between special characters whole: most texts have none at all.
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>']) {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        out.push_str(match chars.next() {
            Some('&') => "&amp;",
            Some('<') => "&lt;",
            _ => "&gt;",
        });
        rest = chars.as_str();
    }
    out.push_str(rest);
}

/// Appends the decimal form of `i` without a temporary `String`.
fn push_int(out: &mut String, i: i32) {
    let mut buf = [0u8; 11];
    let mut n = i.unsigned_abs();
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[pos..]).unwrap_or_default());
}

/// An upper estimate of the encoded length of `value` (escapes aside), to size the output.
fn encoded_size(value: &Value) -> usize {
    match value {
        Value::Int(_) | Value::Bool(_) | Value::Double(_) | Value::Nil => 64,
        Value::String(s) | Value::Raw(s) | Value::DateTime(s) => 48 + s.len(),
        Value::Base64(b) => 48 + b.len() * 4 / 3 + b.len() / 57 + 4,
        Value::Array(items) => 48 + items.iter().map(encoded_size).sum::<usize>(),
        Value::Struct(members) => {
            48 + members
                .iter()
                .map(|(name, v)| 40 + name.len() + encoded_size(v))
                .sum::<usize>()
        }
    }
}

/// `base64.encodebytes`: lines of at most 76 characters, each ended by a newline.
fn encode_base64_lines(bytes: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 + 1);
    for chunk in flat.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out
}

/// Python's `repr(float)`: shortest round-trip digits, exponent form outside `1e-4 <= |x| < 1e16`.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    // `{:e}` gives the shortest round-trip digits as `d.ddde<exp>`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let n = digits.len() as i32;
    let body = if exp < 0 {
        format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
    } else if exp + 1 >= n {
        format!("{}{}.0", digits, "0".repeat((exp + 1 - n) as usize))
    } else {
        let (int, frac) = digits.split_at((exp + 1) as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::FaultCode;

    #[test]
    fn response_matches_reference_get_pid_body() {
        let body = encode_response(&Value::Int(7585));
        assert_eq!(
            body,
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>7585</int></value>\n</param>\n</params>\n</methodResponse>\n"
        );
    }

    #[test]
    fn fault_matches_reference_bad_name_body() {
        let body = encode_fault(&Fault::new(FaultCode::BadName, Some("nosuch")));
        assert_eq!(
            body,
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>BAD_NAME: nosuch</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
        );
    }

    #[test]
    fn floats_follow_python_repr() {
        for (x, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (1234567890123456.0, "1234567890123456.0"),
        ] {
            assert_eq!(python_float_repr(x), s);
        }
    }

    #[test]
    fn ints_are_written_in_decimal() {
        for (i, text) in [(0, "0"), (7, "7"), (-42, "-42"), (i32::MIN, "-2147483648")] {
            let mut out = String::new();
            push_int(&mut out, i);
            assert_eq!(out, text);
        }
    }

    #[test]
    fn strings_escape_only_three_characters() {
        let mut out = String::new();
        escape_into(&mut out, "a&b<c>d\"e'");
        assert_eq!(out, "a&amp;b&lt;c&gt;d\"e'");
        out.clear();
        escape_into(&mut out, "<<é&>");
        assert_eq!(out, "&lt;&lt;é&amp;&gt;");
    }
}
