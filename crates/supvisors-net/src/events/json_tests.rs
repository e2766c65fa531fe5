//! The writer against fixed expectations, then byte for byte against CPython's `json.dumps` on
//! generated objects.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::process::Command;

use super::*;

const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");

fn float(x: f64) -> String {
    let mut s = String::new();
    write_float(&mut s, x);
    s
}

#[test]
fn floats_follow_python_repr() {
    let cases = [
        (1_700_000_000.0, "1700000000.0"),
        (0.5, "0.5"),
        (1e16, "1e+16"),
        (1e15, "1000000000000000.0"),
        (1234567890123456.0, "1234567890123456.0"),
        (12345678901234567.0, "1.2345678901234568e+16"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (0.000012345, "1.2345e-05"),
        (1e-300, "1e-300"),
        (1.5e300, "1.5e+300"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (-2.5, "-2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (5e-324, "5e-324"),
        // an exact tie between two shortest strings: Python keeps the even digit
        (172_492_768_411_370.5 + 0.125, "172492768411370.62"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
    ];
    for (x, expected) in cases {
        assert_eq!(float(x), expected, "{x:e}");
    }
}

#[test]
fn strings_are_ascii_escaped() {
    let mut s = String::new();
    write_str(&mut s, "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}é✪😀~ ");
    assert_eq!(
        s,
        r#""a\"b\\c\n\r\t\b\f\u0001\u007f\u00e9\u272a\ud83d\ude00~ ""#
    );
}

#[test]
fn object_uses_python_separators_and_call_order() {
    let mut o = JsonObject::new();
    o.str("z", "x")
        .int("a", -1)
        .float("f", 2.0)
        .bool("t", true)
        .bool("n", false)
        .str_list("l", &["a", "b"])
        .str_list::<&str>("e", &[]);
    assert_eq!(
        o.finish(),
        r#"{"z": "x", "a": -1, "f": 2.0, "t": true, "n": false, "l": ["a", "b"], "e": []}"#
    );
    assert_eq!(JsonObject::new().finish(), "{}");
}

/// One generated value: how Rust writes it and how the Python script rebuilds it.
enum Gen {
    Str(String),
    Float(f64),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
}

fn gen_string(rng: &mut fastrand::Rng) -> String {
    const SPECIAL: &[char] = &[
        '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', '\u{7f}',
    ];
    let len = rng.usize(0..12);
    (0..len)
        .map(|_| match rng.u8(0..10) {
            0 => SPECIAL[rng.usize(0..SPECIAL.len())],
            1 => rng.char('\u{80}'..='\u{7ff}'),
            2 => rng.char('\u{800}'..='\u{fffd}'),
            3 => rng.char('\u{10000}'..='\u{10ffff}'),
            4 => rng.char('\u{0}'..='\u{1f}'),
            _ => rng.char(' '..='~'),
        })
        .collect()
}

fn gen_float(rng: &mut fastrand::Rng) -> f64 {
    match rng.u8(0..6) {
        0 => loop {
            let x = f64::from_bits(rng.u64(..));
            if x.is_finite() {
                break x;
            }
        },
        1 => 1.7e9 + rng.f64() * 1e8,
        2 => rng.i64(-1_000_000..1_000_000) as f64,
        3 => {
            // around the layout thresholds of repr
            let exp = rng.i32(-7..20);
            (1.0 + rng.f64()) * 10f64.powi(exp)
        }
        4 => 10f64.powi(rng.i32(-8..20)),
        _ => rng.f64() * if rng.bool() { 1.0 } else { -1.0 },
    }
}

fn gen_value(rng: &mut fastrand::Rng) -> Gen {
    match rng.u8(0..5) {
        0 => Gen::Str(gen_string(rng)),
        1 => Gen::Float(gen_float(rng)),
        2 => Gen::Int(rng.i64(..)),
        3 => Gen::Bool(rng.bool()),
        _ => Gen::List((0..rng.usize(0..4)).map(|_| gen_string(rng)).collect()),
    }
}

fn hex(s: &str) -> String {
    s.bytes().fold(String::new(), |mut h, b| {
        let _ = write!(h, "{b:02x}");
        h
    })
}

/// Python side: each line lists `keyhex:type:payload` entries; it prints `json.dumps` of the
/// rebuilt dict (keys unique per line, so insertion order is the line's order).
const SCRIPT: &str = r#"
import json, struct, sys
def s(h): return bytes.fromhex(h).decode('utf-8')
for line in open(sys.argv[1], encoding='ascii'):
    d = {}
    for entry in line.split():
        k, t, p = entry.split(':', 2)
        if t == 's': v = s(p)
        elif t == 'f': v = struct.unpack('<d', int(p).to_bytes(8, 'little'))[0]
        elif t == 'i': v = int(p)
        elif t == 'b': v = p == '1'
        else: v = [s(x) if x != '-' else '' for x in p.split(',')] if p else []
        d[s(k)] = v
    sys.stdout.buffer.write(json.dumps(d).encode('ascii') + b'\n')
"#;

#[test]
fn objects_match_cpython_json_dumps() {
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut input = String::new();
    let mut expected = String::new();
    for _ in 0..400 {
        let mut object = JsonObject::new();
        let mut line = Vec::new();
        for k in 0..rng.usize(1..6) {
            // a unique prefix keeps keys distinct, as Python dicts would merge duplicates
            let key = format!("{k}{}", gen_string(&mut rng));
            let (kind, payload) = match gen_value(&mut rng) {
                Gen::Str(v) => {
                    object.str(&key, &v);
                    ('s', hex(&v))
                }
                Gen::Float(v) => {
                    object.float(&key, v);
                    ('f', v.to_bits().to_string())
                }
                Gen::Int(v) => {
                    object.int(&key, v);
                    ('i', v.to_string())
                }
                Gen::Bool(v) => {
                    object.bool(&key, v);
                    ('b', u8::from(v).to_string())
                }
                Gen::List(v) => {
                    object.str_list(&key, &v);
                    let items: Vec<String> = v
                        .iter()
                        .map(|x| if x.is_empty() { "-".into() } else { hex(x) })
                        .collect();
                    ('l', items.join(","))
                }
            };
            line.push(format!("{}:{kind}:{payload}", hex(&key)));
        }
        let _ = writeln!(input, "{}", line.join(" "));
        let _ = writeln!(expected, "{}", object.finish());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.txt");
    std::fs::write(&path, &input).unwrap();
    let output = Command::new(PYTHON)
        .args(["-c", SCRIPT])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python = String::from_utf8(output.stdout).unwrap();
    for (i, (ours, theirs)) in expected.lines().zip(python.lines()).enumerate() {
        assert_eq!(
            ours,
            theirs,
            "seed {seed}, case {i}: {}",
            input.lines().nth(i).unwrap_or("")
        );
    }
    assert_eq!(
        expected.lines().count(),
        python.lines().count(),
        "seed {seed}"
    );
}
