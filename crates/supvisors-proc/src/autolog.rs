//! AUTO child log files (spec §6.3): their generated names and their cleanup at startup.

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::command::py_repr;

/// Characters of the random part, those of Python's `tempfile`.
const RANDOM_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";

/// Creates an empty AUTO log file (mode 0600, never overwriting one) named
/// `<childlogdir>/<process_name>-<channel>---<identifier>-<8 random chars>.log`.
pub fn create_auto_log(
    childlogdir: &Path,
    process_name: &str,
    channel: &str,
    identifier: &str,
) -> io::Result<PathBuf> {
    let mut rng = fastrand::Rng::new();
    // Same bound as Python's tempfile (TMP_MAX) before giving up on name clashes.
    for _ in 0..10_000 {
        let random: String = (0..8)
            .map(|_| RANDOM_CHARS[rng.usize(..RANDOM_CHARS.len())] as char)
            .collect();
        let path = childlogdir.join(format!(
            "{process_name}-{channel}---{identifier}-{random}.log"
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "No usable temporary file name found",
    ))
}

/// What a cleanup did; `warnings` holds the reference's WARN texts for the main log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cleanup {
    /// Files deleted.
    pub removed: Vec<PathBuf>,
    /// `Could not clear childlog dir` / `Failed to clean up '<path>'` lines.
    pub warnings: Vec<String>,
}

/// The file-name pattern of AUTO logs of `identifier`. Like the reference, the identifier is
/// inserted unescaped; if that is not a valid pattern it is matched literally instead.
pub fn auto_log_pattern(identifier: &str) -> Option<regex::Regex> {
    let build =
        |id: &str| regex::Regex::new(&format!(r"^(?:.+?---{id}-\S+\.log\.{{0,1}}\d{{0,4}})"));
    build(identifier)
        .or_else(|_| build(&regex::escape(identifier)))
        .ok()
}

/// Deletes files of `childlogdir` whose names match [`auto_log_pattern`] (anchored at the
/// start only, so `x---id-abc.log.1` and `x---id-abc.logfoo` match too).
pub fn clear_auto_logs(childlogdir: &Path, identifier: &str) -> Cleanup {
    let mut out = Cleanup::default();
    let (Ok(entries), Some(pattern)) =
        (std::fs::read_dir(childlogdir), auto_log_pattern(identifier))
    else {
        out.warnings.push("Could not clear childlog dir".to_owned());
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !pattern.is_match(&name.to_string_lossy()) {
            continue;
        }
        let path = childlogdir.join(&name);
        match std::fs::remove_file(&path) {
            Ok(()) => out.removed.push(path),
            Err(_) => out.warnings.push(format!(
                "Failed to clean up {}",
                py_repr(&path.to_string_lossy())
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn auto_name_shape_and_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = create_auto_log(dir.path(), "sleeper", "stdout", "specsup").expect("create");
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        let re = regex::Regex::new(r"^sleeper-stdout---specsup-[a-z0-9_]{8}\.log$").expect("re");
        assert!(re.is_match(&name), "{name}");
        let meta = std::fs::metadata(&p).expect("meta");
        assert_eq!((meta.len(), meta.permissions().mode() & 0o777), (0, 0o600));
        assert_ne!(
            p,
            create_auto_log(dir.path(), "sleeper", "stdout", "specsup").expect("second")
        );
    }

    #[test]
    fn cleanup_removes_only_matching_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names = [
            ("a-stdout---sup-12345678.log", true),
            ("a-stderr---sup-abc.log.3", true),
            ("a-stderr---sup-abc.logx", true),
            ("a-stdout---other-12345678.log", false),
            ("---sup-x.log", false),
            ("plain.log", false),
        ];
        for (n, _) in names {
            std::fs::write(dir.path().join(n), b"").expect("write");
        }
        let report = clear_auto_logs(dir.path(), "sup");
        assert_eq!(report.removed.len(), 3);
        for (n, gone) in names {
            assert_eq!(!dir.path().join(n).exists(), gone, "{n}");
        }
        let missing = clear_auto_logs(&dir.path().join("nope"), "sup");
        assert_eq!(
            missing.warnings,
            vec!["Could not clear childlog dir".to_owned()]
        );
    }
}
