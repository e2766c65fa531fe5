//! Identifier lists of the rules: alias expansion, `*`, `#` and filtering against the
//! deduced identifiers (spec `supvisors-core.md` §3.6), and the `#` resolution (§3.7–3.8).

use crate::values::list_of_strings;

/// The alias table: name → items, in declaration order (a redefinition keeps the position).
pub(crate) type Aliases = Vec<(String, Vec<String>)>;

/// Resolves the text of an `identifiers` element. Returns the list (with `#` appended last
/// when present) and the names dropped as unknown (excluding `#`), in written order.
pub(crate) fn resolve_identifier_list(
    text: &str,
    aliases: &Aliases,
    known: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut items = list_of_strings(text);
    // Each alias, in declaration order, replaces its first occurrence only.
    for (name, content) in aliases {
        if let Some(pos) = items.iter().position(|i| i == name) {
            items.splice(pos..=pos, content.iter().cloned());
        }
    }
    let has_hash = items.iter().any(|i| i == "#");
    let mut unknown = Vec::new();
    let mut resolved: Vec<String> = if items.iter().any(|i| i == "*") {
        vec!["*".to_owned()]
    } else {
        let mut kept: Vec<String> = Vec::new();
        for item in &items {
            if known.contains(item) {
                if !kept.contains(item) {
                    kept.push(item.clone());
                }
            } else if item != "#" {
                unknown.push(item.clone());
            }
        }
        kept
    };
    if has_hash {
        resolved.push("#".to_owned());
    }
    (resolved, unknown)
}

/// Splits a resolved list into `(identifiers, hash_identifiers)` as `load_identifiers` does.
pub(crate) fn split_hash(mut resolved: Vec<String>) -> (Vec<String>, Vec<String>) {
    if resolved.iter().any(|i| i == "#") {
        if resolved.len() == 1 || resolved.iter().any(|i| i == "*") {
            (Vec::new(), vec!["*".to_owned()])
        } else {
            resolved.retain(|i| i != "#");
            (Vec::new(), resolved)
        }
    } else {
        (resolved, Vec::new())
    }
}

/// The identifier chosen by `#` for position `index`: in all identifiers if the hash list is
/// `*`, else in the hash list, rolling over.
pub(crate) fn hash_choice(
    hash_identifiers: &[String],
    all: &[String],
    index: usize,
) -> Option<String> {
    let reference = if hash_identifiers.iter().any(|i| i == "*") {
        all
    } else {
        hash_identifiers
    };
    if reference.is_empty() {
        return None;
    }
    reference.get(index % reference.len()).cloned()
}

