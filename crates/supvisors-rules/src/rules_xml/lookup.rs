//! Finding the element of an application or a program: exact name first, then the best
//! pattern (spec `supvisors-core.md` §3.4).
//!
//! Patterns are compiled once, when the engine is built, so that a bad regex makes the file
//! invalid at load time instead of failing inside event processing (reference quirk Q8).
//! Patterns use the `regex` crate: its leftmost-first semantics give the same match as
//! Python's `re.search` for every pattern both accept; Python-only features (look-around,
//! back-references) are refused at load time rather than adding a backtracking engine.

use regex::Regex;

/// A pattern in declaration order, with the element it designates.
#[derive(Debug, Clone)]
pub(crate) struct PatternEntry<T> {
    /// The pattern as written.
    pub pattern: String,
    /// The compiled pattern.
    pub regex: Matcher,
    /// The element designated (an index).
    pub target: T,
}

/// A compiled pattern. Most patterns in real rules files are plain names (`prg_`); those are
/// searched as substrings, which gives the same leftmost match as a regex and avoids compiling
/// hundreds of regexes (the dominant cost of loading a large rules file).
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// A pattern without regex metacharacters.
    Literal(String),
    /// The compiled `(<pattern>)`, as the reference builds it.
    Regex(Regex),
}

impl Matcher {
    /// The leftmost match in `name`, as `re.search` finds it.
    pub fn find<'n>(&self, name: &'n str) -> Option<&'n str> {
        match self {
            Matcher::Literal(text) => name
                .find(text.as_str())
                .map(|at| &name[at..at + text.len()]),
            Matcher::Regex(regex) => regex.find(name).map(|m| m.as_str()),
        }
    }
}

/// Compiles a pattern the way the reference uses it: `re.search(f'({pattern})', name)`.
pub(crate) fn compile_pattern(pattern: &str) -> Result<Matcher, String> {
    if regex::escape(pattern) == pattern {
        return Ok(Matcher::Literal(pattern.to_owned()));
    }
    Regex::new(&format!("({pattern})"))
        .map(Matcher::Regex)
        .map_err(|e| e.to_string())
}

/// Adds or redefines a pattern: a redefinition replaces the target and keeps the position.
pub(crate) fn insert_pattern<T>(entries: &mut Vec<PatternEntry<T>>, entry: PatternEntry<T>) {
    match entries.iter_mut().find(|e| e.pattern == entry.pattern) {
        Some(existing) => existing.target = entry.target,
        None => entries.push(entry),
    }
}

/// The entry whose leftmost match in `name` is the longest (in characters); ties go to the
/// first declared.
pub(crate) fn best_pattern<'a, T>(
    name: &str,
    entries: &'a [PatternEntry<T>],
) -> Option<&'a PatternEntry<T>> {
    let mut best: Option<(&PatternEntry<T>, usize)> = None;
    for entry in entries {
        if let Some(m) = entry.regex.find(name) {
            let len = m.chars().count();
            if best.is_none_or(|(_, best_len)| len > best_len) {
                best = Some((entry, len));
            }
        }
    }
    best.map(|(entry, _)| entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entries(patterns: &[&str]) -> Vec<PatternEntry<usize>> {
        let mut out = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let regex = compile_pattern(p).expect("valid");
            insert_pattern(
                &mut out,
                PatternEntry {
                    pattern: (*p).to_owned(),
                    regex,
                    target: i,
                },
            );
        }
        out
    }

    #[test]
    fn plain_names_are_searched_as_substrings_and_others_as_regexes() {
        assert!(matches!(compile_pattern("prg_01"), Ok(Matcher::Literal(_))));
        assert!(matches!(compile_pattern("^prg"), Ok(Matcher::Regex(_))));
        assert!(matches!(compile_pattern("a.b"), Ok(Matcher::Regex(_))));
        let literal = compile_pattern("prg_").expect("valid");
        assert_eq!(literal.find("dummy_prg_2"), Some("prg_"));
        assert_eq!(literal.find("dummy"), None);
        assert!(compile_pattern("(unclosed").is_err());
    }

    #[test]
    fn literal_and_regex_matchers_agree_on_plain_names() {
        for (pattern, name) in [("é_", "xé_y"), ("ab", "aab"), ("", "x"), (" a", "b a")] {
            let literal = compile_pattern(pattern).expect("valid");
            let regex = Regex::new(&format!("({pattern})")).expect("valid");
            assert_eq!(
                literal.find(name),
                regex.find(name).map(|m| m.as_str()),
                "{pattern}"
            );
        }
    }

    fn best(name: &str, patterns: &[&str]) -> Option<String> {
        let e = entries(patterns);
        best_pattern(name, &e).map(|e| e.pattern.clone())
    }

    #[test]
    fn item_16_longest_match_wins_prg_underscore_over_prg() {
        assert_eq!(best("prg_00", &["prg", "prg_"]).as_deref(), Some("prg_"));
    }

    #[test]
    fn item_15_dummies_01_any_prefers_the_longer_match() {
        let patterns = ["dummies_", "^d.*s_01_", "dum+ies_02_"];
        assert_eq!(
            best("dummies_01_any", &patterns).as_deref(),
            Some("^d.*s_01_")
        );
        assert_eq!(best("dummies_any", &patterns).as_deref(), Some("dummies_"));
        assert_eq!(
            best("any_dummies_02_", &patterns).as_deref(),
            Some("dum+ies_02_")
        );
        assert_eq!(best("other", &patterns), None);
    }

    #[test]
    fn leftmost_alternative_is_not_the_longest() {
        // `a|abc` on `abc` matches `a` only, so `ab` (2 chars) wins.
        assert_eq!(best("abc", &["a|abc", "ab"]).as_deref(), Some("ab"));
    }

    #[test]
    fn plain_substring_patterns_match_anywhere() {
        assert_eq!(best("dummy_prg_2", &["prg_"]).as_deref(), Some("prg_"));
    }

    #[test]
    fn redefinition_keeps_first_position_with_new_target() {
        let e = entries(&["ab", "xy", "ab"]);
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].pattern.as_str(), e[0].target), ("ab", 2));
        // "ab" and "xy" tie on "abxy": the first position wins, with its new target.
        assert_eq!(best_pattern("abxy", &e).map(|e| e.target), Some(2));
    }

    #[test]
    fn python_only_regex_features_are_refused() {
        assert!(compile_pattern("(?<=a)b").is_err());
        assert!(compile_pattern("(a)\\1").is_err());
        assert!(compile_pattern("[").is_err());
        assert!(
            compile_pattern("a)(b").is_ok(),
            "wrapped in parentheses as the reference does"
        );
    }

    proptest! {
        #[test]
        fn literal_patterns_pick_longest_then_first(
            name in "[a-c]{0,8}",
            patterns in proptest::collection::vec("[a-c]{1,3}", 1..6),
        ) {
            let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let got = best(&name, &refs);
            // Literal patterns: the match length is the pattern length; keep the first longest.
            let mut expected: Option<&str> = None;
            for p in &refs {
                if name.contains(p) && expected.is_none_or(|e| p.len() > e.len()) {
                    expected = Some(p);
                }
            }
            prop_assert_eq!(got.as_deref(), expected);
        }

        #[test]
        fn match_length_is_the_leftmost_match(name in "[a-c]{0,8}", p in "[a-c]\\+?[a-c]?") {
            let e = entries(&[p.as_str()]);
            let found = best_pattern(&name, &e).is_some();
            let re = Regex::new(&p).expect("valid");
            prop_assert_eq!(found, re.is_match(&name));
        }
    }
}
