//! `Path('.').glob(pattern)` of Python 3.11 on POSIX, evaluated from a base directory.
//!
//! Which files are found and in which order decides where each template group lands, so the
//! walk follows `pathlib`'s selectors exactly: components are matched one at a time; `**`
//! visits the directory itself and then every sub-directory depth first, in directory-listing
//! order (`readdir`, as `os.scandir`), without entering symbolic links to directories; results
//! under a `**` are de-duplicated; a component without wildcard is looked up directly; a
//! trailing `/` keeps directories only. A directory that cannot be listed for lack of
//! permission is skipped, as the reference does.

use std::fs;
use std::io;
use std::path::Path;

use crate::error::BreedError;
use crate::fnmatch::NamePattern;
use crate::relpath::RelPath;

/// The files (or directories) under `base` matching `pattern`, in `pathlib`'s order.
pub fn glob(base: &Path, pattern: &str) -> Result<Vec<RelPath>, BreedError> {
    let selectors = compile(pattern)?;
    let mut out = Vec::new();
    select(&selectors, base, &RelPath::root(), &mut out)?;
    Ok(out)
}

#[derive(Debug)]
enum Selector {
    /// End of the pattern: the path itself.
    Terminating,
    /// A component with no wildcard; `dir_only` when more components follow.
    Precise { name: String, dir_only: bool },
    /// A component with wildcards.
    Wildcard {
        pattern: NamePattern,
        dir_only: bool,
    },
    /// `**`.
    Recursive,
}

fn compile(pattern: &str) -> Result<Vec<Selector>, BreedError> {
    let refuse = |reason: &str| BreedError::Pattern {
        pattern: pattern.to_string(),
        reason: reason.to_string(),
    };
    if pattern.is_empty() {
        return Err(refuse("unacceptable empty pattern"));
    }
    if pattern.starts_with('/') {
        return Err(refuse("non-relative patterns are unsupported"));
    }
    let mut parts: Vec<&str> = pattern
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if pattern.ends_with('/') {
        parts.push("");
    }
    if parts.is_empty() {
        return Err(refuse("the pattern names no path component"));
    }
    let count = parts.len();
    let mut selectors = Vec::with_capacity(count + 1);
    for (i, part) in parts.into_iter().enumerate() {
        let dir_only = i + 1 < count;
        if part.is_empty() {
            // Only the last part can be empty: the selector chain stops here.
            selectors.push(Selector::Terminating);
            return Ok(selectors);
        }
        selectors.push(if part == "**" {
            Selector::Recursive
        } else if part.contains("**") {
            return Err(refuse("'**' can only be an entire path component"));
        } else if part.contains(['*', '?', '[']) {
            Selector::Wildcard {
                pattern: NamePattern::new(part)?,
                dir_only,
            }
        } else {
            Selector::Precise {
                name: part.to_string(),
                dir_only,
            }
        });
    }
    selectors.push(Selector::Terminating);
    Ok(selectors)
}

/// Appends to `out` what `selectors[0]` and its successors select from `parent`.
fn select(
    selectors: &[Selector],
    base: &Path,
    parent: &RelPath,
    out: &mut Vec<RelPath>,
) -> Result<(), BreedError> {
    let Some((first, rest)) = selectors.split_first() else {
        return Ok(());
    };
    match first {
        Selector::Terminating => out.push(parent.clone()),
        Selector::Precise { name, dir_only } => {
            let path = parent.child(name.as_ref());
            let found = match fs::metadata(path.under(base)) {
                Ok(meta) => !*dir_only || meta.is_dir(),
                Err(err) if err.kind() == io::ErrorKind::PermissionDenied => return Ok(()),
                Err(_) => false,
            };
            if found {
                select(rest, base, &path, out)?;
            }
        }
        Selector::Wildcard { pattern, dir_only } => {
            let Some(entries) = list(base, parent)? else {
                return Ok(());
            };
            for entry in entries {
                if *dir_only && !entry.is_dir_following_links {
                    continue;
                }
                if pattern.matches(&entry.name.to_string_lossy()) {
                    select(rest, base, &parent.child(&entry.name), out)?;
                }
            }
        }
        Selector::Recursive => {
            let mut starts = Vec::new();
            directories(base, parent, &mut starts)?;
            let mut seen = std::collections::HashSet::new();
            for start in starts {
                let mut found = Vec::new();
                select(rest, base, &start, &mut found)?;
                for path in found {
                    if seen.insert(path.clone()) {
                        out.push(path);
                    }
                }
            }
        }
    }
    Ok(())
}

