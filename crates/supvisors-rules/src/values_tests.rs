//! Tests of the value types; messages checked against Supervisor 4.3.0 on Python 3.11.

use super::*;
use crate::testutil::{FAKE_ACCOUNTS, ctx};

#[test]
fn booleans() {
    for t in ["true", "YES", "On", "1"] {
        assert_eq!(boolean(t), Ok(true), "{t}");
    }
    for f in ["false", "No", "OFF", "0"] {
        assert_eq!(boolean(f), Ok(false), "{f}");
    }
    assert_eq!(boolean(""), Err("not a valid boolean value: ''".into()));
    assert_eq!(
        boolean("maybe"),
        Err("not a valid boolean value: 'maybe'".into())
    );
}

#[test]
fn byte_sizes() {
    assert_eq!(byte_size("50MB"), Ok(52_428_800));
    assert_eq!(byte_size("1 gb"), Ok(1 << 30));
    assert_eq!(byte_size("10kB"), Ok(10_240));
    assert_eq!(byte_size("-1KB"), Ok(-1024));
    assert_eq!(byte_size("1_024"), Ok(1024));
    assert_eq!(
        byte_size("10XB"),
        Err("invalid literal for int() with base 10: '10xb'".into())
    );
    assert_eq!(
        byte_size("1.5MB"),
        Err("invalid literal for int() with base 10: '1.5'".into())
    );
    assert_eq!(
        byte_size("KB"),
        Err("invalid literal for int() with base 10: ''".into())
    );
    assert_eq!(
        byte_size("5B"),
        Err("invalid literal for int() with base 10: '5b'".into())
    );
}

#[test]
fn octals() {
    assert_eq!(octal("022"), Ok(0o22));
    assert_eq!(octal("0o777"), Ok(0o777));
    assert_eq!(
        octal("9"),
        Err("9 can not be converted to an octal type".into())
    );
}

#[test]
fn signals() {
    assert_eq!(signal_number("TERM"), Ok(15));
    assert_eq!(signal_number("sigterm"), Ok(15));
    assert_eq!(signal_number(" hup "), Ok(1));
    assert_eq!(signal_number("RTMIN"), Ok(34));
    assert_eq!(signal_number("rtmax"), Ok(64));
    assert_eq!(signal_number("9"), Ok(9));
    assert_eq!(signal_number("0"), Ok(0));
    assert_eq!(signal_number("_DFL"), Ok(0));
    assert_eq!(
        signal_number("FOO"),
        Err("value 'FOO' is not a valid signal name".into())
    );
    assert_eq!(
        signal_number("35"),
        Err("value '35' is not a valid signal number".into())
    );
    assert_eq!(
        signal_number("-1"),
        Err("value '-1' is not a valid signal number".into())
    );
    assert_eq!(signal_name(15), Some("SIGTERM"));
}

#[test]
fn exit_code_lists() {
    assert_eq!(exit_codes("0, 2 ,255"), Ok(vec![0, 2, 255]));
    assert_eq!(exit_codes(""), Ok(vec![]));
    assert_eq!(
        exit_codes("0,256"),
        Err("not a valid list of exit codes: '0,256'".into())
    );
    assert_eq!(
        exit_codes("0,,1"),
        Err("not a valid list of exit codes: '0,,1'".into())
    );
    assert_eq!(
        exit_codes("-1"),
        Err("not a valid list of exit codes: '-1'".into())
    );
}

#[test]
fn autorestart_words() {
    assert_eq!(auto_restart("UNEXPECTED"), Ok(AutoRestart::Unexpected));
    assert_eq!(auto_restart("true"), Ok(AutoRestart::Unconditional));
    assert_eq!(auto_restart("off"), Ok(AutoRestart::Never));
    assert_eq!(
        auto_restart("Maybe"),
        Err("invalid 'autorestart' value 'maybe'".into())
    );
}

#[test]
fn log_levels() {
    assert_eq!(logging_level("WARN"), Ok(LogLevel::Warn));
    assert_eq!(logging_level("blather"), Ok(LogLevel::Blather));
    assert_eq!(
        logging_level("warning"),
        Err("bad logging level name 'warning'".into())
    );
}

#[test]
fn inet_addresses() {
    assert_eq!(inet_address("9001"), Ok((String::new(), 9001)));
    assert_eq!(
        inet_address("LocalHost:9001"),
        Ok(("localhost".into(), 9001))
    );
    assert_eq!(inet_address("*:80"), Ok((String::new(), 80)));
    assert_eq!(inet_address(":80"), Ok((String::new(), 80)));
    assert_eq!(
        inet_address("abc"),
        Err("not a valid port number: 'abc' ".into())
    );
    assert_eq!(
        inet_address("h:0"),
        Err("0 is below lower bound (1)".into())
    );
    assert_eq!(
        inet_address("h:70000"),
        Err("70000 is above upper bound (65535)".into())
    );
    assert_eq!(
        inet_address("h:x"),
        Err("invalid literal for int() with base 10: 'x'".into())
    );
    assert_eq!(
        inet_address("h:"),
        Err("no port number specified in ''".into())
    );
}

#[test]
fn urls() {
    assert!(url("http://h:9").is_ok());
    assert!(url("unix:///tmp/x").is_ok());
    assert!(url("a:b").is_ok());
    assert_eq!(url("x"), Err("value 'x' is not a URL".into()));
    assert_eq!(url("http:"), Err("value 'http:' is not a URL".into()));
    assert!(url("1http://x").is_err());
    // urlsplit drops leading blanks and removes tabs and newlines first.
    assert!(url("\thttp\n://h").is_ok());
    assert_eq!(
        octal("-1"),
        Err("-1 can not be converted to an octal type".into())
    );
}

