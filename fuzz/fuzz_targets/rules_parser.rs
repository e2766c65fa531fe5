//! Fuzz target: any bytes given as a rules file must give an engine or errors, never a panic,
//! and a loaded engine must answer look-ups for arbitrary names.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use supvisors_core::enums::StartingStrategies;
use supvisors_rules::rules_xml::load_rules_from_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let identifiers = vec!["a".to_owned(), "b".to_owned(), "10.0.0.1:7777".to_owned()];
    match load_rules_from_str(text, Path::new("fuzz.xml")) {
        Ok(engine) => {
            for name in ["a", "app_1", "x_0", "prg_01", ""] {
                let (app, _) = engine.application_rules(name, &identifiers, StartingStrategies::Config);
                let _ = engine.process_rules(name, "prg_01", &app, &identifiers, &[]);
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
