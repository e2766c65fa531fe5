//! Bounds on hostile rules files, enforced before and during the XML parse.
//!
//! `roxmltree` refuses DTDs (so no entity expansion) and stops at a node count, but its parser
//! recurses once per nesting level; a lexical pre-scan refuses deep nesting first.

/// Cap on XML nodes of one rules file, to bound memory on hostile input.
pub(crate) const NODES_LIMIT: u32 = 500_000;

/// Cap on element nesting, checked before `roxmltree` runs: its parser recurses per level and
/// overflows the stack on deeply nested input. The schema never needs more than 5 levels.
pub(crate) const DEPTH_LIMIT: usize = 64;

/// Line of the first element opened deeper than [`DEPTH_LIMIT`], by a lexical scan that skips
/// comments, CDATA, processing instructions and declarations, and honours quoted attributes.
pub(crate) fn too_deep(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let skip_to = |from: usize, end: &str| {
        text.get(from..)
            .and_then(|rest| rest.find(end))
            .map_or(bytes.len(), |p| from + p + end.len())
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = skip_to(i, "-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_to(i, "]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_to(i, "?>");
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            depth = depth.saturating_sub(usize::from(rest.starts_with(b"</")));
            i = skip_to(i, ">");
        } else {
            let start = i;
            let mut quote = None;
            i += 1;
            while i < bytes.len() {
                match (quote, bytes[i]) {
                    (None, b'"' | b'\'') => quote = Some(bytes[i]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                i += 1;
            }
            if bytes.get(i.wrapping_sub(1)) != Some(&b'/') {
                depth += 1;
                if depth > DEPTH_LIMIT {
                    return Some(text[..start].matches('\n').count() as u32 + 1);
                }
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_comments_cdata_and_quoted_brackets() {
        let deep = format!(
            "<root>\n{}{}</root>",
            "<a x='>'>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(too_deep(&deep), Some(2));
        let flat = format!(
            "<root>{}</root>",
            "<!-- <a> --><a/><![CDATA[<b>]]><?pi <c>?>".repeat(100)
        );
        assert_eq!(too_deep(&flat), None);
        let closed = format!("<root>{}</root>", "<a></a>".repeat(1000));
        assert_eq!(too_deep(&closed), None);
    }
}