#[test]
fn users_and_groups() {
    let a = &*FAKE_ACCOUNTS;
    assert_eq!(name_to_uid("alice", a), Ok(1000));
    assert_eq!(name_to_uid("0", a), Ok(0));
    assert_eq!(
        name_to_uid("nobody", a),
        Err("Invalid user name nobody".into())
    );
    assert_eq!(name_to_uid("4242", a), Err("Invalid user id 4242".into()));
    assert_eq!(user_group("alice:users", a), Ok((1000, Some(100))));
    assert_eq!(user_group("bob", a), Ok((1001, None)));
    assert_eq!(
        user_group("bob:nogroup", a),
        Err("Invalid user:group definition bob:nogroup".into())
    );
}

#[test]
fn directories_and_paths() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let c = ctx(dir.path());
    std::fs::create_dir(dir.path().join("logs")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(existing_directory("logs", &c), Ok(PathBuf::from("logs")));
    assert_eq!(
        existing_directory("~/logs", &c),
        Ok(dir.path().join("logs"))
    );
    assert_eq!(
        existing_directory("nope", &c),
        Err("nope is not an existing directory".into())
    );
    assert_eq!(existing_dirpath("x.log", &c), Ok(PathBuf::from("x.log")));
    assert_eq!(
        existing_dirpath("logs/x.log", &c),
        Ok(PathBuf::from("logs/x.log"))
    );
    assert_eq!(
        existing_dirpath("nope/x.log", &c),
        Err("The directory named as part of the path nope/x.log does not exist".into())
    );
    assert_eq!(logfile_name("NONE", &c), Ok(LogFile::None));
    assert_eq!(logfile_name("Auto", &c), Ok(LogFile::Auto));
    assert_eq!(logfile_name("syslog", &c), Ok(LogFile::Syslog));
    assert_eq!(normalize_path("a/../b/./c", &c), dir.path().join("b/c"));
    assert_eq!(normpath("//a//b/../"), "//a");
    assert_eq!(dirname("/a"), "/");
    assert_eq!(dirname("a//b"), "a");
}

#[test]
fn key_value_lists() {
    let kv = |s| key_value_pairs(s);
    assert_eq!(
        kv("A=1,B=\"v, 2\",C='x'"),
        Ok(vec![
            ("A".into(), "1".into()),
            ("B".into(), "v, 2".into()),
            ("C".into(), "x".into())
        ])
    );
    assert_eq!(kv("A=1;A=2"), Ok(vec![("A".into(), "2".into())]));
    assert_eq!(kv(""), Ok(vec![]));
    assert_eq!(
        kv("A=1 B=2"),
        Err("Unexpected end of key/value pairs in value 'A=1 B=2'".into())
    );
    assert_eq!(
        kv("URI=/first%20name"),
        Err("Unexpected end of key/value pairs in value 'URI=/first%20name'".into())
    );
    assert_eq!(kv("A=\"x"), Err("No closing quotation".into()));
}

#[test]
fn names_and_lists() {
    assert_eq!(process_or_group_name(" ok "), Ok("ok".into()));
    assert_eq!(
        process_or_group_name("x y"),
        Err("Invalid name: 'x y' because of character: ' '".into())
    );
    assert_eq!(
        process_or_group_name("a:b/c"),
        Err("Invalid name: 'a:b/c' because of character: ':'".into())
    );
    assert_eq!(list_of_strings(" a, b ,"), vec!["a", "b", ""]);
    assert!(list_of_strings("").is_empty());
}

mod props {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn byte_size_suffixes_multiply(n in -1_000_000i64..1_000_000, unit in 0usize..4, upper: bool, blank: bool) {
            let (suffix, mult) = [("", 1), ("kb", 1024), ("mb", 1 << 20), ("gb", 1 << 30)][unit];
            let suffix = if upper { suffix.to_uppercase() } else { suffix.to_string() };
            let sep = if blank && unit > 0 { " " } else { "" };
            prop_assert_eq!(byte_size(&format!("{n}{sep}{suffix}")), Ok(n * mult));
        }

        #[test]
        fn byte_size_never_panics(s in ".{0,12}") {
            let _ = byte_size(&s);
        }

        #[test]
        fn integers_round_trip(n: i64) {
            prop_assert_eq!(integer(&n.to_string()), Ok(n));
            prop_assert_eq!(integer(&format!("  {n}\t")), Ok(n));
        }

        #[test]
        fn octal_round_trips(n in 0u32..0o7777_7777) {
            prop_assert_eq!(octal(&format!("{n:o}")), Ok(n));
            prop_assert_eq!(octal(&format!("0o{n:o}")), Ok(n));
        }

        #[test]
        fn quoted_key_value_pairs_round_trip(pairs in proptest::collection::vec(("[A-Z][A-Z0-9_]{0,6}", "[^'\"]{0,10}"), 0..5)) {
            let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            let mut want: Vec<(String, String)> = Vec::new();
            for (k, v) in &pairs {
                match want.iter_mut().find(|(wk, _)| wk == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => want.push((k.clone(), v.clone())),
                }
            }
            prop_assert_eq!(key_value_pairs(&text.join(",")), Ok(want));
        }
    }
}
