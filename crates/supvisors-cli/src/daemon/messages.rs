//! Startup messages queued before the main log exists (the reference's `parse_criticals`,
//! `parse_warnings` and `parse_infos`).

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
