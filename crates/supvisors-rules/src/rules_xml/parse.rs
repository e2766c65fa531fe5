//! One rules file: XML text → typed elements, validated against the reference schema.
//!
//! Walks the `roxmltree` document top-down and never deeper than the schema allows, so the
//! depth of the walk is bounded whatever the input. DTDs are refused (no entity expansion at
//! all, hence no billion laughs and no external entities), and the node count is capped.

use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use super::limits::{DEPTH_LIMIT, NODES_LIMIT, too_deep};
use super::schema::{
    APPLICATION_FIELDS, NAMING_ATTRIBUTES, PROGRAM_FIELDS, SimpleType, check_value,
};
use crate::error::ConfigError;

/// The text of a leaf element and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldText {
    /// Element name (`start_sequence`, `identifiers`…).
    pub tag: &'static str,
    /// Text before the first child node, as ElementTree's `.text` gives it.
    pub text: String,
    /// 1-based line of the element.
    pub line: u32,
}

/// A `program` or `model` element, or the leaf part of an `application`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ElementDef {
    /// `name` attribute.
    pub name: Option<String>,
    /// `pattern` attribute.
    pub pattern: Option<String>,
    /// 1-based line of the element.
    pub line: u32,
    /// Leaf children in document order (each tag at most once once validated).
    pub fields: Vec<FieldText>,
}

impl ElementDef {
    /// ElementTree's `findtext(tag)`: the text of the first child with this tag, if any.
    pub fn findtext(&self, tag: &str) -> Option<&FieldText> {
        self.fields.iter().find(|f| f.tag == tag)
    }

    /// `findtext` treated as the reference does with `if value:`: empty text is absent.
    pub fn value(&self, tag: &str) -> Option<&FieldText> {
        self.findtext(tag).filter(|f| !f.text.is_empty())
    }

    /// The name or, failing it, the pattern (the reference's `get_element_name`).
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .or(self.pattern.as_deref())
            .unwrap_or("")
    }
}

/// An `application` element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ApplicationDef {
    /// Attributes and leaf children.
    pub element: ElementDef,
    /// `programs/program` children in document order.
    pub programs: Vec<ElementDef>,
}

/// An `alias` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AliasDef {
    /// `name` attribute.
    pub name: String,
    /// Text of the element.
    pub text: String,
    /// 1-based line.
    pub line: u32,
}

/// Everything the reference reads from one rules file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RulesFile {
    /// The file.
    pub path: PathBuf,
    /// `alias` elements with a `name`.
    pub aliases: Vec<AliasDef>,
    /// `model` elements (with or without `name`).
    pub models: Vec<ElementDef>,
    /// `application` elements.
    pub applications: Vec<ApplicationDef>,
}

struct Walker<'a> {
    /// Byte offset of the start of each line: `Document::text_pos_at` rescans the text from
    /// the start at each call, which made large files quadratic.
    line_starts: Vec<usize>,
    path: &'a Path,
    errors: Vec<ConfigError>,
}

/// Parses and validates one rules file; `Err` lists every schema problem with its line.
pub(crate) fn parse_rules_text(text: &str, path: &Path) -> Result<RulesFile, Vec<ConfigError>> {
    if let Some(line) = too_deep(text) {
        let problem =
            format!("XML not well-formed: elements nested deeper than {DEPTH_LIMIT} levels");
        return Err(vec![ConfigError::new(path, problem).at_line(line)]);
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(roxmltree::Error::DtdDetected) => {
            // roxmltree reports no position here; point at the DOCTYPE ourselves.
            let offset = text.find("<!DOCTYPE").unwrap_or(0);
            let line = text[..offset].matches('\n').count() as u32 + 1;
            let err = ConfigError::new(
                path,
                "XML not well-formed: DTDs and entities are not allowed",
            )
            .at_line(line)
            .expected_found("no <!DOCTYPE>", "<!DOCTYPE ...>");
            return Err(vec![err]);
        }
        Err(err) => {
            let pos = err.pos();
            return Err(vec![
                ConfigError::new(path, format!("XML not well-formed: {err}")).at_line(pos.row),
            ]);
        }
    };
    let line_starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let mut walker = Walker {
        line_starts,
        path,
        errors: Vec::new(),
    };
    let file = walker.root(doc.root_element());
    if walker.errors.is_empty() {
        Ok(RulesFile {
            path: path.to_path_buf(),
            ..file
        })
    } else {
        Err(walker.errors)
    }
}

