//! Configuration problems, each with the place where it was found.

use std::fmt;
use std::path::PathBuf;

/// How serious a configuration problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The reference logs it and falls back to a default; we report it and do the same.
    Warning,
    /// The reference refuses to start.
    Error,
}

/// One problem found in a configuration or rules file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// Whether the reference would refuse to start.
    pub severity: Severity,
    /// The file where the problem is.
    pub path: PathBuf,
    /// 1-based line number, when known.
    pub line: Option<u32>,
    /// Section (INI) or element path (XML) where the problem is, when known.
    pub section: Option<String>,
    /// What is wrong, worded as the reference words it where it has a message.
    pub problem: String,
    /// What was expected, when that helps.
    pub expected: Option<String>,
    /// What was found, when that helps.
    pub found: Option<String>,
}

impl ConfigError {
    /// An error at a file, with no line or section yet.
    pub fn new(path: impl Into<PathBuf>, problem: impl Into<String>) -> Self {
        ConfigError {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            section: None,
            problem: problem.into(),
            expected: None,
            found: None,
        }
    }

    /// Sets the line number.
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the section or element path.
    pub fn in_section(mut self, section: impl Into<String>) -> Self {
        self.section = Some(section.into());
        self
    }

    /// Sets what was expected and what was found.
    pub fn expected_found(mut self, expected: impl Into<String>, found: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.found = Some(found.into());
        self
    }

    /// Marks the problem as a warning (the reference falls back to a default).
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(":")?;
        if self.severity == Severity::Warning {
            f.write_str(" warning:")?;
        }
        if let Some(section) = &self.section {
            // Some reference messages already start with the section (`[group:g] names …`).
            if !self.problem.starts_with(&format!("[{section}]")) {
                write!(f, " [{section}]")?;
            }
        }
        write!(f, " {}", self.problem)?;
        match (&self.expected, &self.found) {
            (Some(e), Some(x)) => write!(f, " (expected {e}, found {x})"),
            (Some(e), None) => write!(f, " (expected {e})"),
            (None, Some(x)) => write!(f, " (found {x})"),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_place_problem_and_values() {
        let err = ConfigError::new("/etc/s.conf", "invalid 'autorestart' value 'maybe'")
            .at_line(12)
            .in_section("program:x")
            .expected_found("true, false or unexpected", "'maybe'");
        assert_eq!(
            err.to_string(),
            "/etc/s.conf:12: [program:x] invalid 'autorestart' value 'maybe' \
             (expected true, false or unexpected, found 'maybe')"
        );
    }

    #[test]
    fn section_is_not_repeated_when_the_message_names_it() {
        let err = ConfigError::new(
            "s.conf",
            "[group:g] names unknown program or fcgi-program y",
        )
        .at_line(3)
        .in_section("group:g");
        assert_eq!(
            err.to_string(),
            "s.conf:3: [group:g] names unknown program or fcgi-program y"
        );
    }

    #[test]
    fn warnings_say_so() {
        let err = ConfigError::new("r.xml", "no rules file found").warning();
        assert_eq!(err.to_string(), "r.xml: warning: no rules file found");
    }
}
