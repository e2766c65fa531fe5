//! The raw INI stage: sections, keys, values and line numbers exactly as Python's
//! `configparser` reads them, with no expansion and no typing.
//!
//! Two dialects are mirrored. [`Dialect::Supervisor`] is Supervisor's `UnhosedConfigParser`, a
//! `RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)`: duplicate sections merge
//! and the last duplicate key wins. [`Dialect::ConfigParser`] is a default
//! `configparser.ConfigParser()`: no inline comments, and duplicates are errors.
//!
//! Rules shared by both (Python 3.11 `RawConfigParser._read`): lines end at `\n`, `\r\n` or
//! `\r`; a line whose stripped text starts with `#` or `;` is a comment; `[name]` opens a
//! section (case-sensitive, not stripped inside the brackets, `[DEFAULT]` holds defaults for
//! every section); `key = value` or `key : value` (first delimiter) sets an option whose key
//! is lower-cased; a line indented deeper than its option line continues the value (pieces
//! joined with `\n`, blank lines kept inside, trailing blank lines dropped); a line with no
//! delimiter and text before the first section are errors. This module never panics and keeps
//! going after errors, reporting every bad line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::pystr::{self, is_space};

/// Which Python parser to mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Supervisor's parser: inline `;`/`#` comments after whitespace, duplicates merged.
    Supervisor,
    /// Python's `configparser.ConfigParser()` defaults: no inline comments, duplicates rejected.
    ConfigParser,
}

/// The name of the section whose keys are defaults for every other section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// One parsed INI file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawIni {
    /// The file the text came from.
    pub path: PathBuf,
    /// Keys of `[DEFAULT]`, visible from every section through [`RawIni::get`].
    pub defaults: Vec<RawEntry>,
    /// Sections in first-seen order; repeated headers merged into the first.
    pub sections: Vec<RawSection>,
}

/// One section, with its entries in first-seen key order (Python dict order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSection {
    /// The text between the brackets, unchanged.
    pub name: String,
    /// The file where the section was first seen.
    pub path: PathBuf,
    /// Line of the first header of this section.
    pub line: u32,
    /// Options; a repeated key replaces the value in place and records the new line.
    pub entries: Vec<RawEntry>,
}

/// One option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// Option name, lower-cased.
    pub key: String,
    /// Value, stripped, continuation lines joined with `\n`.
    pub value: String,
    /// Line of the key.
    pub line: u32,
}

impl RawSection {
    /// The entry for `key` (already lower-case), ignoring defaults.
    pub fn get(&self, key: &str) -> Option<&RawEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// Sets `key`, replacing an existing value in place (Python dict semantics).
    pub fn set(&mut self, entry: RawEntry) {
        match self.entries.iter_mut().find(|e| e.key == entry.key) {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
    }
}

impl RawIni {
    /// The section with this exact name (never `DEFAULT`).
    pub fn section(&self, name: &str) -> Option<&RawSection> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Names of the sections, in first-seen order (`DEFAULT` excluded, as Python does).
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    /// The value of `key` in `section`, falling back to `[DEFAULT]` as Python's `get` does.
    pub fn get(&self, section: &str, key: &str) -> Option<&RawEntry> {
        let key = key.to_lowercase();
        self.section(section)?
            .get(&key)
            .or_else(|| self.defaults.iter().rev().find(|e| e.key == key))
    }

