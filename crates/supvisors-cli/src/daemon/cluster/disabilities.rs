//! The disabilities file (spec `supvisors-core.md` §2.6, §9.2): `{program: disabled}` as JSON,
//! rewritten at each enable/disable. Written atomically (temporary file in the same
//! directory, fsync, rename, fsync of the directory) so that a crash never leaves a truncated
//! file that the next start would reject.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Writes the map to `path` atomically.
pub fn write_disabilities(path: &Path, map: &BTreeMap<String, bool>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "disabilities".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let text = serde_json::to_string(map).map_err(std::io::Error::other)?;
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_replaced_whole_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disabilities.json");
        std::fs::write(&path, "old content that is longer than the new one").unwrap();
        let map = BTreeMap::from([("prg".to_owned(), true), ("other".to_owned(), false)]);
        write_disabilities(&path, &map).unwrap();
        let back: BTreeMap<String, bool> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, map);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left");
    }

    #[test]
    fn an_unwritable_place_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("d.json");
        assert!(write_disabilities(&path, &BTreeMap::new()).is_err());
    }
}
