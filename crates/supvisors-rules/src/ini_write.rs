//! Editing a [`RawIni`] and writing it back as Python's `ConfigParser.write` does (what
//! `supvisors_breed` uses to produce its files).
//!
//! Output shape (Python 3.11, `space_around_delimiters=True`): `[DEFAULT]` first when it has
//! keys, then each section in order; `key = value` per option with newlines of multi-line
//! values followed by a tab; a blank line after every section.

use std::path::Path;

use crate::ini::{DEFAULT_SECTION, RawEntry, RawIni, RawSection};

impl RawIni {
    /// The section with this exact name, for editing.
    pub fn section_mut(&mut self, name: &str) -> Option<&mut RawSection> {
        self.sections.iter_mut().find(|s| s.name == name)
    }

    /// Adds an empty section at the end (or returns the existing one), as `add_section` does
    /// (which would refuse a duplicate).
    pub fn add_section(&mut self, name: &str) -> &mut RawSection {
        let idx = match self.sections.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                let path = self.path.clone();
                self.sections.push(RawSection {
                    name: name.to_string(),
                    path,
                    line: 0,
                    entries: Vec::new(),
                });
                self.sections.len() - 1
            }
        };
        &mut self.sections[idx]
    }

    /// Removes a section; true when it existed.
    pub fn remove_section(&mut self, name: &str) -> bool {
        let before = self.sections.len();
        self.sections.retain(|s| s.name != name);
        before != self.sections.len()
    }

    /// Sets `key` (lower-cased, as `optionxform` does) in `section`, or in the defaults when the
    /// section is `DEFAULT`; the section is created if needed.
    pub fn set_value(&mut self, section: &str, key: &str, value: &str) {
        let entry = RawEntry {
            key: key.to_lowercase(),
            value: value.to_string(),
            line: 0,
        };
        if section == DEFAULT_SECTION {
            match self.defaults.iter_mut().find(|e| e.key == entry.key) {
                Some(slot) => *slot = entry,
                None => self.defaults.push(entry),
            }
        } else {
            self.add_section(section).set(entry);
        }
    }

    /// The text Python's `ConfigParser.write` produces for this content.
    pub fn to_configparser_string(&self) -> String {
        let mut out = String::new();
        if !self.defaults.is_empty() {
            write_section(&mut out, DEFAULT_SECTION, &self.defaults);
        }
        for s in &self.sections {
            write_section(&mut out, &s.name, &s.entries);
        }
        out
    }

    /// An empty file image, for building output from scratch.
    pub fn empty(path: &Path) -> RawIni {
        RawIni {
            path: path.to_path_buf(),
            defaults: Vec::new(),
            sections: Vec::new(),
        }
    }
}

fn write_section(out: &mut String, name: &str, entries: &[RawEntry]) {
    out.push('[');
    out.push_str(name);
    out.push_str("]\n");
    for e in entries {
        out.push_str(&e.key);
        out.push_str(" = ");
        out.push_str(&e.value.replace('\n', "\n\t"));
        out.push('\n');
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ini::{Dialect, parse_ini};

    fn parse(text: &str) -> RawIni {
        parse_ini(text, Path::new("b.ini"), Dialect::ConfigParser)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn writes_like_configparser() {
        // Python: ConfigParser(interpolation=None); read_string(...); write(...)
        let ini = parse(
            "[DEFAULT]\nd=1\n[program:x]\nCommand = ls\n  -l\nempty=\n[group:g]\nprograms=x\n",
        );
        assert_eq!(
            ini.to_configparser_string(),
            "[DEFAULT]\nd = 1\n\n[program:x]\ncommand = ls\n\t-l\nempty = \n\n[group:g]\nprograms = x\n\n"
        );
    }

    #[test]
    fn written_text_reads_back_the_same() {
        let ini = parse("[a]\nk = v1\n  v2\n\n  v3\n[b]\nx=;y\n");
        let again = parse(&ini.to_configparser_string());
        assert_eq!(again.sections.len(), 2);
        for s in &ini.sections {
            for e in &s.entries {
                assert_eq!(
                    again.get(&s.name, &e.key).map(|x| x.value.as_str()),
                    Some(e.value.as_str())
                );
            }
        }
    }

    #[test]
    fn editing_sections_and_values() {
        let mut ini = RawIni::empty(Path::new("out.ini"));
        ini.set_value("program:a", "Command", "ls");
        ini.set_value("program:a", "command", "cat");
        ini.set_value("DEFAULT", "x", "1");
        ini.add_section("group:g");
        assert!(ini.remove_section("group:g"));
        assert!(!ini.remove_section("group:g"));
        assert_eq!(
            ini.to_configparser_string(),
            "[DEFAULT]\nx = 1\n\n[program:a]\ncommand = cat\n\n"
        );
        if let Some(s) = ini.section_mut("program:a") {
            s.entries.clear();
        }
        assert_eq!(
            ini.get("program:a", "command").map(|e| e.value.clone()),
            None
        );
    }
}
