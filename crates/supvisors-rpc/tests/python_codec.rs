//! Differential tests of the codec against CPython's `xmlrpc.client` on random values: our
//! bodies must be byte-equal to what Python produces for the same values, both ways.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRng, TestRunner};
use supvisors_rpc::Value;
use supvisors_rpc::codec::{decode_call, encode_call, encode_response};

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        "[a-zA-Z0-9 &<>\"'\u{e9}\u{4e2d}\u{1f600}\n\t;#]{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z&<> ]{0,8}", inner), 0..6).prop_map(|members| {
                let mut out: Vec<(String, Value)> = Vec::new();
                for (k, v) in members {
                    if !out.iter().any(|(o, _)| *o == k) {
                        out.push((k, v));
                    }
                }
                Value::Struct(out)
            }),
        ]
    })
}

/// Python reads NUL-separated bodies on stdin, re-encodes each with `dumps` and prints the
/// indexes whose bytes differ.
const REDUMP: &str = r#"
import sys, xmlrpc.client
bodies = sys.stdin.buffer.read().decode('utf-8').split('\0')
bad = []
for i, body in enumerate(bodies):
    params, method = xmlrpc.client.loads(body)
    again = xmlrpc.client.dumps(params, methodname=method) if method else xmlrpc.client.dumps(params, methodresponse=True)
    if again != body:
        bad.append((i, body, again))
for b in bad[:3]: print(b)
print('mismatches', len(bad), 'of', len(bodies))
"#;

fn samples(count: usize) -> Vec<Value> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let strategy = arb_value();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).expect("value").current())
        .collect()
}

#[test]
fn encoding_is_byte_equal_to_python_dumps() {
    let values = samples(300);
    let mut bodies: Vec<String> = values.iter().map(encode_response).collect();
    bodies.extend(
        values
            .chunks(3)
            .map(|chunk| encode_call("supervisor.x", chunk)),
    );
    let mut child = Command::new(common::PYTHON)
        .args(["-c", REDUMP])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bodies.join("\0").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, format!("mismatches 0 of {}\n", bodies.len()));
}

/// Python generates random calls; we decode and re-encode them to the same bytes.
#[test]
fn python_calls_decode_and_reencode_identically() {
    let script = r#"
import random, json, xmlrpc.client
random.seed(7)
alphabet = 'ab <>&"\'\u00e9\u4e2d\U0001F600\n\t'
def val(depth):
    k = random.randrange(5 if depth < 3 else 3)
    if k == 0: return random.randint(-2**31, 2**31 - 1)
    if k == 1: return random.random() < 0.5
    if k == 2: return ''.join(random.choice(alphabet) for _ in range(random.randrange(10)))
    if k == 3: return [val(depth + 1) for _ in range(random.randrange(4))]
    return {''.join(random.choice('xyz<&') for _ in range(random.randrange(4))): val(depth + 1) for _ in range(random.randrange(4))}
print(json.dumps([xmlrpc.client.dumps(tuple(val(0) for _ in range(random.randrange(4))), 'ns.m') for _ in range(300)]))
"#;
    let out = Command::new(common::PYTHON)
        .args(["-c", script])
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bodies: Vec<String> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(bodies.len(), 300);
    for body in bodies {
        let call = decode_call(&body).expect("decodes");
        assert_eq!(call.method, "ns.m");
        assert_eq!(encode_call(&call.method, &call.params), body);
    }
}