/// The 0-based index an application name gives to `#`: the last `-N`/`_N` suffix minus 1.
/// `Err` is the reference's error text.
pub(crate) fn application_hash_index(name: &str) -> Result<usize, String> {
    let digits: String = {
        let rev: Vec<char> = name
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        rev.into_iter().rev().collect()
    };
    let before = name[..name.len() - digits.len()].chars().next_back();
    if digits.is_empty() || !matches!(before, Some('-' | '_')) {
        return Err(format!(
            "ApplicationRules.check_hash_identifiers: {name} incompatible with the use of #"
        ));
    }
    match digits.trim_start_matches('0').parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        Err(_) if digits.trim_start_matches('0').is_empty() => Err(format!(
            "ApplicationRules.check_hash_identifiers: index of {name} must be > 0"
        )),
        // More digits than an index can hold: no instance list is that long anyway.
        _ => Ok(usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| (*i).to_owned()).collect()
    }

    fn known() -> Vec<String> {
        s(&[
            "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "a", "b", "c", "d",
        ])
    }

    fn reference_aliases() -> Aliases {
        vec![
            ("nodes_model_03".into(), s(&["10.0.0.4", "10.0.0.2"])),
            ("nodes_appli_D".into(), s(&["10.0.0.1", "10.0.0.5"])),
            ("not used".into(), s(&["10.0.0.2", "nodes_appli_D"])),
        ]
    }

    fn resolve(text: &str, aliases: &Aliases) -> Vec<String> {
        resolve_identifier_list(text, aliases, &known()).0
    }

    #[test]
    fn item_19_aliases_expand_first_occurrence_in_declaration_order() {
        let aliases = vec![
            ("A1".to_owned(), s(&["x1", "b"])),
            ("x1".to_owned(), s(&["a", "c"])),
        ];
        assert_eq!(resolve("A1,x1", &aliases), s(&["a", "c", "b"]));
        let a = reference_aliases();
        assert_eq!(resolve("nodes_model_03", &a), s(&["10.0.0.4", "10.0.0.2"]));
        assert_eq!(
            resolve("10.0.0.1,nodes_model_03", &a),
            s(&["10.0.0.1", "10.0.0.4", "10.0.0.2"])
        );
        assert_eq!(
            resolve("10.0.0.5,nodes_appli_D,10.0.0.1", &a),
            s(&["10.0.0.5", "10.0.0.1"])
        );
        assert_eq!(
            resolve("192.17.8.2,nodes_model_03", &a),
            s(&["10.0.0.4", "10.0.0.2"])
        );
        // `not used` is declared after `nodes_appli_D`: its reference is not expanded.
        assert_eq!(
            resolve("not used,10.0.0.3", &a),
            s(&["10.0.0.2", "10.0.0.3"])
        );
    }

    #[test]
    fn second_occurrence_of_an_alias_is_dropped() {
        let aliases = vec![("g".to_owned(), s(&["a"]))];
        let (list, unknown) = resolve_identifier_list("g,b,g", &aliases, &known());
        assert_eq!(list, s(&["a", "b"]));
        assert_eq!(unknown, s(&["g"]));
    }

    #[test]
    fn item_20_star_anywhere_gives_star() {
        assert_eq!(
            resolve("192.17.8.2,nodes_model_03,*", &reference_aliases()),
            s(&["*"])
        );
    }

    #[test]
    fn item_21_hash_alone_or_with_subset() {
        assert_eq!(split_hash(resolve("#", &vec![])), (vec![], s(&["*"])));
        assert_eq!(
            split_hash(resolve("#,10.0.0.1,10.0.0.5", &vec![])),
            (vec![], s(&["10.0.0.1", "10.0.0.5"]))
        );
        assert_eq!(split_hash(resolve("#,*", &vec![])), (vec![], s(&["*"])));
        assert_eq!(
            split_hash(resolve("#,unknown", &vec![])),
            (vec![], s(&["*"]))
        );
        assert_eq!(split_hash(resolve("*", &vec![])), (s(&["*"]), vec![]));
    }

    #[test]
    fn whitespace_only_list_resolves_empty_and_reports_it() {
        let (list, unknown) = resolve_identifier_list(" ", &vec![], &known());
        assert!(list.is_empty());
        assert_eq!(unknown, s(&[""]));
    }

    #[test]
    fn written_order_is_kept_and_duplicates_removed() {
        assert_eq!(resolve("c, a, c, b", &vec![]), s(&["c", "a", "b"]));
    }

    #[test]
    fn application_hash_index_uses_last_suffix() {
        assert_eq!(application_hash_index("x_1"), Ok(0));
        assert_eq!(application_hash_index("x-2_003"), Ok(2));
        assert!(
            application_hash_index("x_0")
                .expect_err("should fail")
                .contains("must be > 0")
        );
        assert!(
            application_hash_index("x1")
                .expect_err("should fail")
                .contains("incompatible")
        );
        assert!(application_hash_index("x_").is_err());
    }

    #[test]
    fn item_23_hash_choice_rolls_over() {
        let all = s(&["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]);
        assert_eq!(
            hash_choice(&s(&["*"]), &all, 2).as_deref(),
            Some("10.0.0.3")
        );
        assert_eq!(
            hash_choice(&s(&["10.0.0.0", "10.0.0.3", "10.0.0.5"]), &all, 2).as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(
            hash_choice(&s(&["10.0.0.1"]), &all, 2).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            hash_choice(&s(&["a", "b", "c", "d"]), &all, 5).as_deref(),
            Some("b")
        );
    }
}
