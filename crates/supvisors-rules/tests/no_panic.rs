//! Arbitrary and mutated rules files never make the loader or the look-ups panic.

use std::path::Path;

use proptest::prelude::*;
use supvisors_core::enums::StartingStrategies;
use supvisors_rules::rules_xml::load_rules_from_str;

const MY_MOVIES: &str = include_str!("fixtures/reference/my_movies.xml");

fn exercise(text: &str) {
    let ids = vec!["supv-01".to_owned(), "supv-03".to_owned()];
    if let Ok(engine) = load_rules_from_str(text, Path::new("p.xml")) {
        for group in ["my_movies", "web_1", "database", "x_0"] {
            let (app, _) = engine.application_rules(group, &ids, StartingStrategies::Config);
            let _ = engine.process_rules(group, "converter_04", &app, &ids, &[]);
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        exercise(&text);
    }

    #[test]
    fn mutated_reference_file_never_panics(pos in 0usize..6000, cut in 0usize..40, insert in "[<>/=\"a-z&;# ]{0,12}") {
        let mut chars: Vec<char> = MY_MOVIES.chars().collect();
        let start = pos.min(chars.len());
        let end = (start + cut).min(chars.len());
        chars.splice(start..end, insert.chars());
        let text: String = chars.into_iter().collect();
        exercise(&text);
    }
}

#[test]
fn deeply_nested_document_is_refused_without_overflow() {
    let depth = 200_000;
    let text = format!(
        "<root>{}{}</root>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    let errors = load_rules_from_str(&text, Path::new("deep.xml")).expect_err("refused");
    assert!(
        errors[0].problem.contains("nested deeper than 64 levels"),
        "{errors:?}"
    );
    assert_eq!(errors[0].line, Some(1));
}
