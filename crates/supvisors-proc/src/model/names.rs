//! Namespec parsing and rendering (spec §3.5.1).

/// Splits a namespec on its first `:`: `foo` → (`foo`, `foo`), `g:p` → (`g`, `p`),
/// `g:*` / `g:` → (`g`, none: the whole group).
pub fn split_namespec(namespec: &str) -> (&str, Option<&str>) {
    match namespec.split_once(':') {
        Some((group, "" | "*")) => (group, None),
        Some((group, process)) => (group, Some(process)),
        None => (namespec, Some(namespec)),
    }
}

/// `name` when the group and process names are equal, else `group:name`.
pub fn make_namespec(group: &str, process: &str) -> String {
    if group == process {
        process.to_string()
    } else {
        format!("{group}:{process}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rules() {
        assert_eq!(split_namespec("foo"), ("foo", Some("foo")));
        assert_eq!(split_namespec("grp:foo"), ("grp", Some("foo")));
        assert_eq!(split_namespec("grp:*"), ("grp", None));
        assert_eq!(split_namespec("grp:"), ("grp", None));
        assert_eq!(split_namespec("a:b:c"), ("a", Some("b:c")));
        assert_eq!(make_namespec("a", "a"), "a");
        assert_eq!(make_namespec("g", "a"), "g:a");
    }
}
