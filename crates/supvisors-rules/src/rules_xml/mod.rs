//! The Supvisors XML rules files (spec `supvisors-core.md` §3): loading, validation against
//! the reference schema, and the tables used to find the rules of applications and programs.
//!
//! Inputs: the sorted rules files of the `rules_files` option. Output: a [`RulesEngine`], or
//! every problem found when any file is unreadable, malformed or schema-invalid (the
//! reference then runs with no rules at all). Resolution against the instances and the local
//! processes is in [`resolve`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;

mod identifiers;
mod limits;
mod lookup;
mod models;
mod parse;
pub mod resolve;
mod schema;

pub use models::LOOP_CHECK;
pub use resolve::{LocalProcess, ResolvedRules, resolve_rules};

use identifiers::Aliases;
use lookup::{PatternEntry, best_pattern, compile_pattern, insert_pattern};
use parse::{ApplicationDef, ElementDef, RulesFile, parse_rules_text};

/// Index of an application element: (file, application) positions.
type AppRef = (usize, usize);

/// Rules loaded from all the rules files, ready for look-ups.
#[derive(Debug, Clone)]
pub struct RulesEngine {
    files: Vec<RulesFile>,
    aliases: Aliases,
    /// Model name → (file, model) of its last definition.
    models: HashMap<String, (usize, usize)>,
    application_patterns: Vec<PatternEntry<AppRef>>,
    program_patterns: HashMap<AppRef, Vec<PatternEntry<usize>>>,
}

