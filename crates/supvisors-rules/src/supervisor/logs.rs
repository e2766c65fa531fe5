//! The stdout/stderr options of a process and the reference's log-file warnings.

use super::programs::Common;
use super::view::Reader;
use crate::error::ConfigError;
use crate::expand::{Names, expand};
use crate::values::{self, LogFile};

/// The options of one output stream (stdout or stderr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    /// `*_logfile` (default AUTO).
    pub logfile: LogFile,
    /// `*_logfile_maxbytes` (default 50MB).
    pub logfile_maxbytes: i64,
    /// `*_logfile_backups` (default 10).
    pub logfile_backups: i64,
    /// `*_capture_maxbytes` (default 0).
    pub capture_maxbytes: i64,
    /// `*_events_enabled` (default false).
    pub events_enabled: bool,
    /// `*_syslog` (default false; also set by the deprecated `*_logfile=syslog`).
    pub syslog: bool,
}

pub(crate) fn warning(r: &Reader<'_>, key: &str, problem: String) -> ConfigError {
    let at = r.raw(key);
    ConfigError::new(at.map_or(&r.section.path, |e| &e.path), problem)
        .at_line(at.map_or(r.section.line, |e| e.line))
        .in_section(r.section.name.as_str())
        .warning()
}

pub(crate) fn stream(
    r: &mut Reader<'_>,
    which: &str,
    caps: &(i64, bool),
    exp: &Names,
    common: &Common<'_>,
    warnings: &mut Vec<ConfigError>,
) -> Option<LogConfig> {
    let lf_key = format!("{which}_logfile");
    // Expanded twice: once by the getter, once more explicitly.
    let logfile = match r.get(&lf_key, None, exp) {
        Some(once) => match expand(&once, exp, &lf_key) {
            Ok(twice) => r.convert(&lf_key, &twice, |v| values::logfile_name(v, common.ctx)),
            Err(msg) => {
                r.error(Some(&lf_key), msg, None);
                None
            }
        },
        None if r.raw(&lf_key).is_some() => None,
        None => Some(LogFile::Auto),
    };
    let backups = r.typed(
        &format!("{which}_logfile_backups"),
        "10",
        exp,
        values::integer,
    );
    let maxbytes = r.typed(
        &format!("{which}_logfile_maxbytes"),
        "50MB",
        exp,
        values::byte_size,
    );
    let syslog = r.typed(&format!("{which}_syslog"), "false", exp, values::boolean);
    let mut cfg = LogConfig {
        logfile: logfile?,
        logfile_maxbytes: maxbytes?,
        logfile_backups: backups?,
        capture_maxbytes: caps.0,
        events_enabled: caps.1,
        syslog: syslog?,
    };
    if cfg.logfile == LogFile::Syslog {
        warnings.push(warning(r, &lf_key, format!(
            "For [{}], {lf_key}=syslog but this is deprecated and will be removed.  Use {which}_syslog=true to enable syslog instead.",
            r.section.name
        )));
        cfg.logfile = LogFile::None;
        cfg.syslog = true;
    }
    if cfg.logfile == LogFile::Auto && cfg.logfile_maxbytes == 0 {
        warnings.push(warning(r, &format!("{which}_logfile_maxbytes"), format!(
            "For [{}], AUTO logging used for {lf_key} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally",
            r.section.name
        )));
    }
    Some(cfg)
}
