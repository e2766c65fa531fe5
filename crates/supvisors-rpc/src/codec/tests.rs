use proptest::prelude::*;

use super::*;
use crate::fault::Fault;
use crate::value::Value;

fn call(params: &str) -> Result<MethodCall, DecodeError> {
    decode_call(&format!(
        "<?xml version='1.0'?><methodCall><methodName>m.x</methodName><params>{params}</params></methodCall>"
    ))
}

fn one(value_xml: &str) -> Value {
    let decoded = call(&format!("<param><value>{value_xml}</value></param>"));
    match decoded {
        Ok(mut c) if c.params.len() == 1 => c.params.remove(0),
        other => panic!("unexpected decode result {other:?}"),
    }
}

#[test]
fn server_decoding_table() {
    assert_eq!(one("<int> 42 </int>"), Value::Int(42));
    assert_eq!(one("<i4>-7</i4>"), Value::Int(-7));
    assert_eq!(one("<boolean>1</boolean>"), Value::Bool(true));
    assert_eq!(one("<boolean>true</boolean>"), Value::Bool(false));
    assert_eq!(one("<boolean>0</boolean>"), Value::Bool(false));
    assert_eq!(one("<string></string>"), Value::string(""));
    assert_eq!(one("bare &amp; text"), Value::string("bare & text"));
    assert_eq!(one(""), Value::string(""));
    assert_eq!(one("<double>1.5</double>"), Value::Double(1.5));
    assert_eq!(one("<base64>aMOpbGxv\n</base64>"), Value::string("héllo"));
    assert_eq!(one("<i8>12</i8>"), Value::Raw("12".into()));
    assert_eq!(one("<nil/>"), Value::Nil);
    assert_eq!(
        one("<dateTime.iso8601>20260101T10:00:00</dateTime.iso8601>"),
        Value::DateTime("20260101T10:00:00".into())
    );
    assert_eq!(
        one("<array><data><value><int>1</int></value><value>x</value></data></array>"),
        Value::Array(vec![Value::Int(1), Value::string("x")])
    );
    assert_eq!(
        one(
            "<struct><member><name>b</name><value><int>1</int></value></member><member><name>a</name><value><struct></struct></value></member></struct>"
        ),
        Value::structure([("b", Value::Int(1)), ("a", Value::Struct(vec![]))])
    );
}

#[test]
fn missing_params_means_no_arguments() {
    let c = decode_call("<methodCall><methodName>system.listMethods</methodName></methodCall>");
    assert_eq!(
        c,
        Ok(MethodCall {
            method: "system.listMethods".into(),
            params: vec![]
        })
    );
}

#[test]
fn bad_bodies_are_rejected() {
    assert!(matches!(decode_call("garbage"), Err(DecodeError::Xml(_))));
    assert!(matches!(
        decode_call("<methodCall><methodName>a</methodCall>"),
        Err(DecodeError::Xml(_))
    ));
    assert!(matches!(
        call("<param><value><int>x</int></value></param>"),
        Err(DecodeError::Xml(_))
    ));
    assert_eq!(
        decode_call("<methodCall><params/></methodCall>"),
        Err(DecodeError::NoMethodName)
    );
    assert_eq!(
        decode_call("<methodCall><methodName></methodName></methodCall>"),
        Err(DecodeError::NoMethodName)
    );
    assert!(matches!(decode_call("<a/><b/>"), Err(DecodeError::Xml(_))));
}

#[test]
fn client_decodes_faults_and_values() {
    let body = encode_fault(&Fault::raw(10, "BAD_NAME: x"));
    assert_eq!(
        decode_response(&body),
        Ok(Err(Fault::raw(10, "BAD_NAME: x")))
    );
    let body = encode_response(&Value::Base64(b"\x00\xff".to_vec()));
    assert_eq!(
        decode_response(&body),
        Ok(Ok(Value::Base64(b"\x00\xff".to_vec())))
    );
}

#[test]
fn call_encoding_matches_python_layout() {
    let body = encode_call("supervisor.getProcessInfo", &[Value::string("a<b")]);
    assert_eq!(
        body,
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getProcessInfo</methodName>\n<params>\n<param>\n<value><string>a&lt;b</string></value>\n</param>\n</params>\n</methodCall>\n"
    );
}

/// Values the server decoder returns unchanged (no base64, no raw, no nil, no datetime).
pub(crate) fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        "[a-zA-Z0-9 &<>\"'\u{e9}\u{4e2d}\u{1f600}\n\t]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-z&<]{0,6}", inner), 0..5).prop_map(|members| {
                // Python dicts cannot hold duplicate keys; keep the first.
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

proptest! {
    #[test]
    fn call_round_trips(params in prop::collection::vec(arb_value(), 0..4)) {
        let body = encode_call("ns.method", &params);
        let decoded = decode_call(&body);
        prop_assert_eq!(decoded, Ok(MethodCall { method: "ns.method".into(), params }));
    }

    #[test]
    fn response_round_trips(value in arb_value()) {
        let body = encode_response(&value);
        prop_assert_eq!(decode_response(&body), Ok(Ok(value)));
    }
}

/// Bodies produced by CPython 3.11 `xmlrpc.client.dumps` for the types the random
/// differential test does not draw (nil, doubles, base64).
#[test]
fn nil_double_and_base64_match_python_bytes() {
    assert_eq!(
        encode_response(&Value::Nil),
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><nil/></value></param>\n</params>\n</methodResponse>\n"
    );
    let doubles: Vec<Value> = [1e16, 0.1, 1.5e-05, -0.0, 123.456, 1e300, 5e-324]
        .into_iter()
        .map(Value::Double)
        .collect();
    let expected: String = [
        "1e+16", "0.1", "1.5e-05", "-0.0", "123.456", "1e+300", "5e-324",
    ]
    .iter()
    .map(|d| format!("<param>\n<value><double>{d}</double></value>\n</param>\n"))
    .collect();
    assert_eq!(
        encode_call("m", &doubles),
        format!(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n{expected}</params>\n</methodCall>\n"
        )
    );
    assert_eq!(
        encode_response(&Value::Base64(vec![0; 60])),
        format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><base64>\n{}\nAAAA\n</base64></value>\n</param>\n</params>\n</methodResponse>\n",
            "A".repeat(76)
        )
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let body = format!(
        "<methodCall><methodName>a.b</methodName><params><param><value>{}{}</value></param></params></methodCall>",
        "<array><data><value>".repeat(depth),
        "</value></data></array>".repeat(depth)
    );
    assert!(matches!(decode_call(&body), Err(DecodeError::Xml(_))));
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(body in "\\PC{0,200}") {
        let _ = decode_call(&body);
        let _ = decode_response(&body);
    }

    #[test]
    fn mutated_bodies_never_panic(value in arb_value(), cut in 0usize..400, junk in "[<>/&a-z;]{0,5}") {
        let body = encode_call("a.b", &[value]);
        let cut = (0..=cut.min(body.len())).rev().find(|i| body.is_char_boundary(*i)).unwrap_or(0);
        let mutated = format!("{}{}{}", &body[..cut], junk, &body[cut..]);
        let _ = decode_call(&mutated);
        let _ = decode_response(&mutated);
    }
}
