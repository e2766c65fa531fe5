//! The text plumbing of the web UI: URL decoding of paths and forms, URL quoting of links,
//! and HTML escaping of everything a page shows.

use std::collections::HashMap;

/// Decodes `%XX` escapes (invalid escapes stay as they are); `plus` also turns `+` into a
/// space, as form encoding does. Undecodable bytes become U+FFFD.
pub fn unquote(text: &str, plus: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if plus && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-quotes `text` the way Python's `urllib.parse.quote` does with its default
/// `safe='/'`: letters, digits, `_.-~` and `/` stay, every other UTF-8 byte is escaped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for HTML content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `key=value` pairs of a form-encoded text, decoded, blank values dropped (Python's
/// `parse_qs`/`parse_qsl` default, so `processname=` counts as no process name).
fn pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split(['&', ';'])
        .filter_map(|field| field.split_once('='))
        .map(|(k, v)| (unquote(k, true), unquote(v, true)))
        .filter(|(_, v)| !v.is_empty())
}

/// The request form: the query string (first value of a repeated key wins) overridden by a
/// form-encoded body (last value wins), as the reference merges them.
pub fn parse_form(query: &str, body: &str) -> HashMap<String, String> {
    let mut form = HashMap::new();
    for (k, v) in pairs(query) {
        form.entry(k).or_insert(v);
    }
    for (k, v) in pairs(body) {
        form.insert(k, v);
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_decodes_escapes_and_plus() {
        assert_eq!(unquote("a%3Ab+c%zz%4", true), "a:b c%zz%4");
        assert_eq!(unquote("a+b", false), "a+b");
    }

    #[test]
    fn quote_keeps_safe_bytes_like_python() {
        assert_eq!(quote("grp:p 1/é~"), "grp%3Ap%201/%C3%A9~");
        assert_eq!(
            quote("Page refreshed at Wed Nov 25 11:36:39 2026"),
            "Page%20refreshed%20at%20Wed%20Nov%2025%2011%3A36%3A39%202026"
        );
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn form_merges_query_and_body() {
        let form = parse_form(
            "processname=a%3Ab&action=stop&action=start&message=",
            "x=1&x=2",
        );
        assert_eq!(form.get("processname").map(String::as_str), Some("a:b"));
        assert_eq!(form.get("action").map(String::as_str), Some("stop"));
        assert_eq!(form.get("x").map(String::as_str), Some("2"));
        assert!(!form.contains_key("message"));
    }
}
