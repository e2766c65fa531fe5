//! Command lines and names: `cmd.Cmd.parseline`, `split_namespec`, `make_namespec`.

/// Splits a line like `cmd.Cmd.parseline`: `(command, argument, stripped line)`; `?` means help.
pub fn parseline(line: &str) -> (Option<String>, String, String) {
    let mut line = line.trim().to_owned();
    if line.is_empty() {
        return (None, String::new(), line);
    }
    if let Some(rest) = line.strip_prefix('?') {
        line = format!("help {rest}");
    } else if line.starts_with('!') {
        // No `do_shell`: the line is unknown syntax.
        return (None, String::new(), line);
    }
    let end = line
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(line.len(), |(i, _)| i);
    let cmd = line[..end].to_owned();
    let arg = line[end..].trim().to_owned();
    (Some(cmd), arg, line)
}

/// `split_namespec`: `grp:*`/`grp:` → (grp, None); `x` → (x, Some(x)); `g:p` → (g, Some(p)).
pub fn split_namespec(namespec: &str) -> (String, Option<String>) {
    match namespec.split_once(':') {
        Some((group, process)) if process.is_empty() || process == "*" => (group.to_owned(), None),
        Some((group, process)) => (group.to_owned(), Some(process.to_owned())),
        None => (namespec.to_owned(), Some(namespec.to_owned())),
    }
}

/// `make_namespec`: `name` when it equals the group, else `group:name`.
pub fn make_namespec(group: &str, name: &str) -> String {
    if group == name {
        name.to_owned()
    } else {
        format!("{group}:{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parseline_like_cmd_module() {
        assert_eq!(
            parseline("  start a b "),
            (Some("start".into()), "a b".into(), "start a b".into())
        );
        assert_eq!(parseline("?status").0.as_deref(), Some("help"));
        assert_eq!(
            parseline("foo-bar"),
            (Some("foo".into()), "-bar".into(), "foo-bar".into())
        );
        assert_eq!(parseline("-x").0.as_deref(), Some(""));
        assert_eq!(parseline("   ").2, "");
    }

    #[test]
    fn namespecs() {
        assert_eq!(split_namespec("g:*"), ("g".into(), None));
        assert_eq!(split_namespec("g:"), ("g".into(), None));
        assert_eq!(split_namespec("g:p"), ("g".into(), Some("p".into())));
        assert_eq!(split_namespec("x"), ("x".into(), Some("x".into())));
        assert_eq!(make_namespec("x", "x"), "x");
        assert_eq!(make_namespec("g", "p"), "g:p");
    }
}
