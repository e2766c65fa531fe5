//! Tests of the XML walk and the schema checks.

use std::path::Path;

use super::*;

fn errors(text: &str) -> Vec<ConfigError> {
    parse_rules_text(text, Path::new("r.xml")).expect_err("should be invalid")
}

fn first_error(text: &str) -> (u32, String) {
    let errs = errors(text);
    (errs[0].line.unwrap_or(0), errs[0].problem.clone())
}

#[test]
fn valid_document_gives_typed_elements_with_lines() {
    let text = "<root>\n<alias name=\"a\">x, y</alias>\n<model name=\"m\">\n<expected_loading> 5 </expected_loading>\n</model>\n\
                <application name=\"app\"><programs><program pattern=\"p\"/></programs></application>\n</root>";
    let file = parse_rules_text(text, Path::new("r.xml")).expect("valid");
    assert_eq!(file.aliases[0].text, "x, y");
    assert_eq!(file.aliases[0].line, 2);
    assert_eq!(file.models[0].line, 3);
    assert_eq!(
        file.models[0]
            .value("expected_loading")
            .map(|f| (f.text.as_str(), f.line)),
        Some((" 5 ", 4))
    );
    assert_eq!(
        file.applications[0].programs[0].pattern.as_deref(),
        Some("p")
    );
}

#[test]
fn empty_element_text_counts_as_absent_but_findtext_sees_it() {
    let file = parse_rules_text(
        "<root><model name=\"m\"><reference/><identifiers></identifiers></model></root>",
        Path::new("r"),
    )
    .expect("valid");
    let m = &file.models[0];
    assert!(m.findtext("reference").is_some());
    assert!(m.value("reference").is_none() && m.value("identifiers").is_none());
}

#[test]
fn removed_forms_are_schema_errors() {
    let (line, msg) = first_error(
        "<root>\n<application name=\"a\">\n<distributed>true</distributed>\n</application>\n</root>",
    );
    assert_eq!(line, 3);
    assert!(
        msg.contains("'distributed': This element is not expected"),
        "{msg}"
    );
    let (_, msg) =
        first_error("<root><application name=\"a\"><program name=\"p\"/></application></root>");
    assert!(
        msg.contains("'program': This element is not expected"),
        "{msg}"
    );
    let (_, msg) = first_error("<root><model name=\"a\"><addresses>x</addresses></model></root>");
    assert!(msg.contains("'addresses'"), "{msg}");
}

#[test]
fn out_of_range_values_and_bad_names_are_schema_errors() {
    for (body, needle) in [
        ("<start_sequence>200</start_sequence>", "xs:byte"),
        ("<expected_loading>101</expected_loading>", "maxInclusive"),
        ("<required>yes</required>", "xs:boolean"),
        (
            "<running_failure_strategy>RESTART_ALL</running_failure_strategy>",
            "enumeration",
        ),
        ("<start_sequence/>", "xs:byte"),
    ] {
        let (_, msg) = first_error(&format!("<root><model name=\"m\">{body}</model></root>"));
        assert!(msg.contains(needle), "{body}: {msg}");
    }
}

#[test]
fn duplicates_unknown_attributes_and_missing_alias_name() {
    let (_, msg) = first_error(
        "<root><model name=\"m\"><required>1</required><required>0</required></model></root>",
    );
    assert!(
        msg.contains("'required': This element is not expected"),
        "{msg}"
    );
    let (_, msg) = first_error("<root><model nom=\"m\"/></root>");
    assert!(msg.contains("attribute 'nom' is not allowed"), "{msg}");
    let (_, msg) = first_error("<root><alias>a</alias></root>");
    assert!(msg.contains("'name' is required"), "{msg}");
    let (_, msg) = first_error("<other/>");
    assert!(msg.contains("No matching global declaration"), "{msg}");
    let (_, msg) = first_error("<root>text</root>");
    assert!(msg.contains("element-only"), "{msg}");
}

#[test]
fn every_problem_of_a_file_is_reported() {
    let errs = errors("<root>\n<foo/>\n<model name=\"m\">\n<bar/>\n</model>\n</root>");
    let lines: Vec<Option<u32>> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(2), Some(4)]);
    assert_eq!(
        errs[1].section.as_deref(),
        Some("root/model[@name='m']/bar")
    );
}

#[test]
fn billion_laughs_is_refused_without_expansion() {
    let mut text =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE root [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        text.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    text.push_str("]>\n<root><alias name=\"a\">&lol9;</alias></root>");
    let (line, msg) = first_error(&text);
    assert!(msg.contains("not well-formed"), "{msg}");
    assert_eq!(line, 2);
}

#[test]
fn external_entities_are_refused() {
    let text = "<!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><root><alias name=\"a\">&x;</alias></root>";
    assert!(first_error(text).1.contains("not well-formed"));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_before_parsing() {
    let text = format!(
        "<root>\n{}{}</root>",
        "<a x='>'>".repeat(100),
        "</a>".repeat(100)
    );
    let (line, msg) = first_error(&text);
    assert!(msg.contains("nested deeper than 64 levels"), "{msg}");
    assert_eq!(line, 2);
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let text = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<root>\r\n<alias name=\"a\">x</alias>\r\n</root>\r\n";
    let file = parse_rules_text(text, Path::new("r.xml")).expect("valid");
    assert_eq!(file.aliases[0].line, 3);
}
