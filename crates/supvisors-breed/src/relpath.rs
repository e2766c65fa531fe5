//! Relative paths compared and printed as Python's `pathlib.PurePosixPath` does: components
//! split at `/`, empty and `.` components dropped, `..` kept, `.` printed for no component.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

/// A relative path of the template tree, as `pathlib` would hold it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RelPath {
    parts: Vec<OsString>,
}

impl RelPath {
    /// The template folder itself (`Path('.')`).
    pub fn root() -> Self {
        RelPath::default()
    }

    /// Parses text the way `PurePosixPath(text)` splits it (the text must be relative).
    pub fn parse(text: &str) -> Self {
        RelPath {
            parts: text
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .map(OsString::from)
                .collect(),
        }
    }

    /// This path with one more component (`_make_child_relpath`).
    pub fn child(&self, name: &OsStr) -> Self {
        let mut parts = self.parts.clone();
        parts.push(name.to_os_string());
        RelPath { parts }
    }

    /// `os.path.dirname(str(self))` joined with `name`, parsed again as a path.
    pub fn sibling(&self, name: &str) -> Self {
        let mut parent = RelPath {
            parts: self.parts[..self.parts.len().saturating_sub(1)].to_vec(),
        };
        parent.parts.extend(RelPath::parse(name).parts);
        parent
    }

    /// Whether the path is a single component (a file at the top of the tree).
    pub fn is_top_level(&self) -> bool {
        self.parts.len() == 1
    }

    /// This path below `base`.
    pub fn under(&self, base: &Path) -> PathBuf {
        let mut path = base.to_path_buf();
        path.extend(&self.parts);
        path
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.parts.is_empty() {
            return f.write_str(".");
        }
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{}", part.to_string_lossy())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_drops_empty_and_dot_parts() {
        assert_eq!(RelPath::parse("./a//b/./c.ini").to_string(), "a/b/c.ini");
        assert_eq!(RelPath::parse("a/../b").to_string(), "a/../b");
        assert_eq!(RelPath::parse("").to_string(), ".");
    }

    #[test]
    fn sibling_replaces_the_last_component() {
        let p = RelPath::parse("player/group_player.ini");
        assert_eq!(
            p.sibling("group_player_01.ini").to_string(),
            "player/group_player_01.ini"
        );
        assert_eq!(
            RelPath::parse("g.ini")
                .sibling("group_a/b_01.ini")
                .to_string(),
            "group_a/b_01.ini"
        );
    }
}
