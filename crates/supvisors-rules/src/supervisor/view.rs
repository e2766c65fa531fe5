//! The merged view of the main file and its includes (Supervisor's single parser object), and
//! a per-section reader that expands, converts and records located errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::expand::{Names, expand};
use crate::ini::{RawEntry, RawIni};
use crate::pystr::repr;

/// One option in the merged view, with the file that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub value: String,
    pub line: u32,
    pub path: PathBuf,
}

/// One section in the merged view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub name: String,
    /// File that first defined the section.
    pub path: PathBuf,
    pub line: u32,
    pub entries: Vec<Entry>,
}

/// All files read so far, merged as `RawConfigParser.read` merges them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct View {
    pub defaults: Vec<Entry>,
    pub sections: Vec<Section>,
    /// Section name → position in `sections`: configurations with thousands of programs
    /// would otherwise spend their time in linear name searches.
    index: HashMap<String, usize>,
}

fn entry(e: &RawEntry, path: &Path) -> Entry {
    Entry {
        key: e.key.clone(),
        value: e.value.clone(),
        line: e.line,
        path: path.to_path_buf(),
    }
}

fn set(entries: &mut Vec<Entry>, e: Entry) {
    match entries.iter_mut().find(|x| x.key == e.key) {
        Some(slot) => *slot = e,
        None => entries.push(e),
    }
}

impl View {
    /// Merges one parsed file: new sections are appended, known ones extended.
    pub fn merge(&mut self, ini: &RawIni) {
        for d in &ini.defaults {
            set(&mut self.defaults, entry(d, &ini.path));
        }
        for s in &ini.sections {
            let idx = match self.index.get(&s.name) {
                Some(&i) => i,
                None => {
                    self.sections.push(Section {
                        name: s.name.clone(),
                        path: ini.path.clone(),
                        line: s.line,
                        entries: Vec::new(),
                    });
                    self.index.insert(s.name.clone(), self.sections.len() - 1);
                    self.sections.len() - 1
                }
            };
            for e in &s.entries {
                set(&mut self.sections[idx].entries, entry(e, &ini.path));
            }
        }
    }

    /// A view holding only `section` and the `[DEFAULT]` entries it falls back to.
    pub fn single(defaults: Vec<Entry>, section: Section) -> Self {
        let mut index = HashMap::new();
        index.insert(section.name.clone(), 0);
        View {
            defaults,
            sections: vec![section],
            index,
        }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.index.get(name).map(|&i| &self.sections[i])
    }

    /// Python's `items(section)`: defaults first, section keys override in place.
    pub fn items(&self, section: &Section) -> Vec<Entry> {
        let mut out = self.defaults.clone();
        for e in &section.entries {
            set(&mut out, e.clone());
        }
        out
    }

    /// `expand_here`: textual `%(here)s` replacement in every section (defaults copied in).
    pub fn expand_here(&mut self, here: &str) {
        const HERE: &str = "%(here)s";
        for i in 0..self.sections.len() {
            let items = self.items(&self.sections[i]);
            for mut e in items {
                if e.value.contains(HERE) {
                    e.value = e.value.replace(HERE, here);
                    set(&mut self.sections[i].entries, e);
                }
            }
        }
    }

    /// Option lookup with `[DEFAULT]` fallback.
    pub fn lookup<'a>(&'a self, section: &'a Section, key: &str) -> Option<&'a Entry> {
        section
            .entries
            .iter()
            .find(|e| e.key == key)
            .or_else(|| self.defaults.iter().find(|e| e.key == key))
    }
}

/// Reads one section: every failure becomes a located [`ConfigError`] and the read yields
/// `None`, so callers keep going and report everything.
pub(crate) struct Reader<'a> {
    pub view: &'a View,
    pub section: &'a Section,
    /// Appended to messages, as `processes_from_section` appends ` in section … (file: …)`.
    pub suffix: String,
    /// Problems found so far.
    pub errors: Vec<ConfigError>,
}

impl<'a> Reader<'a> {
    pub fn new(view: &'a View, section: &'a Section) -> Self {
        Reader {
            view,
            section,
            suffix: String::new(),
            errors: Vec::new(),
        }
    }

    /// Adds the reference's ` in section 'x' (file: 'f')` suffix to every message.
    pub fn with_file_suffix(mut self, file: &Path) -> Self {
        self.suffix = format!(
            " in section {} (file: {})",
            repr(&self.section.name),
            repr(&file.display().to_string())
        );
        self
    }

    pub fn raw(&self, key: &str) -> Option<&'a Entry> {
        self.view.lookup(self.section, key)
    }

    /// Records an error at `key`'s line (or the section header when the key is absent).
    pub fn error(&mut self, key: Option<&str>, problem: String, found: Option<&str>) {
        let at = key.and_then(|k| self.raw(k));
        let path = at.map_or(&self.section.path, |e| &e.path);
        let line = at.map_or(self.section.line, |e| e.line);
        let mut err = ConfigError::new(path, format!("{problem}{}", self.suffix))
            .at_line(line)
            .in_section(self.section.name.as_str());
        err.found = found.map(repr);
        self.errors.push(err);
    }

    /// `saneget` with expansion: the raw or default text expanded with `names`.
    /// `None` when absent with no default, or when expansion failed (error recorded).
    pub fn get(&mut self, key: &str, default: Option<&str>, names: &Names) -> Option<String> {
        let text = self
            .raw(key)
            .map(|e| e.value.clone())
            .or_else(|| default.map(str::to_string))?;
        if !text.contains('%') {
            return Some(text);
        }
        let ctx = format!("{}.{key}", self.section.name);
        match expand(&text, names, &ctx) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.error(Some(key), msg, None);
                None
            }
        }
    }

    /// `saneget` without expansion.
    pub fn get_raw(&self, key: &str, default: Option<&str>) -> Option<String> {
        self.raw(key)
            .map(|e| e.value.clone())
            .or_else(|| default.map(str::to_string))
    }

    /// Gets, expands and converts; `None` after recording an error.
    pub fn typed<T>(
        &mut self,
        key: &str,
        default: &str,
        names: &Names,
        conv: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.get(key, Some(default), names)?;
        self.convert(key, &text, conv)
    }

    /// Converts an already expanded text, recording the error at `key`.
    pub fn convert<T>(
        &mut self,
        key: &str,
        text: &str,
        conv: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match conv(text) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.error(Some(key), msg, Some(text));
                None
            }
        }
    }
}
