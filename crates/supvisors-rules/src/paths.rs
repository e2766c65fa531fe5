//! Path helpers with Python's `os.path` semantics (`expanduser`, `dirname`, `normpath`,
//! `abspath`) and the two directory-checking value types. The working directory and `HOME`
//! come from [`LoadContext`]; the only system call is the directory existence check.

use std::path::{Path, PathBuf};

use crate::context::LoadContext;

/// `os.path.expanduser` for `~` and `~/…` (from `HOME`); `~user` is left as is.
pub fn expand_user(s: &str, ctx: &LoadContext<'_>) -> String {
    let home = ctx.env.get("HOME").map(|h| h.trim_end_matches('/'));
    match (s, home) {
        ("~", Some(h)) => {
            if h.is_empty() {
                "/".into()
            } else {
                h.to_string()
            }
        }
        (s, Some(h)) if s.starts_with("~/") => format!("{h}{}", &s[1..]),
        (s, _) => s.to_string(),
    }
}

/// `os.path.dirname`.
pub fn dirname(p: &str) -> &str {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    let head = &p[..i];
    if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/')
    } else {
        head
    }
}

fn is_dir(p: &str, ctx: &LoadContext<'_>) -> bool {
    ctx.cwd.join(p).is_dir()
}

/// `existing_directory`: an existing directory (`~` expanded).
pub fn existing_directory(s: &str, ctx: &LoadContext<'_>) -> Result<PathBuf, String> {
    let nv = expand_user(s, ctx);
    if is_dir(&nv, ctx) {
        Ok(PathBuf::from(nv))
    } else {
        Err(format!("{s} is not an existing directory"))
    }
}

/// `existing_dirpath`: a path whose directory exists; a bare file name is accepted.
pub fn existing_dirpath(s: &str, ctx: &LoadContext<'_>) -> Result<PathBuf, String> {
    let nv = expand_user(s, ctx);
    let dir = dirname(&nv);
    if dir.is_empty() || is_dir(dir, ctx) {
        Ok(PathBuf::from(nv))
    } else {
        Err(format!(
            "The directory named as part of the path {s} does not exist"
        ))
    }
}

/// `os.path.normpath(os.path.abspath(os.path.expanduser(s)))` against the context's cwd.
pub fn normalize_path(s: &str, ctx: &LoadContext<'_>) -> PathBuf {
    let expanded = expand_user(s, ctx);
    let joined = if expanded.starts_with('/') {
        expanded
    } else {
        format!("{}/{expanded}", ctx.cwd.display())
    };
    PathBuf::from(normpath(&joined))
}

/// `os.path.normpath` of a POSIX path.
pub fn normpath(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let lead = if p.starts_with("//") && !p.starts_with("///") {
        "//"
    } else if p.starts_with('/') {
        "/"
    } else {
        ""
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if !lead.is_empty() => {}
            c => parts.push(c),
        }
    }
    let body = parts.join("/");
    if lead.is_empty() && body.is_empty() {
        ".".into()
    } else {
        format!("{lead}{body}")
    }
}

/// True when `p` is absolute in the POSIX sense.
pub fn is_abs(p: &str) -> bool {
    Path::new(p).is_absolute()
}
