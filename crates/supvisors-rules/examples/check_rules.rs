//! Prints `VALID` or `invalid` and the first problem for each rules file given.

use std::path::PathBuf;

fn main() {
    for arg in std::env::args().skip(1) {
        let path = PathBuf::from(&arg);
        match supvisors_rules::rules_xml::load_rules(std::slice::from_ref(&path)) {
            Ok(_) => println!("VALID {arg}"),
            Err(errors) => println!(
                "invalid {arg} {}",
                errors.first().map(ToString::to_string).unwrap_or_default()
            ),
        }
    }
}
