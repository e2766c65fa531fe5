//! The reference's `rules.xsd`, as tables and value checks.
//!
//! Messages follow libxml2's wording (what lxml prints for the reference) so that users find
//! the same words; they are checked in the walk of `parse.rs`.

/// Names of `DistributionRules` accepted by the schema.
const DISTRIBUTION: &[&str] = &["ALL_INSTANCES", "SINGLE_INSTANCE", "SINGLE_NODE"];
/// Names of `StartingStrategies` accepted by the schema.
const STARTING: &[&str] = &[
    "CONFIG",
    "LESS_LOADED",
    "MOST_LOADED",
    "LOCAL",
    "LESS_LOADED_NODE",
    "MOST_LOADED_NODE",
];
/// Names of `StartingFailureStrategies` accepted by the schema.
const STARTING_FAILURE: &[&str] = &["ABORT", "CONTINUE", "STOP"];
/// Names of `RunningFailureStrategies` accepted by the schema.
const RUNNING_FAILURE: &[&str] = &[
    "CONTINUE",
    "RESTART_PROCESS",
    "STOP_APPLICATION",
    "RESTART_APPLICATION",
    "SHUTDOWN",
    "RESTART",
];

/// Simple types used by the leaf elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SimpleType {
    /// `xs:string`.
    String,
    /// `xs:byte` (-128..=127).
    Byte,
    /// `xs:boolean`.
    Boolean,
    /// `Loading`: `xs:int` in 0..=100.
    Loading,
    /// An enumeration of names.
    Enum(&'static str, &'static [&'static str]),
}

/// Children of `program` and `model` (`ProgramModel`), each at most once, any order.
pub(crate) const PROGRAM_FIELDS: &[(&str, SimpleType)] = &[
    ("reference", SimpleType::String),
    ("identifiers", SimpleType::String),
    ("start_sequence", SimpleType::Byte),
    ("stop_sequence", SimpleType::Byte),
    ("required", SimpleType::Boolean),
    ("wait_exit", SimpleType::Boolean),
    ("expected_loading", SimpleType::Loading),
    (
        "starting_failure_strategy",
        SimpleType::Enum("StartingFailureStrategy", STARTING_FAILURE),
    ),
    (
        "running_failure_strategy",
        SimpleType::Enum("RunningFailureStrategy", RUNNING_FAILURE),
    ),
];

/// Leaf children of `application` (`ApplicationModel`); `programs` is handled apart.
pub(crate) const APPLICATION_FIELDS: &[(&str, SimpleType)] = &[
    (
        "distribution",
        SimpleType::Enum("DistributionRules", DISTRIBUTION),
    ),
    ("identifiers", SimpleType::String),
    ("start_sequence", SimpleType::Byte),
    ("stop_sequence", SimpleType::Byte),
    (
        "starting_strategy",
        SimpleType::Enum("StartingStrategy", STARTING),
    ),
    (
        "starting_failure_strategy",
        SimpleType::Enum("StartingFailureStrategy", STARTING_FAILURE),
    ),
    (
        "running_failure_strategy",
        SimpleType::Enum("RunningFailureStrategy", RUNNING_FAILURE),
    ),
];

/// Attributes allowed on `application`, `program` and `model`.
pub(crate) const NAMING_ATTRIBUTES: &[&str] = &["name", "pattern"];

/// XML Schema whitespace collapse, reduced to what matters for atomic values: trim.
fn collapse(value: &str) -> &str {
    value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

fn integer(value: &str) -> Option<i64> {
    let v = collapse(value);
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Very long digit strings are out of every range we check.
    let parsed = digits.trim_start_matches('0');
    if parsed.len() > 12 {
        return Some(if v.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        });
    }
    let magnitude: i64 = if parsed.is_empty() {
        0
    } else {
        parsed.parse().ok()?
    };
    Some(if v.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

/// Checks a leaf value against its simple type; `Err` is the libxml2-like message.
pub(crate) fn check_value(element: &str, ty: SimpleType, value: &str) -> Result<(), String> {
    let atomic = |type_name: &str| {
        format!(
            "Element '{element}': '{value}' is not a valid value of the atomic type '{type_name}'."
        )
    };
    match ty {
        SimpleType::String => Ok(()),
        SimpleType::Byte => match integer(value) {
            None => Err(atomic("xs:byte")),
            Some(v) if !(-128..=127).contains(&v) => Err(atomic("xs:byte")),
            Some(_) => Ok(()),
        },
        SimpleType::Boolean => match collapse(value) {
            "true" | "false" | "1" | "0" => Ok(()),
            _ => Err(atomic("xs:boolean")),
        },
        SimpleType::Loading => match integer(value) {
            None => Err(atomic("xs:int")),
            Some(v) if v < 0 => Err(format!(
                "Element '{element}': [facet 'minInclusive'] The value '{value}' is less than \
                 the minimum value allowed ('0')."
            )),
            Some(v) if v > 100 => Err(format!(
                "Element '{element}': [facet 'maxInclusive'] The value '{value}' is greater than \
                 the maximum value allowed ('100')."
            )),
            Some(_) => Ok(()),
        },
        SimpleType::Enum(type_name, names) => {
            // xs:string keeps whitespace: ' CONFIG ' is not CONFIG.
            if names.contains(&value) {
                Ok(())
            } else {
                let set: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                Err(format!(
                    "Element '{element}': [facet 'enumeration'] The value '{value}' is not an \
                     element of the set {{{}}} ({type_name}).",
                    set.join(", ")
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_and_lexical_form() {
        assert!(check_value("s", SimpleType::Byte, " 127 ").is_ok());
        assert!(check_value("s", SimpleType::Byte, "-128").is_ok());
        assert!(check_value("s", SimpleType::Byte, "+007").is_ok());
        assert!(check_value("s", SimpleType::Byte, "128").is_err());
        assert!(check_value("s", SimpleType::Byte, "200").is_err());
        assert!(check_value("s", SimpleType::Byte, "1 2").is_err());
        assert!(check_value("s", SimpleType::Byte, "").is_err());
        assert!(check_value("s", SimpleType::Byte, "99999999999999999999999").is_err());
    }

    #[test]
    fn boolean_is_the_xml_schema_one() {
        for ok in ["true", "false", "1", "0", " true\n"] {
            assert!(check_value("r", SimpleType::Boolean, ok).is_ok(), "{ok}");
        }
        for bad in ["yes", "True", "", "on"] {
            assert!(check_value("r", SimpleType::Boolean, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loading_is_0_to_100() {
        assert!(check_value("e", SimpleType::Loading, "100").is_ok());
        let err = check_value("e", SimpleType::Loading, "101").expect_err("should fail");
        assert!(err.contains("maxInclusive"), "{err}");
        assert!(
            check_value("e", SimpleType::Loading, "-1")
                .expect_err("should fail")
                .contains("minInclusive")
        );
        assert!(check_value("e", SimpleType::Loading, "fifty").is_err());
    }

    #[test]
    fn enums_are_exact_names() {
        let ty = APPLICATION_FIELDS[4].1;
        assert!(check_value("starting_strategy", ty, "LESS_LOADED").is_ok());
        assert!(check_value("starting_strategy", ty, "config").is_err());
        assert!(check_value("starting_strategy", ty, " CONFIG").is_err());
    }
}