/// `parent` and its sub-directories, depth first, not entering symbolic links.
fn directories(base: &Path, parent: &RelPath, out: &mut Vec<RelPath>) -> Result<(), BreedError> {
    out.push(parent.clone());
    let Some(entries) = list(base, parent)? else {
        return Ok(());
    };
    for entry in entries {
        if entry.is_real_dir {
            directories(base, &parent.child(&entry.name), out)?;
        }
    }
    Ok(())
}

struct Entry {
    name: std::ffi::OsString,
    /// A directory, not a symbolic link to one (`is_dir(follow_symlinks=False)`).
    is_real_dir: bool,
    /// A directory or a symbolic link to one (`is_dir()`).
    is_dir_following_links: bool,
}

/// The entries of a directory in listing order; `None` when permission is denied.
fn list(base: &Path, dir: &RelPath) -> Result<Option<Vec<Entry>>, BreedError> {
    let path = dir.under(base);
    let fail = |source: io::Error| BreedError::List {
        path: path.clone(),
        source,
    };
    let reader = match fs::read_dir(&path) {
        Ok(reader) => reader,
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => return Ok(None),
        Err(err) => return Err(fail(err)),
    };
    let mut entries = Vec::new();
    for entry in reader {
        let entry = entry.map_err(fail)?;
        let file_type = entry.file_type().map_err(fail)?;
        let is_real_dir = file_type.is_dir();
        let is_dir_following_links = if file_type.is_symlink() {
            fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
        } else {
            is_real_dir
        };
        entries.push(Entry {
            name: entry.file_name(),
            is_real_dir,
            is_dir_following_links,
        });
    }
    Ok(Some(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in ["a.ini", "x/b.ini", "x/y/c.ini", "x/y/d.txt", "z/e.ini"] {
            let path = dir.path().join(file);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            fs::write(path, "").expect("write");
        }
        dir
    }

    fn names(mut found: Vec<RelPath>) -> Vec<String> {
        // Listing order is the file system's; tests compare sets where it is not pinned.
        let mut names: Vec<String> = found.drain(..).map(|p| p.to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn double_star_finds_files_at_every_depth() {
        let dir = tree();
        let found = glob(dir.path(), "**/*.ini").expect("glob");
        assert_eq!(names(found), ["a.ini", "x/b.ini", "x/y/c.ini", "z/e.ini"]);
    }

    #[test]
    fn double_star_alone_yields_directories_only() {
        let dir = tree();
        let found = glob(dir.path(), "**").expect("glob");
        assert_eq!(names(found), [".", "x", "x/y", "z"]);
    }

    #[test]
    fn precise_and_wildcard_components() {
        let dir = tree();
        assert_eq!(
            names(glob(dir.path(), "x/*/c.ini").expect("glob")),
            ["x/y/c.ini"]
        );
        assert_eq!(
            names(glob(dir.path(), "x/../a.ini").expect("glob")),
            ["x/../a.ini"]
        );
        assert_eq!(names(glob(dir.path(), "*/").expect("glob")), ["x", "z"]);
        assert!(glob(dir.path(), "nope/*.ini").expect("glob").is_empty());
    }

    #[test]
    fn double_star_results_are_not_repeated() {
        let dir = tree();
        let found = glob(dir.path(), "**/**/*.ini").expect("glob");
        assert_eq!(names(found), ["a.ini", "x/b.ini", "x/y/c.ini", "z/e.ini"]);
    }

    #[test]
    fn refused_patterns() {
        let dir = tree();
        for pattern in ["", "/etc/*.ini", "a**/*.ini", "."] {
            assert!(
                matches!(glob(dir.path(), pattern), Err(BreedError::Pattern { .. })),
                "{pattern:?}"
            );
        }
    }
}
