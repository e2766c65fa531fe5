//! The path-valued Supvisors options: `rules_files` (§2.5) and `disabilities_file` (§2.6).
//!
//! Reads the file system only to expand globs, check that a directory exists and read the
//! disabilities file; the environment and working directory come from the caller.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::expand::{Names, Value, expand};

/// Lexical `os.path.abspath`: joins `cwd` when relative, then removes `.` and `..`.
pub(crate) fn abspath(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for comp in joined.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Expansions available to `rules_files`: `here`, `host_node_name` and `ENV_<name>`.
pub(crate) fn expansions(
    here: &Path,
    host_node_name: &str,
    env: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (format!("ENV_{k}"), v.clone()))
        .collect();
    map.insert("here".to_owned(), here.display().to_string());
    map.insert("host_node_name".to_owned(), host_node_name.to_owned());
    map
}

/// Result of `rules_files`: the sorted absolute paths, and whether nothing matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RulesFiles {
    pub files: Vec<PathBuf>,
    pub none_found: bool,
}

/// Expands `%()` names, splits on whitespace, globs each token (relative to `cwd`), makes
/// matches absolute, de-duplicates and sorts. `Err` is the expansion message.
pub(crate) fn to_filepaths(
    value: &str,
    expansions: &BTreeMap<String, String>,
    cwd: &Path,
) -> Result<RulesFiles, String> {
    let names: Names = expansions
        .iter()
        .map(|(k, v)| (k.as_str().into(), Value::Str(v.as_str().into())))
        .collect();
    let expanded = expand(value, &names, "rpcinterface.supvisors.rules_files")?;
    let mut found = BTreeSet::new();
    for token in expanded.split_whitespace() {
        let pattern = if Path::new(token).is_absolute() {
            token.to_owned()
        } else {
            format!(
                "{}/{token}",
                glob::Pattern::escape(&cwd.display().to_string())
            )
        };
        // Python's glob hides dot files from wildcards, as `require_literal_leading_dot` does.
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        // A pattern the glob crate refuses matches nothing, as an odd pattern does in Python.
        if let Ok(paths) = glob::glob_with(&pattern, options) {
            for path in paths.flatten() {
                found.insert(abspath(&path, cwd));
            }
        }
    }
    Ok(RulesFiles {
        none_found: !value.is_empty() && found.is_empty(),
        files: found.into_iter().collect(),
    })
}

/// Reads the disabilities map: missing file → empty; a JSON object → its entries with
/// Python truthiness; other JSON → empty; invalid JSON or unreadable file → `Err`.
pub(crate) fn read_disabilities(path: &Path) -> Result<BTreeMap<String, bool>, String> {
    if !path.is_file() {
        return Ok(BTreeMap::new());
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(map) = value else {
        return Ok(BTreeMap::new());
    };
    Ok(map.into_iter().map(|(k, v)| (k, truthy(&v))).collect())
}

fn truthy(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_13_rules_files_expand_here_glob_absolute_dedup_sorted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("etc")).expect("mkdir");
        for f in ["b.xml", "a.xml", ".hidden.xml", "c.txt"] {
            std::fs::write(root.join("etc").join(f), "<root/>").expect("write");
        }
        let env: BTreeMap<String, String> = [("SUB".to_owned(), "etc".to_owned())].into();
        let map = expansions(root, "node1", &env);
        let value = "%(here)s/etc/*.xml etc/a.xml %(here)s/%(ENV_SUB)s/../etc/b.xml";
        let got = to_filepaths(value, &map, root).expect("expands");
        assert_eq!(
            got.files,
            vec![root.join("etc/a.xml"), root.join("etc/b.xml")]
        );
        assert!(!got.none_found);
        let none = to_filepaths("%(here)s/nothing*.xml", &map, root).expect("expands");
        assert!(none.none_found && none.files.is_empty());
        assert!(to_filepaths("%(ENV_NOPE)s/x.xml", &map, root).is_err());
    }

    #[test]
    fn item_100_disabilities_object_is_loaded_other_json_ignored_invalid_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.json");
        assert!(read_disabilities(&p).expect("missing is fine").is_empty());
        std::fs::write(&p, r#"{"prg": true, "other": 0}"#).expect("write");
        let map = read_disabilities(&p).expect("valid");
        assert_eq!(map.get("prg"), Some(&true));
        assert_eq!(map.get("other"), Some(&false));
        std::fs::write(&p, "[1, 2]").expect("write");
        assert!(read_disabilities(&p).expect("valid").is_empty());
        std::fs::write(&p, "{not json").expect("write");
        assert!(read_disabilities(&p).is_err());
    }

    #[test]
    fn abspath_is_lexical() {
        assert_eq!(
            abspath(Path::new("a/../b/./c"), Path::new("/x")),
            PathBuf::from("/x/b/c")
        );
    }
}
