//! What can go wrong while breeding, each error naming the file or argument concerned.

use std::path::PathBuf;

use supvisors_rules::error::ConfigError;

/// A failure of `supvisors_breed`; nothing has been written when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BreedError {
    /// The glob pattern cannot be used (the reference raises an exception).
    #[error("invalid pattern {pattern:?}: {reason}")]
    Pattern {
        /// The pattern given with `-p`.
        pattern: String,
        /// Why it is refused.
        reason: String,
    },
    /// A directory of the template tree could not be listed.
    #[error("cannot list {}: {source}", .path.display())]
    List {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template file is not UTF-8 text.
    #[error("{}: not valid UTF-8 text", .path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
    },
    /// A template file is not valid INI as Python's `configparser` reads it.
    #[error("{}: cannot parse:\n{}", .path.display(), render_errors(.errors))]
    Parse {
        /// The file.
        path: PathBuf,
        /// Every problem found in it.
        errors: Vec<ConfigError>,
    },
    /// A template group has no `programs` option to copy.
    #[error("[{section}] in {}: no 'programs' option to duplicate", .path.display())]
    NoPrograms {
        /// The `group:x` section.
        section: String,
        /// The template file holding it.
        path: PathBuf,
    },
    /// A template group's file was replaced by a new file of the same name before the group
    /// was bred (the reference crashes with `StopIteration`).
    #[error("[{section}]: its template file was replaced by a generated file of the same name")]
    LostTemplateFile {
        /// The `group:x` section.
        section: String,
    },
    /// The destination tree cannot hold the result.
    #[error("cannot write {}: {reason}", .path.display())]
    Destination {
        /// The path that cannot be written.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Writing the trace (`-v`) failed.
    #[error("cannot write the trace: {0}")]
    Trace(#[source] std::io::Error),
}

fn render_errors(errors: &[ConfigError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
