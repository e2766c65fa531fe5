//! Startup messages queued before the main log exists (the reference's `parse_criticals`,
//! `parse_warnings` and `parse_infos`), and the placeholder log that prints them until the
//! real main log takes over.

use std::io::Write as _;

use supvisors_rules::values::LogLevel;

/// Messages gathered while starting, printed once the main log is open: criticals first,
/// then warnings, then infos, each group in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupMessages {
    /// CRIT lines (e.g. running as root without `user`).
    pub criticals: Vec<String>,
    /// WARN lines (configuration problems the reference tolerates).
    pub warnings: Vec<String>,
    /// INFO lines (`Set uid to user 0 succeeded`, `Increased RLIMIT_NOFILE limit to 1024`).
    pub infos: Vec<String>,
}

impl StartupMessages {
    /// The messages in the order the reference logs them, with their levels.
    pub fn in_log_order(&self) -> Vec<(LogLevel, &str)> {
        let mut out: Vec<(LogLevel, &str)> = Vec::new();
        out.extend(
            self.criticals
                .iter()
                .map(|m| (LogLevel::Critical, m.as_str())),
        );
        out.extend(self.warnings.iter().map(|m| (LogLevel::Warn, m.as_str())));
        out.extend(self.infos.iter().map(|m| (LogLevel::Info, m.as_str())));
        out
    }
}

/// The four-letter level code of the main log (`INFO`, `WARN`, `CRIT`, …).
pub fn level_code(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Critical => "CRIT",
        LogLevel::Error => "ERRO",
        LogLevel::Warn => "WARN",
        LogLevel::Info => "INFO",
        LogLevel::Debug => "DEBG",
        LogLevel::Trace => "TRAC",
        LogLevel::Blather => "BLAT",
    }
}

/// One main log line: `2026-11-24 03:33:37,347 INFO message\n`, local time.
pub fn format_line(now: chrono::DateTime<chrono::Local>, level: LogLevel, message: &str) -> String {
    format!(
        "{} {} {message}\n",
        now.format("%Y-%m-%d %H:%M:%S,%3f"),
        level_code(level)
    )
}

/// A stand-in for the main log until the lead's logger exists: lines at or above `level` go
/// to stdout when `to_stdout` (nodaemon and not silent), nowhere otherwise.
#[derive(Debug, Clone, Copy)]
pub struct PlaceholderLog {
    /// The configured `loglevel`.
    pub level: LogLevel,
    /// Whether lines are copied to stdout.
    pub to_stdout: bool,
}

impl PlaceholderLog {
    /// Writes one line; a closed stdout is not an error worth stopping the daemon for.
    pub fn log(&self, level: LogLevel, message: &str) {
        if level < self.level || !self.to_stdout {
            return;
        }
        let line = format_line(chrono::Local::now(), level, message);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn queued_messages_come_criticals_then_warnings_then_infos() {
        let messages = StartupMessages {
            criticals: vec!["c".into()],
            warnings: vec!["w1".into(), "w2".into()],
            infos: vec!["i".into()],
        };
        assert_eq!(
            messages.in_log_order(),
            vec![
                (LogLevel::Critical, "c"),
                (LogLevel::Warn, "w1"),
                (LogLevel::Warn, "w2"),
                (LogLevel::Info, "i"),
            ]
        );
    }

    #[test]
    fn lines_have_the_reference_format_with_padded_milliseconds() {
        let at = chrono::Local
            .with_ymd_and_hms(2026, 11, 24, 3, 33, 37)
            .single()
            .expect("an unambiguous local time")
            + chrono::Duration::milliseconds(7);
        assert_eq!(
            format_line(at, LogLevel::Info, "supervisord started with pid 7585"),
            "2026-11-24 03:33:37,007 INFO supervisord started with pid 7585\n"
        );
    }
}
