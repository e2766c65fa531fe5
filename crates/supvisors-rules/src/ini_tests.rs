//! Unit tests of the raw INI stage; expected values were produced by Python 3.11's
//! `configparser` on the same text.

use super::*;

fn sup(text: &str) -> RawIni {
    match parse_ini(text, Path::new("f.conf"), Dialect::Supervisor) {
        Ok(ini) => ini,
        Err(errs) => panic!("unexpected errors: {errs:?}"),
    }
}

fn errors(text: &str, dialect: Dialect) -> Vec<ConfigError> {
    match parse_ini(text, Path::new("f.conf"), dialect) {
        Ok(ini) => panic!("expected errors, parsed {ini:?}"),
        Err(errs) => errs,
    }
}

fn value(ini: &RawIni, section: &str, key: &str) -> Option<String> {
    ini.get(section, key).map(|e| e.value.clone())
}

#[test]
fn inline_comment_needs_preceding_whitespace() {
    let ini = sup("[s]\ncommand=/bin/echo a;b # c ; d\nq = 'a ; b'\n");
    assert_eq!(
        value(&ini, "s", "command").as_deref(),
        Some("/bin/echo a;b")
    );
    assert_eq!(value(&ini, "s", "q").as_deref(), Some("'a"));
}

#[test]
fn inline_comment_rounds_follow_python_quirk() {
    // ';' qualifies in the first round, so the earlier '#' found only in round two loses.
    let ini = sup("[s]\nk=a#b #c ;d\n");
    assert_eq!(value(&ini, "s", "k").as_deref(), Some("a#b #c"));
}

#[test]
fn configparser_dialect_has_no_inline_comments() {
    let ini = parse_ini(
        "[s]\nk=a ;b\n# full\n",
        Path::new("f"),
        Dialect::ConfigParser,
    );
    assert_eq!(
        ini.ok().and_then(|i| value(&i, "s", "k")).as_deref(),
        Some("a ;b")
    );
}

#[test]
fn continuation_lines_join_with_newlines_and_keep_inner_blank_lines() {
    let ini = sup("[s]\ncommand=/bin/echo\n  first\n\n  second\n\n\n");
    assert_eq!(
        value(&ini, "s", "command").as_deref(),
        Some("/bin/echo\nfirst\n\nsecond")
    );
    let ini = sup("[s]\nk=\n  x\n");
    assert_eq!(value(&ini, "s", "k").as_deref(), Some("\nx"));
}

#[test]
fn indent_is_counted_in_characters() {
    // A no-break space is one character of indent (two bytes): the next line, indented by
    // two spaces, is deeper and continues the value.
    let ini = sup("[s]\n\u{a0}k1=v\n  k2=w\n");
    assert_eq!(value(&ini, "s", "k1").as_deref(), Some("v\nk2=w"));
    assert!(value(&ini, "s", "k2").is_none());
}

#[test]
fn deeper_indent_swallows_options_and_headers() {
    let ini = sup("[s]\na=1\n  b=2\n  [x]\nc : 3\n");
    assert_eq!(value(&ini, "s", "a").as_deref(), Some("1\nb=2\n[x]"));
    assert_eq!(value(&ini, "s", "c").as_deref(), Some("3"));
    assert!(ini.section("x").is_none());
    let ini = sup("[s]\n a=1\n b=2\n");
    assert_eq!(value(&ini, "s", "b").as_deref(), Some("2"));
}

#[test]
fn comment_lines_inside_values_are_skipped() {
    let ini = sup("[s]\na=1\n# comment\n  more\n");
    assert_eq!(value(&ini, "s", "a").as_deref(), Some("1\nmore"));
    let ini = sup("[s]\na=1\n  ;comment\n  more\n");
    assert_eq!(value(&ini, "s", "a").as_deref(), Some("1\nmore"));
}

#[test]
fn keys_lowercase_duplicates_merge_last_wins_in_first_position() {
    let ini = sup("[s]\nA=1\n[t]\nx=1\n[s]\na=2\nB=3\n");
    let names: Vec<&str> = ini.section_names().collect();
    assert_eq!(names, ["s", "t"]);
    let s = ini
        .section("s")
        .map(|s| s.entries.clone())
        .unwrap_or_default();
    let keys: Vec<(&str, &str, u32)> = s
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
        .collect();
    assert_eq!(keys, [("a", "2", 6), ("b", "3", 7)]);
    assert_eq!(ini.section("s").map(|s| s.line), Some(1));
}

#[test]
fn section_names_are_raw_and_end_at_last_bracket() {
    let ini = sup("[ s ]\n[a]b]\nx=1\n[Program:p]\n");
    let names: Vec<&str> = ini.section_names().collect();
    assert_eq!(names, [" s ", "a]b", "Program:p"]);
}

