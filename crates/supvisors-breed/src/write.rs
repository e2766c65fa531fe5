//! Writing the bred files below the destination without leaving a half-written tree.
//!
//! The reference opens and writes each file in turn, so a failure midway leaves part of the
//! result behind. Here every file is first written to a temporary file in its final
//! directory (creating the directories it needs), and only when all of them are written are
//! they renamed over their targets; on failure the temporary files and the directories made
//! for them are removed. A destination that already exists (the usual `etc/` tree, where
//! the reference overwrites files in place) cannot be swapped in one directory rename, hence
//! the per-file renames, each atomic.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::breed::Output;
use crate::error::BreedError;

/// Writes `outputs` below `destination` (a path as given on the command line), printing the
/// reference's trace lines to `trace` when given.
pub fn write_outputs(
    destination: &str,
    outputs: &[Output],
    mut trace: Option<&mut dyn Write>,
) -> Result<(), BreedError> {
    if destination.is_empty() {
        // `os.path.join('', 'g.ini')` has no folder and the reference's
        // `os.makedirs('')` raises: refuse before writing anything.
        if let Some(Output::Write { path, .. }) = outputs
            .iter()
            .find(|o| matches!(o, Output::Write { path, .. } if path.is_top_level()))
        {
            return Err(BreedError::Destination {
                path: path.under(Path::new("")),
                reason: "an empty destination cannot hold a top-level file".to_string(),
            });
        }
    }
    let mut staging = Staging::default();
    let result = (|| {
        for output in outputs {
            match output {
                Output::Write { path, content } => {
                    if let Some(out) = trace.as_deref_mut() {
                        let shown = python_join(destination, &path.to_string());
                        writeln!(out, "Writing file: {shown}").map_err(BreedError::Trace)?;
                    }
                    staging.stage(&path.under(Path::new(destination)), content)?;
                }
                Output::Empty { path } => {
                    if let Some(out) = trace.as_deref_mut() {
                        writeln!(out, "Empty sections for file: {path}")
                            .map_err(BreedError::Trace)?;
                    }
                }
            }
        }
        staging.commit()
    })();
    if result.is_err() {
        staging.rollback();
    }
    result
}

/// `os.path.join(a, b)` for a relative `b`.
fn python_join(a: &str, b: &str) -> String {
    if a.is_empty() || a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

#[derive(Default)]
struct Staging {
    /// Directories created, parents first.
    created_dirs: Vec<PathBuf>,
    /// (temporary file, target), in writing order.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staging {
    fn stage(&mut self, target: &Path, content: &str) -> Result<(), BreedError> {
        let fail = |path: &Path, reason: String| BreedError::Destination {
            path: path.to_path_buf(),
            reason,
        };
        if target.is_dir() {
            return Err(fail(target, "a directory is in the way".to_string()));
        }
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        self.make_dirs(dir)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(
            ".{name}.breed-{}-{}.tmp",
            std::process::id(),
            self.files.len()
        ));
        fs::write(&temp, content).map_err(|e| {
            // A partial temporary file is ours to remove.
            let _ = fs::remove_file(&temp);
            fail(target, e.to_string())
        })?;
        if let Ok(meta) = fs::metadata(target) {
            // Keep the mode of a file being replaced, as writing it in place would.
            let _ = fs::set_permissions(&temp, meta.permissions());
        }
        self.files.push((temp, target.to_path_buf()));
        Ok(())
    }

    /// `mkdir -p dir`, remembering what was created.
    fn make_dirs(&mut self, dir: &Path) -> Result<(), BreedError> {
        let mut missing = Vec::new();
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if d.as_os_str().is_empty() {
                break;
            }
            match fs::metadata(d) {
                Ok(meta) if meta.is_dir() => break,
                Ok(_) => {
                    return Err(BreedError::Destination {
                        path: d.to_path_buf(),
                        reason: "not a directory".to_string(),
                    });
                }
                Err(_) => missing.push(d.to_path_buf()),
            }
            cur = d.parent();
        }
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) => self.created_dirs.push(d),
                // `x/..` exists once `x` does, as `os.makedirs` accepts.
                Err(_) if d.is_dir() => {}
                Err(e) => {
                    return Err(BreedError::Destination {
                        path: d,
                        reason: e.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), BreedError> {
        while !self.files.is_empty() {
            let (temp, target) = self.files.remove(0);
            if let Err(e) = fs::rename(&temp, &target) {
                let _ = fs::remove_file(&temp);
                return Err(BreedError::Destination {
                    path: target,
                    reason: e.to_string(),
                });
            }
        }
        self.created_dirs.clear();
        Ok(())
    }

    /// Best effort: removes what `stage` made; failures leave nothing worse than before.
    fn rollback(&mut self) {
        for (temp, _) in self.files.drain(..) {
            let _ = fs::remove_file(temp);
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relpath::RelPath;

    fn out(path: &str, content: &str) -> Output {
        Output::Write {
            path: RelPath::parse(path),
            content: content.to_string(),
        }
    }

    #[test]
    fn files_are_written_with_their_folders_and_traced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dest = dir.path().join("out").to_string_lossy().into_owned();
        let mut trace = Vec::new();
        let outputs = [
            out("a/x.ini", "[x]\n\n"),
            Output::Empty {
                path: RelPath::parse("a/e.ini"),
            },
        ];
        write_outputs(&dest, &outputs, Some(&mut trace)).expect("write");
        assert_eq!(
            fs::read_to_string(dir.path().join("out/a/x.ini")).expect("read"),
            "[x]\n\n"
        );
        assert_eq!(
            String::from_utf8(trace).expect("utf-8"),
            format!("Writing file: {dest}/a/x.ini\nEmpty sections for file: a/e.ini\n")
        );
        assert!(!dir.path().join("out/a/e.ini").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("out/a"))
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_failure_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dest = dir.path().join("out");
        fs::create_dir_all(dest.join("b/x.ini")).expect("a directory in the way");
        let outputs = [out("a/x.ini", "[x]\n\n"), out("b/x.ini", "[y]\n\n")];
        let err = write_outputs(&dest.to_string_lossy(), &outputs, None);
        assert!(
            matches!(err, Err(BreedError::Destination { .. })),
            "{err:?}"
        );
        assert!(!dest.join("a").exists());
    }

    #[test]
    fn an_empty_destination_takes_only_nested_files() {
        let err = write_outputs("", &[out("g.ini", "[x]\n\n")], None);
        assert!(
            matches!(err, Err(BreedError::Destination { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn python_join_adds_one_separator() {
        assert_eq!(python_join("out", "a.ini"), "out/a.ini");
        assert_eq!(python_join("out/", "a.ini"), "out/a.ini");
        assert_eq!(python_join("", "a.ini"), "a.ini");
    }
}
