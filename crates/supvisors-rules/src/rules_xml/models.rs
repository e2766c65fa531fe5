//! Loading the fields of an element into rules, and model reference chains (spec
//! `supvisors-core.md` §3.3 and §3.5).
//!
//! Each field is converted on its own as the reference does: a bad value is reported and the
//! value already there (default or model's) is kept.

use std::path::Path;

use supvisors_core::enums::{
    DistributionRules, RunningFailureStrategies, StartingFailureStrategies, StartingStrategies,
    UnknownName,
};
use supvisors_core::rules::{ApplicationRules, ProcessRules};

use super::RulesEngine;
use super::identifiers::{resolve_identifier_list, split_hash};
use super::parse::{ElementDef, FieldText};
use crate::error::ConfigError;

/// Depth budget of a program → model → model chain (`LOOP_CHECK`).
pub const LOOP_CHECK: u32 = 3;

/// Where loaded reports go, tagged with the file of the element being read.
pub(crate) struct Loader<'a> {
    pub engine: &'a RulesEngine,
    pub known: &'a [String],
    pub reports: &'a mut Vec<ConfigError>,
}

impl Loader<'_> {
    fn report(&mut self, path: &Path, field: &FieldText, elt: &ElementDef, problem: String) {
        let err = ConfigError::new(path, problem)
            .at_line(field.line)
            .in_section(format!("{}/{}", elt.label(), field.tag))
            .warning();
        self.reports.push(err);
    }

    fn identifiers(&mut self, path: &Path, elt: &ElementDef) -> Option<(Vec<String>, Vec<String>)> {
        let field = elt.value("identifiers")?;
        let (resolved, unknown) =
            resolve_identifier_list(&field.text, &self.engine.aliases, self.known);
        for name in unknown {
            self.report(
                path,
                field,
                elt,
                format!("SupvisorsMapper.valid: identifier={name} invalid"),
            );
        }
        Some(split_hash(resolved))
    }

    fn sequence(&mut self, path: &Path, elt: &ElementDef, tag: &str, target: &mut i32) {
        let Some(field) = elt.value(tag) else { return };
        match crate::values::integer(&field.text) {
            Ok(v) if v >= 0 => *target = i32::try_from(v).unwrap_or(i32::MAX),
            Ok(v) => {
                let msg = format!(
                    "Parser.load_sequence: invalid value for elt={} {tag}: {v} (expected integer >= 0)",
                    elt.label()
                );
                self.report(path, field, elt, msg);
            }
            Err(_) => {
                let msg = format!(
                    "Parser.load_sequence: not an integer for elt={} {tag}: {}",
                    elt.label(),
                    field.text
                );
                self.report(path, field, elt, msg);
            }
        }
    }

    fn enumeration<T>(
        &mut self,
        path: &Path,
        elt: &ElementDef,
        tag: &str,
        from: impl Fn(&str) -> Result<T, UnknownName>,
        target: &mut T,
    ) {
        let Some(field) = elt.value(tag) else { return };
        match from(&field.text) {
            Ok(v) => *target = v,
            Err(e) => {
                let msg = format!(
                    "Pattern.load_enum: invalid value for {} {tag}: {} (expected in [{}])",
                    elt.label(),
                    field.text,
                    e.expected
                );
                self.report(path, field, elt, msg);
            }
        }
    }

    fn boolean(&mut self, path: &Path, elt: &ElementDef, tag: &str, target: &mut bool) {
        let Some(field) = elt.value(tag) else { return };
        // distutils' strtobool: no trimming, any case.
        match field.text.to_lowercase().as_str() {
            "y" | "yes" | "t" | "true" | "on" | "1" => *target = true,
            "n" | "no" | "f" | "false" | "off" | "0" => *target = false,
            _ => {
                let msg = format!(
                    "Parser.load_boolean: not a boolean-like for {} {tag}: {}",
                    elt.label(),
                    field.text
                );
                self.report(path, field, elt, msg);
            }
        }
    }

    fn expected_loading(&mut self, path: &Path, elt: &ElementDef, target: &mut u8) {
        let Some(field) = elt.value("expected_loading") else {
            return;
        };
        let msg = match crate::values::integer(&field.text) {
            Ok(v) if (0..=100).contains(&v) => {
                *target = v as u8;
                return;
            }
            Ok(v) => format!(
                "Parser.load_expected_loading: invalid value for {} expected_loading: {v} \
                 (expected integer in [0;100])",
                elt.label()
            ),
            Err(_) => format!(
                "Parser.load_expected_loading: not an integer for {} expected_loading: {}",
                elt.label(),
                field.text
            ),
        };
        self.report(path, field, elt, msg);
    }

    /// Loads the fields of an `application` element.
    pub fn application(&mut self, path: &Path, elt: &ElementDef, rules: &mut ApplicationRules) {
        rules.managed = true;
        self.enumeration(
            path,
            elt,
            "distribution",
            DistributionRules::from_name,
            &mut rules.distribution,
        );
        if let Some((ids, hash)) = self.identifiers(path, elt) {
            rules.identifiers = ids;
            rules.hash_identifiers = hash;
        }
        self.sequence(path, elt, "start_sequence", &mut rules.start_sequence);
        self.sequence(path, elt, "stop_sequence", &mut rules.stop_sequence);
        self.enumeration(
            path,
            elt,
            "starting_strategy",
            StartingStrategies::from_name,
            &mut rules.starting_strategy,
        );
        self.enumeration(
            path,
            elt,
            "starting_failure_strategy",
            StartingFailureStrategies::from_name,
            &mut rules.starting_failure_strategy,
        );
        self.enumeration(
            path,
            elt,
            "running_failure_strategy",
            RunningFailureStrategies::from_name,
            &mut rules.running_failure_strategy,
        );
    }

    /// Loads a `program` or `model` element with its model chain, budget `loop_check`.
    pub fn program(
        &mut self,
        path: &Path,
        elt: &ElementDef,
        rules: &mut ProcessRules,
        loop_check: u32,
    ) {
        if loop_check == 0 {
            let err = ConfigError::new(
                path,
                format!(
                    "Parser.load_model_rules: Maximum number {LOOP_CHECK} of references reached"
                ),
            )
            .at_line(elt.line)
            .in_section(format!("model[@name='{}']", elt.label()))
            .warning();
            self.reports.push(err);
            return;
        }
        // `findtext('reference')` may be '' and still name a model called ''.
        if let Some(reference) = elt.findtext("reference")
            && let Some((model_path, model)) = self.engine.model(&reference.text)
        {
            self.program(model_path, model, rules, loop_check - 1);
        }
        if let Some((ids, hash)) = self.identifiers(path, elt) {
            // As in the reference, a non-`#` list leaves an inherited hash list in place.
            rules.identifiers = ids;
            if !hash.is_empty() {
                rules.hash_identifiers = hash;
            }
        }
        self.sequence(path, elt, "start_sequence", &mut rules.start_sequence);
        self.sequence(path, elt, "stop_sequence", &mut rules.stop_sequence);
        self.boolean(path, elt, "required", &mut rules.required);
        self.boolean(path, elt, "wait_exit", &mut rules.wait_exit);
        self.expected_loading(path, elt, &mut rules.expected_load);
        self.enumeration(
            path,
            elt,
            "starting_failure_strategy",
            StartingFailureStrategies::from_name,
            &mut rules.starting_failure_strategy,
        );
        self.enumeration(
            path,
            elt,
            "running_failure_strategy",
            RunningFailureStrategies::from_name,
            &mut rules.running_failure_strategy,
        );
    }
}