    /// All options of `section` as Python's `items(section)` lists them: defaults first, then
    /// the section's own keys, a section key overriding a default in the default's place.
    pub fn items(&self, section: &str) -> Vec<&RawEntry> {
        let Some(sect) = self.section(section) else {
            return Vec::new();
        };
        let mut out: Vec<&RawEntry> = self.defaults.iter().collect();
        for entry in &sect.entries {
            match out.iter_mut().find(|e| e.key == entry.key) {
                Some(slot) => *slot = entry,
                None => out.push(entry),
            }
        }
        out
    }
}

/// Where the next continuation line goes.
enum Target {
    Defaults,
    Section(usize),
}

/// Parses `text` as Python's `configparser` would read the file at `path`.
pub fn parse_ini(text: &str, path: &Path, dialect: Dialect) -> Result<RawIni, Vec<ConfigError>> {
    let mut ini = RawIni {
        path: path.to_path_buf(),
        defaults: Vec::new(),
        sections: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut cursect: Option<Target> = None;
    let mut cur_name = String::new();
    // The option that continuation lines extend: pieces are appended with `\n` as they come,
    // which equals Python's final `'\n'.join(pieces)`.
    let mut cur_opt: Option<String> = None;
    let mut indent_level = 0usize;
    // Hashed look-ups: a configuration of thousands of programs made linear searches the
    // dominant cost of loading it.
    let mut section_index: HashMap<String, usize> = HashMap::new();
    let mut seen_sections: HashSet<String> = HashSet::new();
    let mut seen_options: HashSet<(String, String)> = HashSet::new();
    let mut missing_header_reported = false;

    for (idx, line) in split_lines(text).into_iter().enumerate() {
        let lineno = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let comment_start = comment_start(line, dialect);
        let value = pystr::strip(&line[..comment_start.unwrap_or(line.len())]);
        if value.is_empty() {
            // Blank lines belong to a multi-line value, comment lines do not.
            if comment_start.is_none() {
                extend(&mut ini, cursect.as_ref(), cur_opt.as_deref(), "");
            }
            continue;
        }
        // Python measures the indent in characters (`\S` search), not bytes.
        let cur_indent = line.chars().take_while(|&c| is_space(c)).count();
        if cursect.is_some() && cur_opt.is_some() && cur_indent > indent_level {
            extend(&mut ini, cursect.as_ref(), cur_opt.as_deref(), value);
            continue;
        }
        indent_level = cur_indent;
        if let Some(header) = section_header(value) {
            cur_opt = None;
            cur_name = header.to_string();
            if header == DEFAULT_SECTION {
                cursect = Some(Target::Defaults);
                continue;
            }
            if let Some(&pos) = section_index.get(header) {
                if dialect == Dialect::ConfigParser && seen_sections.contains(header) {
                    errors.push(
                        ConfigError::new(
                            path,
                            format!(
                                "While reading from {} [line {lineno:2}]: section {} already exists",
                                pystr::repr(&path.display().to_string()),
                                pystr::repr(header)
                            ),
                        )
                        .at_line(lineno)
                        .in_section(header),
                    );
                }
                cursect = Some(Target::Section(pos));
            } else {
                ini.sections.push(RawSection {
                    name: header.to_string(),
                    path: path.to_path_buf(),
                    line: lineno,
                    entries: Vec::new(),
                });
                section_index.insert(header.to_string(), ini.sections.len() - 1);
                cursect = Some(Target::Section(ini.sections.len() - 1));
            }
            seen_sections.insert(header.to_string());
            continue;
        }
        let Some(target) = &cursect else {
            if !missing_header_reported {
                missing_header_reported = true;
                errors.push(
                    ConfigError::new(
                        path,
                        format!(
                            "File contains no section headers. file: {}, line: {lineno}",
                            pystr::repr(&path.display().to_string())
                        ),
                    )
                    .at_line(lineno)
                    .expected_found("a [section] header first", pystr::repr(&line_with_nl(line))),
                );
            }
            continue;
        };
        let Some((key, val)) = option_line(value) else {
            errors.push(parsing_error(path, lineno, line, &cur_name));
            continue;
        };
        if key.is_empty() {
            errors.push(parsing_error(path, lineno, line, &cur_name));
        }
        let key = key.to_lowercase();
        if dialect == Dialect::ConfigParser {
            let pair = (cur_name.clone(), key.clone());
            if seen_options.contains(&pair) {
                errors.push(
                    ConfigError::new(
                        path,
                        format!(
                            "While reading from {} [line {lineno:2}]: option {} in section {} already exists",
                            pystr::repr(&path.display().to_string()),
                            pystr::repr(&key),
                            pystr::repr(&cur_name)
                        ),
                    )
                    .at_line(lineno)
                    .in_section(cur_name.as_str()),
                );
            }
            seen_options.insert(pair);
        }
        // An empty key is stored (after its error) but, being falsy in Python, never takes
        // continuation lines.
        cur_opt = (!key.is_empty()).then(|| key.clone());
        let entry = RawEntry {
            key,
            value: val.to_string(),
            line: lineno,
        };
        match target {
            Target::Defaults => set_entry(&mut ini.defaults, entry),
            Target::Section(i) => {
                if let Some(s) = ini.sections.get_mut(*i) {
                    s.set(entry);
                }
            }
        }
    }

    // Python's final `.rstrip()` of every joined value drops trailing blank lines.
    let join = |e: &mut RawEntry| {
        let trimmed = pystr::rstrip(&e.value).len();
        e.value.truncate(trimmed);
    };
    ini.defaults.iter_mut().for_each(join);
    for s in &mut ini.sections {
        s.entries.iter_mut().for_each(join);
    }
    if errors.is_empty() {
        Ok(ini)
    } else {
        Err(errors)
    }
}

/// Appends one continuation piece to the current option.
fn extend(ini: &mut RawIni, target: Option<&Target>, key: Option<&str>, piece: &str) {
    let (Some(target), Some(key)) = (target, key) else {
        return;
    };
    let entries = match target {
        Target::Defaults => &mut ini.defaults,
        Target::Section(i) => match ini.sections.get_mut(*i) {
            Some(s) => &mut s.entries,
            None => return,
        },
    };
    if let Some(e) = entries.iter_mut().find(|e| e.key == key) {
        e.value.push('\n');
        e.value.push_str(piece);
    }
}

fn set_entry(entries: &mut Vec<RawEntry>, entry: RawEntry) {
    match entries.iter_mut().find(|e| e.key == entry.key) {
        Some(existing) => *existing = entry,
        None => entries.push(entry),
    }
}

fn line_with_nl(line: &str) -> String {
    format!("{line}\n")
}

fn parsing_error(path: &Path, lineno: u32, line: &str, section: &str) -> ConfigError {
    let err = ConfigError::new(
        path,
        format!(
            "Source contains parsing errors: {} [line {lineno:2}]: {}",
            pystr::repr(&path.display().to_string()),
            pystr::repr(&line_with_nl(line))
        ),
    )
    .at_line(lineno)
    .expected_found("'key = value', '[section]' or a comment", pystr::repr(line));
    if section.is_empty() {
        err
    } else {
        err.in_section(section)
    }
}

/// Splits like Python's universal newlines; the terminators are dropped.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Byte offset where a comment starts on this line, if any.
///
/// Mirrors Python's rounds: each round advances every inline prefix to its next occurrence,
/// and the search stops at the first round where some occurrence is at the line start or
/// after whitespace (so a later-qualifying `#` may lose to an earlier-round `;`).
fn comment_start(line: &str, dialect: Dialect) -> Option<usize> {
    let stripped = pystr::strip(line);
    if stripped.starts_with('#') || stripped.starts_with(';') {
        return Some(0);
    }
    if dialect == Dialect::ConfigParser {
        return None;
    }
    let mut prefixes: Vec<(char, Option<usize>)> = vec![(';', None), ('#', None)];
    while !prefixes.is_empty() {
        let mut found: Option<usize> = None;
        let mut next = Vec::new();
        for (prefix, from) in prefixes {
            let begin = from.map_or(0, |i| i + 1);
            let Some(rel) = line.get(begin..).and_then(|rest| rest.find(prefix)) else {
                continue;
            };
            let index = begin + rel;
            next.push((prefix, Some(index)));
            let after_space = line[..index].chars().next_back().is_some_and(is_space);
            if index == 0 || after_space {
                found = Some(found.map_or(index, |f| f.min(index)));
            }
        }
        if found.is_some() {
            return found;
        }
        prefixes = next;
    }
    None
}

/// `[header]` as Python's `\[(?P<header>.+)\]` matches at the start: up to the last `]`.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// `key = value` split at the first `=` or `:`; key right-stripped, value stripped.
fn option_line(value: &str) -> Option<(&str, &str)> {
    let pos = value.find(['=', ':'])?;
    Some((
        pystr::rstrip(&value[..pos]),
        pystr::strip(&value[pos + 1..]),
    ))
}

#[cfg(test)]
#[path = "ini_tests.rs"]
mod tests;
