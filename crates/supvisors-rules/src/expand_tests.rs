//! Tests of `%`-expansion; expected strings were produced by Python 3.11.

use proptest::prelude::*;

use super::*;

fn names() -> Names {
    let mut n = Names::new();
    n.insert("a".into(), Value::Str("x".into()));
    n.insert("n".into(), Value::Int(5));
    n
}

fn ok(f: &str) -> String {
    match format(f, &names()) {
        Ok(s) => s,
        Err(e) => panic!("{f:?}: {e:?}"),
    }
}

fn bad(f: &str) -> String {
    match format(f, &names()) {
        Ok(s) => panic!("{f:?} expanded to {s:?}"),
        Err(FormatError::Bad(m)) => m,
        Err(FormatError::MissingKey(k)) => format!("KeyError {k}"),
    }
}

#[test]
fn conversions_match_python() {
    let cases = [
        ("%(a)-5s|", "x    |"),
        ("%(n)05d", "00005"),
        ("%(n)+d", "+5"),
        ("%(n)#x", "0x5"),
        ("%(n)#o", "0o5"),
        ("%(n).3d", "005"),
        ("%(a).1s", "x"),
        ("%(n)c", "\u{5}"),
        ("%(a)5c", "    x"),
        ("%(n)f", "5.000000"),
        ("%(n)e", "5.000000e+00"),
        ("%(n)10.4e", "5.0000e+00"),
        ("%(n)g", "5"),
        ("%(n)#g", "5.00000"),
        ("%(n)#.0f", "5."),
        ("%(n).0e", "5e+00"),
        ("%(n)5.1f", "  5.0"),
        ("%(n)E", "5.000000E+00"),
        ("%(n)r", "5"),
        ("%(a)r", "'x'"),
        ("%(a)a", "'x'"),
        ("%(n)ld", "5"),
        ("%(n)   d", " 5"),
        ("%(n)#5.3x", "0x005"),
        ("%(n)-05d", "5    "),
        ("%(n)-+5d|", "+5   |"),
        ("%(n)05s", "    5"),
        ("%(n)u", "5"),
        ("%%", "%"),
        ("%s %(a)s", "{'a': 'x', 'n': 5} x"),
    ];
    for (f, want) in cases {
        assert_eq!(ok(f), want, "{f:?}");
    }
    let mut big = Names::new();
    big.insert("n".into(), Value::Int(123_456_789));
    assert_eq!(format("%(n)g", &big), Ok("1.23457e+08".into()));
}

#[test]
fn errors_match_python() {
    let cases = [
        ("%(a)s%", "incomplete format"),
        ("%(a", "incomplete format key"),
        ("%(a(b))s", "KeyError a(b)"),
        ("%(nope)", "KeyError nope"),
        ("%()s", "KeyError "),
        ("%(a)d", "%d format: a real number is required, not str"),
        ("%(a)i", "%i format: a real number is required, not str"),
        ("%(a)x", "%x format: an integer is required, not str"),
        ("%(a)f", "must be real number, not str"),
        (
            "%(a)%",
            "unsupported format character '%' (0x25) at index 4",
        ),
        ("% %", "unsupported format character '%' (0x25) at index 2"),
        (
            "%(n)q",
            "unsupported format character 'q' (0x71) at index 4",
        ),
        ("%", "incomplete format"),
        ("%-", "incomplete format"),
        ("%d", "%d format: a real number is required, not dict"),
        ("%s %s", "not enough arguments for format string"),
        ("%(a)s %s", "not enough arguments for format string"),
        ("%(n)*d", "not enough arguments for format string"),
        ("%(n)1839157684d", "width too big"),
        ("%(n).99999999d", "precision too big"),
        ("%(a)*s", "* wants int"),
        ("%.*d", "* wants int"),
        ("%(a)s% %", "not enough arguments for format string"),
        ("%ll%", "unsupported format character 'l' (0x6c) at index 2"),
        ("%'", "unsupported format character ''' (0x27) at index 1"),
        ("%é", "unsupported format character '?' (0xe9) at index 1"),
        (
            "%\u{1f}",
            "unsupported format character '\u{1f}' (0x1f) at index 1",
        ),
        ("ab%(a)sé%y", "not enough arguments for format string"),
    ];
    for (f, want) in cases {
        assert_eq!(bad(f), want, "{f:?}");
    }
}

#[test]
fn expand_builds_reference_messages() {
    let err = expand("%(ENV_NOPE)s", &names(), "program:x.command").err();
    assert_eq!(
        err.as_deref(),
        Some(
            "Format string '%(ENV_NOPE)s' for 'program:x.command' contains names ('ENV_NOPE') \
             which cannot be expanded. Available names: a, n"
        )
    );
    let err = expand("URI=\"/first%20name\"", &names(), "environment").err();
    assert_eq!(
        err.as_deref(),
        Some(
            "Format string 'URI=\"/first%20name\"' for 'environment' is badly formatted: \
             unsupported format character 'n' (0x6e) at index 14"
        )
    );
}

proptest! {
    #[test]
    fn text_without_percent_is_unchanged(s in "[^%]*") {
        prop_assert_eq!(format(&s, &names()), Ok(s.clone()));
    }

    #[test]
    fn doubled_percent_round_trips(s in ".*") {
        let escaped = s.replace('%', "%%");
        prop_assert_eq!(format(&escaped, &names()), Ok(s.clone()));
    }

    #[test]
    fn string_values_round_trip(v in ".*", pre in "[^%]*", post in "[^%]*") {
        let mut n = Names::new();
        n.insert("k".into(), Value::Str(v.as_str().into()));
        prop_assert_eq!(format(&format!("{pre}%(k)s{post}"), &n), Ok(format!("{pre}{v}{post}")));
    }

    #[test]
    fn zero_padded_ints_match_rust(v in -100_000i64..100_000, w in 0usize..12) {
        let mut n = Names::new();
        n.insert("p".into(), Value::Int(v));
        prop_assert_eq!(format(&format!("%(p)0{w}d"), &n), Ok(format!("{v:0w$}")));
        prop_assert_eq!(format(&format!("%(p)-{w}d|"), &n), Ok(format!("{v:<w$}|")));
        prop_assert_eq!(format(&format!("%(p){w}x"), &n).is_ok(), true);
    }

    #[test]
    fn arbitrary_formats_never_panic(f in ".{0,40}") {
        let _ = expand(&f, &names(), "x");
    }
}
