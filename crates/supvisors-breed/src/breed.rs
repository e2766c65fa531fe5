//! The breeding itself: template files read into one INI model each, `group:x` sections
//! replaced by `group:x_01` … `group:x_NN`, then the content of every file to write.
//!
//! The bookkeeping mirrors the reference's two dictionaries: files (path → model, in the
//! order found, a new file of an existing path replacing its model in place) and groups
//! (section → model, the last file read winning). Models are kept in an arena and referred
//! to by index, so "the same parser object" has a plain meaning.

use std::fs;
use std::io::Write;
use std::path::Path;

use supvisors_rules::ini::{Dialect, RawEntry, RawIni, RawSection, parse_ini};

use crate::error::BreedError;
use crate::glob::glob;
use crate::relpath::RelPath;

/// The prefix of the sections that can be bred.
pub const GROUP_PREFIX: &str = "group:";

/// Template files being bred.
#[derive(Debug, Default)]
pub struct Breed {
    models: Vec<RawIni>,
    /// File path → model, in insertion order.
    files: Vec<(RelPath, usize)>,
    /// `group:x` section → model holding it, in insertion order.
    groups: Vec<(String, usize)>,
}

/// What happens to one file at write time, in the reference's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The file has sections: it is written with this content.
    Write {
        /// Path relative to the destination.
        path: RelPath,
        /// Full text, as Python's `ConfigParser.write` renders it.
        content: String,
    },
    /// The file has no section left: it is skipped.
    Empty {
        /// Path relative to the template folder.
        path: RelPath,
    },
}

impl Breed {
    /// Reads every file of `template` matching `pattern` (step 1 and 2 of the algorithm).
    ///
    /// A path that cannot be opened (a directory matching the pattern, a broken link) gives
    /// an empty file, as `ConfigParser.read` ignores it; a file that is not valid INI is an
    /// error (the reference crashes on it).
    pub fn read(template: &Path, pattern: &str) -> Result<Self, BreedError> {
        let mut breed = Breed::default();
        for rel in glob(template, pattern)? {
            let path = rel.under(template);
            let ini = match fs::read(&path) {
                Ok(bytes) => {
                    let text = String::from_utf8(bytes)
                        .map_err(|_| BreedError::Encoding { path: path.clone() })?;
                    parse_ini(&text, &path, Dialect::ConfigParser)
                        .map_err(|errors| BreedError::Parse { path, errors })?
                }
                Err(_) => RawIni {
                    path,
                    defaults: Vec::new(),
                    sections: Vec::new(),
                },
            };
            let model = breed.models.len();
            for name in ini.section_names() {
                if name.starts_with(GROUP_PREFIX) {
                    insert(&mut breed.groups, name.to_string(), model);
                }
            }
            breed.models.push(ini);
            insert(&mut breed.files, rel, model);
        }
        Ok(breed)
    }

    /// Whether no file matched the pattern.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files found, in order.
    pub fn files(&self) -> impl Iterator<Item = &RelPath> {
        self.files.iter().map(|(path, _)| path)
    }

    /// The group sections found, in order.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(name, _)| name.as_str())
    }

    /// Replaces each known `group:x` of `breeds` (section name, count) by `count` copies
    /// holding only its `programs` value, in the template's file or, with `extra`, each in a
    /// new file next to it (step 3 and 4). Unknown groups are skipped, as the reference does,
    /// and returned so that the caller can say so. Trace lines go to `trace` when given.
    pub fn breed(
        &mut self,
        breeds: &[(String, u32)],
        extra: bool,
        mut trace: Option<&mut dyn Write>,
    ) -> Result<Vec<String>, BreedError> {
        let mut skipped = Vec::new();
        for (group, count) in breeds {
            let Some(template) = lookup(&self.groups, group) else {
                skipped.push(group.clone());
                continue;
            };
            let programs = self.models[template]
                .get(group, "programs")
                .map(|e| e.value.clone())
                .ok_or_else(|| BreedError::NoPrograms {
                    section: group.clone(),
                    path: self.models[template].path.clone(),
                })?;
            for idx in 1..=*count {
                let section = format!("{group}_{idx:02}");
                let target = if extra {
                    let (model, path) = self.new_file(&section, template)?;
                    if let Some(out) = trace.as_deref_mut() {
                        writeln!(out, "New File: {path}").map_err(BreedError::Trace)?;
                    }
                    model
                } else {
                    template
                };
                set_section(&mut self.models[target], &section, &programs);
                if let Some(out) = trace.as_deref_mut() {
                    writeln!(out, "New [{section}]").map_err(BreedError::Trace)?;
                }
            }
            self.models[template].sections.retain(|s| &s.name != group);
        }
        Ok(skipped)
    }

    /// What to write, file by file, in the reference's order (step 5).
    pub fn outputs(&self) -> Vec<Output> {
        self.files
            .iter()
            .map(|(path, model)| {
                let ini = &self.models[*model];
                if ini.sections.is_empty() {
                    Output::Empty { path: path.clone() }
                } else {
                    Output::Write {
                        path: path.clone(),
                        content: render(ini),
                    }
                }
            })
            .collect()
    }

    /// Creates the model of a new file for `section`, next to the template's file.
    fn new_file(&mut self, section: &str, template: usize) -> Result<(usize, RelPath), BreedError> {
        let model = self.models.len();
        insert(&mut self.groups, section.to_string(), model);
        let Some((template_path, _)) = self.files.iter().find(|(_, m)| *m == template) else {
            return Err(BreedError::LostTemplateFile {
                section: section.to_string(),
            });
        };
        let path = template_path.sibling(&format!("{}.ini", section.replace(':', "_")));
        let base = self.models[template].path.parent().map(Path::to_path_buf);
        self.models.push(RawIni {
            path: base.unwrap_or_default().join(path.to_string()),
            defaults: Vec::new(),
            sections: Vec::new(),
        });
        insert(&mut self.files, path.clone(), model);
        Ok((model, path))
    }
}

/// Python's `parser[section] = {'programs': programs}`: an existing section is emptied in
/// place, otherwise one is appended.
fn set_section(ini: &mut RawIni, section: &str, programs: &str) {
    let entries = vec![RawEntry {
        key: "programs".to_string(),
        value: programs.to_string(),
        line: 0,
    }];
    match ini.sections.iter_mut().find(|s| s.name == section) {
        Some(existing) => existing.entries = entries,
        None => ini.sections.push(RawSection {
            name: section.to_string(),
            path: ini.path.clone(),
            line: 0,
            entries,
        }),
    }
}

/// Python's `ConfigParser.write` with `space_around_delimiters=True`.
pub fn render(ini: &RawIni) -> String {
    let mut text = String::new();
    let mut section = |name: &str, entries: &[RawEntry]| {
        text.push_str(&format!("[{name}]\n"));
        for e in entries {
            text.push_str(&format!("{} = {}\n", e.key, e.value.replace('\n', "\n\t")));
        }
        text.push('\n');
    };
    if !ini.defaults.is_empty() {
        section(supvisors_rules::ini::DEFAULT_SECTION, &ini.defaults);
    }
    for s in &ini.sections {
        section(&s.name, &s.entries);
    }
    text
}

/// Python dict assignment: replace in place or append.
fn insert<K: PartialEq>(map: &mut Vec<(K, usize)>, key: K, value: usize) {
    match map.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => map.push((key, value)),
    }
}

fn lookup(map: &[(String, usize)], key: &str) -> Option<usize> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

#[cfg(test)]
#[path = "breed_tests.rs"]
mod tests;
