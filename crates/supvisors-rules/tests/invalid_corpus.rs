//! Every file of `tests/invalid/` must be refused with the error its `.expect` sidecar names
//! (`line:substring`), and never make the loader panic.

mod common;

use std::path::{Path, PathBuf};

use supvisors_rules::error::{ConfigError, Severity};
use supvisors_rules::rules_xml::{load_rules, load_rules_from_str};

fn corpus(kind: &str, ext: &str) -> Vec<(PathBuf, u32, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid")
        .join(kind);
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some(ext) {
            continue;
        }
        let expect = std::fs::read_to_string(path.with_extension("expect"))
            .unwrap_or_else(|_| panic!("missing .expect for {}", path.display()));
        let (line, needle) = expect.trim_end().split_once(':').expect("line:substring");
        cases.push((path, line.parse().expect("line number"), needle.to_owned()));
    }
    cases.sort();
    cases
}

fn assert_reported(path: &Path, errors: &[ConfigError], line: u32, needle: &str) {
    let found = errors.iter().any(|e| {
        e.line == Some(line) && e.severity == Severity::Error && e.to_string().contains(needle)
    });
    assert!(
        found,
        "{}: expected line {line} with {needle:?}, got {errors:#?}",
        path.display()
    );
}

#[test]
fn invalid_rules_files_are_refused_with_their_error() {
    let cases = corpus("rules", "xml");
    assert!(cases.len() >= 18, "corpus has {} rules files", cases.len());
    for (path, line, needle) in &cases {
        let errors = load_rules(std::slice::from_ref(path)).expect_err(&path.display().to_string());
        assert_reported(path, &errors, *line, needle);
        assert!(
            errors.iter().all(|e| e.path == *path),
            "errors name their file"
        );
        let text = std::fs::read_to_string(path).expect("readable");
        let errors = load_rules_from_str(&text, path).expect_err("from_str refuses it too");
        assert_reported(path, &errors, *line, needle);
    }
}

#[test]
fn one_invalid_file_discards_every_rules_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let good = dir.join("fixtures/reference/my_movies.xml");
    assert!(load_rules(std::slice::from_ref(&good)).is_ok());
    let bad = dir.join("invalid/rules/boolean_yes.xml");
    let other_bad = dir.join("invalid/rules/removed_distributed.xml");
    let errors = load_rules(&[good, bad.clone(), other_bad.clone()]).expect_err("all discarded");
    assert!(errors.iter().any(|e| e.path == bad));
    assert!(
        errors.iter().any(|e| e.path == other_bad),
        "problems of every file are listed"
    );
}

#[test]
fn reference_invalid_xml_test_is_schema_invalid() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference/invalid_xml_test.xml");
    let errors = load_rules(std::slice::from_ref(&path)).expect_err("invalid");
    assert!(errors.len() > 3, "{errors:#?}");
}

#[test]
fn unreadable_rules_file_is_an_error() {
    let path = PathBuf::from("/no/such/rules.xml");
    let errors = load_rules(std::slice::from_ref(&path)).expect_err("missing");
    assert!(errors[0].problem.starts_with("cannot read rules file"));
}

#[test]
fn invalid_option_sets_are_fatal_with_their_error() {
    let cases = corpus("options", "ini");
    assert!(cases.len() >= 5);
    for (path, line, needle) in &cases {
        let text = std::fs::read_to_string(path).expect("readable");
        let entries = common::ini_entries(&text);
        let errors =
            common::options(&entries, "rocky51", path).expect_err(&path.display().to_string());
        assert_reported(path, &errors, *line, needle);
    }
}