/// Text before the first child node (ElementTree `.text`), and all text (schema value).
fn texts(node: Node<'_, '_>) -> (String, String) {
    let leading: String = node
        .children()
        .take_while(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let all: String = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    (leading, all)
}

impl Walker<'_> {
    fn line(&self, node: Node<'_, '_>) -> u32 {
        let offset = node.range().start;
        let index = self.line_starts.partition_point(|&start| start <= offset);
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    fn error(&mut self, node: Node<'_, '_>, problem: String) {
        let element = element_path(node);
        let err = ConfigError::new(self.path, problem)
            .at_line(self.line(node))
            .in_section(element);
        self.errors.push(err);
    }

    /// Rejects namespaces, unknown attributes and a missing required attribute.
    fn check_attributes(&mut self, node: Node<'_, '_>, allowed: &[&str], required: Option<&str>) {
        for attr in node.attributes() {
            if attr.namespace().is_some() || !allowed.contains(&attr.name()) {
                let msg = format!(
                    "Element '{}', attribute '{}': The attribute '{}' is not allowed.",
                    node.tag_name().name(),
                    attr.name(),
                    attr.name()
                );
                self.error(node, msg);
            }
        }
        if let Some(req) = required
            && node.attribute(req).is_none()
        {
            let msg = format!(
                "Element '{}': The attribute '{req}' is required but missing.",
                node.tag_name().name()
            );
            self.error(node, msg);
        }
    }

    /// Element-only content: no text other than whitespace.
    fn check_no_text(&mut self, node: Node<'_, '_>) {
        let stray = node
            .children()
            .any(|c| c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty()));
        if stray {
            let msg = format!(
                "Element '{}': Character content other than whitespace is not allowed because \
                 the content type is 'element-only'.",
                node.tag_name().name()
            );
            self.error(node, msg);
        }
    }

    fn unexpected(&mut self, child: Node<'_, '_>, expected: &str) {
        let msg = format!(
            "Element '{}': This element is not expected.",
            child.tag_name().name()
        );
        let err = ConfigError::new(self.path, msg)
            .at_line(self.line(child))
            .in_section(element_path(child))
            .expected_found(
                expected.to_owned(),
                format!("<{}>", child.tag_name().name()),
            );
        self.errors.push(err);
    }

    fn root(&mut self, node: Node<'_, '_>) -> RulesFile {
        let mut file = RulesFile::default();
        if node.tag_name().name() != "root" || node.tag_name().namespace().is_some() {
            let msg = format!(
                "Element '{}': No matching global declaration available for the validation root.",
                node.tag_name().name()
            );
            self.error(node, msg);
            return file;
        }
        self.check_attributes(node, &[], None);
        self.check_no_text(node);
        for child in node.children().filter(Node::is_element) {
            match (child.tag_name().namespace(), child.tag_name().name()) {
                (None, "alias") => {
                    if let Some(alias) = self.alias(child) {
                        file.aliases.push(alias);
                    }
                }
                (None, "model") => file.models.push(self.program(child)),
                (None, "application") => file.applications.push(self.application(child)),
                _ => self.unexpected(child, "<alias>, <model> or <application>"),
            }
        }
        file
    }

    fn alias(&mut self, node: Node<'_, '_>) -> Option<AliasDef> {
        self.check_attributes(node, &["name"], Some("name"));
        if node.children().any(|c| c.is_element()) {
            let msg = "Element 'alias': Element content is not allowed, because the content type \
                       is a simple type definition."
                .to_owned();
            self.error(node, msg);
        }
        let (text, _) = texts(node);
        let line = self.line(node);
        node.attribute("name").map(|name| AliasDef {
            name: name.to_owned(),
            text,
            line,
        })
    }

    /// Leaf children of `program`/`model`/`application`; `programs` goes to `on_other`.
    fn fields(
        &mut self,
        node: Node<'_, '_>,
        table: &[(&'static str, SimpleType)],
        mut on_other: impl FnMut(&mut Self, Node<'_, '_>) -> bool,
    ) -> ElementDef {
        self.check_attributes(node, NAMING_ATTRIBUTES, None);
        self.check_no_text(node);
        let mut def = ElementDef {
            name: node.attribute("name").map(str::to_owned),
            pattern: node.attribute("pattern").map(str::to_owned),
            line: self.line(node),
            fields: Vec::new(),
        };
        let mut seen: Vec<&str> = Vec::new();
        for child in node.children().filter(Node::is_element) {
            let tag = child.tag_name().name();
            let known = table
                .iter()
                .find(|(t, _)| *t == tag)
                .filter(|_| child.tag_name().namespace().is_none());
            let Some((tag, ty)) = known.copied() else {
                if !on_other(self, child) {
                    let names: Vec<&str> = table.iter().map(|(t, _)| *t).collect();
                    self.unexpected(child, &names.join(", "));
                }
                continue;
            };
            if seen.contains(&tag) {
                self.unexpected(child, &format!("<{tag}> at most once"));
                continue;
            }
            seen.push(tag);
            self.check_attributes(child, &[], None);
            if child.children().any(|c| c.is_element()) {
                let msg = format!(
                    "Element '{tag}': Element content is not allowed, because the content type \
                     is a simple type definition."
                );
                self.error(child, msg);
                continue;
            }
            let (text, all) = texts(child);
            if let Err(msg) = check_value(tag, ty, &all) {
                self.error(child, msg);
            }
            def.fields.push(FieldText {
                tag,
                text,
                line: self.line(child),
            });
        }
        def
    }

    fn program(&mut self, node: Node<'_, '_>) -> ElementDef {
        self.fields(node, PROGRAM_FIELDS, |_, _| false)
    }

    fn application(&mut self, node: Node<'_, '_>) -> ApplicationDef {
        let mut programs = Vec::new();
        let mut seen_programs = false;
        let element = self.fields(node, APPLICATION_FIELDS, |walker, child| {
            if child.tag_name().name() != "programs" || child.tag_name().namespace().is_some() {
                return false;
            }
            if seen_programs {
                walker.unexpected(child, "<programs> at most once");
                return true;
            }
            seen_programs = true;
            walker.check_attributes(child, &[], None);
            walker.check_no_text(child);
            for prg in child.children().filter(Node::is_element) {
                if prg.tag_name().name() == "program" && prg.tag_name().namespace().is_none() {
                    programs.push(walker.program(prg));
                } else {
                    walker.unexpected(prg, "<program>");
                }
            }
            true
        });
        ApplicationDef { element, programs }
    }
}

/// `root/application[name]/programs/program[pattern]`-like path of an element, for reports.
fn element_path(node: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| {
            let tag = n.tag_name().name();
            match (n.attribute("name"), n.attribute("pattern")) {
                (Some(name), _) => format!("{tag}[@name='{name}']"),
                (None, Some(p)) => format!("{tag}[@pattern='{p}']"),
                _ => tag.to_owned(),
            }
        })
        .collect();
    parts.reverse();
    parts.join("/")
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