/// Loads every rules file in the given order (the sorted `rules_files`); any problem in any
/// file makes the whole engine unavailable, and every problem found is returned.
pub fn load_rules(files: &[PathBuf]) -> Result<RulesEngine, Vec<ConfigError>> {
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let text = std::fs::read(path)
            .map_err(|err| err.to_string())
            .and_then(decode);
        match text {
            Ok(text) => match parse_rules_text(&text, path) {
                Ok(file) => parsed.push(file),
                Err(mut errs) => errors.append(&mut errs),
            },
            Err(err) => errors.push(ConfigError::new(
                path,
                format!("cannot read rules file: {err}"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    RulesEngine::build(parsed)
}

/// The rules engine the options ask for, as the reference builds it at start-up: `None` when
/// `rules_files` is unset or when any file is unreadable or invalid (the reference then warns
/// `cannot parse rules files` and runs without rules, so the problems come back as warnings).
pub fn rules_engine_for(
    options: &crate::supvisors_options::SupvisorsOptions,
) -> (Option<RulesEngine>, Vec<ConfigError>) {
    let Some(files) = &options.rules_files else {
        return (None, Vec::new());
    };
    match load_rules(files) {
        Ok(engine) => (Some(engine), Vec::new()),
        Err(errors) => {
            let reports = errors
                .into_iter()
                .map(|e| {
                    let problem = format!("Supvisors: cannot parse rules files: {}", e.problem);
                    ConfigError { problem, ..e }.warning()
                })
                .collect();
            (None, reports)
        }
    }
}

/// Decodes a rules file: ISO-8859-1 when its XML declaration says so (users of the reference
/// may have such files), UTF-8 otherwise.
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_lowercase();
    let body = head.strip_prefix('\u{feff}').unwrap_or(&head);
    let declared = if body.starts_with("<?xml") {
        body.split("?>").next().unwrap_or_default()
    } else {
        ""
    };
    let latin1 = ["iso-8859-1", "iso8859-1", "latin-1", "latin1"]
        .iter()
        .any(|name| {
            declared.contains(&format!("encoding=\"{name}\""))
                || declared.contains(&format!("encoding='{name}'"))
        });
    if latin1 {
        // Every byte is the code point of the same value; the declaration must not be re-read
        // by roxmltree as a mismatch, and it is not (roxmltree ignores `encoding`).
        return Ok(bytes.iter().map(|&b| char::from(b)).collect());
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))
}

/// Loads one rules file from memory (used by the fuzz target and tests).
pub fn load_rules_from_str(text: &str, path: &Path) -> Result<RulesEngine, Vec<ConfigError>> {
    RulesEngine::build(vec![parse_rules_text(text, path)?])
}

impl RulesEngine {
    /// Builds the look-up tables; `Err` lists the patterns that are not valid regexes.
    fn build(files: Vec<RulesFile>) -> Result<Self, Vec<ConfigError>> {
        let mut engine = RulesEngine {
            files: Vec::new(),
            aliases: Vec::new(),
            models: HashMap::new(),
            application_patterns: Vec::new(),
            program_patterns: HashMap::new(),
        };
        let mut errors = Vec::new();
        for (f, file) in files.iter().enumerate() {
            // Aliases with no text are skipped, as `if element.text` does.
            for alias in file.aliases.iter().filter(|a| !a.text.is_empty()) {
                let items = crate::values::list_of_strings(&alias.text);
                match engine.aliases.iter_mut().find(|(n, _)| *n == alias.name) {
                    Some(existing) => existing.1 = items,
                    None => engine.aliases.push((alias.name.clone(), items)),
                }
            }
            for (m, model) in file.models.iter().enumerate() {
                if let Some(name) = &model.name {
                    engine.models.insert(name.clone(), (f, m));
                }
            }
            for (a, app) in file.applications.iter().enumerate() {
                if let Some(pattern) = &app.element.pattern {
                    match compile_pattern(pattern) {
                        Ok(regex) => insert_pattern(
                            &mut engine.application_patterns,
                            PatternEntry {
                                pattern: pattern.clone(),
                                regex,
                                target: (f, a),
                            },
                        ),
                        Err(e) => errors.push(bad_pattern(&file.path, &app.element, pattern, &e)),
                    }
                }
                for (p, program) in app.programs.iter().enumerate() {
                    let Some(pattern) = &program.pattern else {
                        continue;
                    };
                    match compile_pattern(pattern) {
                        Ok(regex) => insert_pattern(
                            engine.program_patterns.entry((f, a)).or_default(),
                            PatternEntry {
                                pattern: pattern.clone(),
                                regex,
                                target: p,
                            },
                        ),
                        Err(e) => errors.push(bad_pattern(&file.path, program, pattern, &e)),
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        engine.files = files;
        Ok(engine)
    }

    /// The files loaded, in precedence order.
    pub fn files(&self) -> Vec<&Path> {
        self.files.iter().map(|f| f.path.as_path()).collect()
    }

    /// The model with this name (last definition wins), with its file.
    fn model(&self, name: &str) -> Option<(&Path, &ElementDef)> {
        let (f, m) = *self.models.get(name)?;
        let file = self.files.get(f)?;
        Some((file.path.as_path(), file.models.get(m)?))
    }

    /// The application element for a group: exact name in file order, else best pattern.
    fn application(&self, name: &str) -> Option<(AppRef, &Path, &ApplicationDef)> {
        let exact = self.files.iter().enumerate().find_map(|(f, file)| {
            let a = file
                .applications
                .iter()
                .position(|app| app.element.name.as_deref() == Some(name))?;
            Some((f, a))
        });
        let (f, a) =
            exact.or_else(|| best_pattern(name, &self.application_patterns).map(|e| e.target))?;
        let file = self.files.get(f)?;
        Some(((f, a), file.path.as_path(), file.applications.get(a)?))
    }

    /// The program element for a process inside the element chosen for its group.
    fn program(&self, group: &str, process: &str) -> Option<(&Path, &ElementDef)> {
        let (app_ref, path, app) = self.application(group)?;
        if let Some(p) = app
            .programs
            .iter()
            .find(|p| p.name.as_deref() == Some(process))
        {
            return Some((path, p));
        }
        let patterns = self.program_patterns.get(&app_ref)?;
        let entry = best_pattern(process, patterns)?;
        Some((path, app.programs.get(entry.target)?))
    }

    /// The name or pattern of the element matched for an application, if any.
    pub fn application_element_label(&self, name: &str) -> Option<String> {
        self.application(name)
            .map(|(_, _, app)| app.element.label().to_owned())
    }

    /// The name or pattern of the element matched for a process, if any.
    pub fn program_element_label(&self, group: &str, process: &str) -> Option<String> {
        self.program(group, process)
            .map(|(_, p)| p.label().to_owned())
    }
}

fn bad_pattern(path: &Path, elt: &ElementDef, pattern: &str, err: &str) -> ConfigError {
    let first_line = err.lines().last().unwrap_or(err).trim().to_owned();
    ConfigError::new(
        path,
        format!("invalid regular expression in pattern '{pattern}'"),
    )
    .at_line(elt.line)
    .in_section(format!("[@pattern='{pattern}']"))
    .expected_found("a regular expression (regex crate syntax)", first_line)
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