#[test]
fn delimiter_is_first_equal_or_colon() {
    let ini = sup("[s]\nurl : http://h:9001\nenv=A=1\nk  =  \n");
    assert_eq!(value(&ini, "s", "url").as_deref(), Some("http://h:9001"));
    assert_eq!(value(&ini, "s", "env").as_deref(), Some("A=1"));
    assert_eq!(value(&ini, "s", "k").as_deref(), Some(""));
}

#[test]
fn default_section_feeds_every_section() {
    let ini = sup("[DEFAULT]\nd=1\ne=5\n[s]\nk=2\nd=3\n[t]\n");
    assert_eq!(value(&ini, "s", "d").as_deref(), Some("3"));
    assert_eq!(value(&ini, "t", "e").as_deref(), Some("5"));
    assert!(ini.section("DEFAULT").is_none());
    let items: Vec<(&str, &str)> = ini
        .items("s")
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(items, [("d", "3"), ("e", "5"), ("k", "2")]);
}

#[test]
fn universal_newlines_split_lines() {
    let ini = sup("[s]\r\nk=v\r\nj=w\rl=x\n");
    assert_eq!(value(&ini, "s", "j").as_deref(), Some("w"));
    assert_eq!(ini.get("s", "l").map(|e| e.line), Some(4));
}

#[test]
fn every_bad_line_is_reported_with_its_number() {
    let errs = errors("[s]\nnovalue\n=5\nk=1\n[]\n", Dialect::Supervisor);
    let lines: Vec<Option<u32>> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(5)]);
    assert!(
        errs[0]
            .problem
            .contains("Source contains parsing errors: 'f.conf' [line  2]: 'novalue\\n'"),
        "{}",
        errs[0]
    );
    assert_eq!(errs[0].section.as_deref(), Some("s"));
}

#[test]
fn empty_key_takes_no_continuation_lines() {
    // Python keeps the '' option but, '' being falsy, the indented line is parsed on its own.
    let errs = errors("[s]\r:v\r\t\tx\n", Dialect::Supervisor);
    let lines: Vec<Option<u32>> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(2), Some(3)]);
}

#[test]
fn text_before_first_section_is_an_error() {
    let errs = errors("x=1\ny=2\n[s]\nbad\n", Dialect::Supervisor);
    assert_eq!(errs.len(), 2);
    assert!(
        errs[0]
            .problem
            .starts_with("File contains no section headers.")
    );
    assert_eq!(errs[0].line, Some(1));
    assert_eq!(errs[1].line, Some(4));
}

#[test]
fn strict_dialect_rejects_duplicates() {
    let errs = errors("[s]\na=1\nA=2\n[s]\n", Dialect::ConfigParser);
    assert_eq!(
        errs[0].problem,
        "While reading from 'f.conf' [line  3]: option 'a' in section 's' already exists"
    );
    assert_eq!(
        errs[1].problem,
        "While reading from 'f.conf' [line  4]: section 's' already exists"
    );
}

#[test]
fn empty_and_comment_only_text_has_no_sections() {
    let ini = sup("\n; hello\n   # indented comment\n");
    assert!(ini.sections.is_empty());
}

mod props {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn written_sections_read_back(
            sections in proptest::collection::vec(
                ("[a-z][a-z0-9_:.-]{0,8}", proptest::collection::vec(("[a-z][a-z0-9_]{0,6}", "[a-zA-Z0-9_/.,=-]{0,12}"), 0..4)),
                1..4,
            )
        ) {
            let mut text = String::new();
            for (name, entries) in &sections {
                text.push_str(&format!("[{name}]\n"));
                for (k, v) in entries {
                    text.push_str(&format!("{k} = {v}\n"));
                }
            }
            let ini = parse_ini(&text, Path::new("p"), Dialect::Supervisor);
            prop_assert!(ini.is_ok());
            let ini = ini.unwrap_or_else(|_| RawIni { path: "p".into(), defaults: vec![], sections: vec![] });
            for (name, entries) in &sections {
                for (k, _) in entries {
                    // The last occurrence of a key anywhere in same-named sections wins.
                    let last = sections.iter().filter(|(n, _)| n == name)
                        .flat_map(|(_, e)| e.iter()).rfind(|(kk, _)| kk == k).map(|(_, vv)| vv.clone());
                    prop_assert_eq!(ini.get(name, k).map(|e| e.value.clone()), last);
                }
            }
        }

        #[test]
        fn any_text_parses_or_reports_lines(text in "(\\PC|[\\n\\r\\t ;#=:\\[\\]]){0,200}") {
            for dialect in [Dialect::Supervisor, Dialect::ConfigParser] {
                if let Err(errs) = parse_ini(&text, Path::new("p"), dialect) {
                    prop_assert!(!errs.is_empty());
                    prop_assert!(errs.iter().all(|e| e.line.is_some()));
                }
            }
        }
    }
}
