//! Our raw INI reader agrees with Python's `configparser` in both dialects the project
//! mirrors (Supervisor's `RawConfigParser` settings and `ConfigParser` defaults, see
//! `supvisors_rules::ini`), on a few hundred generated texts mixing headers, options,
//! continuations, comments, odd line ends and malformed lines: same sections, keys and values
//! (or the same error lines), and, for the `ConfigParser` dialect, the same text written back
//! by `ConfigParser.write` (what `supvisors_breed` does).
//!
//! Replay another run with `INI_DIALECTS_SEED=<n>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use supvisors_rules::ini::{Dialect, RawEntry, parse_ini};
use supvisors_tests::{Rng, describe, run, seed, venv_python, workspace_root};

const FILES: u64 = 1000;

/// Lines the texts are made of: headers, options, continuations, comments, and mistakes.
const ATOMS: &[&str] = &[
    "[s]",
    "[t]",
    "[DEFAULT]",
    "[ s ]",
    "[]",
    "[a]b]",
    "k=v",
    "K = V",
    "k:v",
    "k",
    "=v",
    " k=v",
    "  cont",
    "\t\tx",
    "",
    " ",
    "#c",
    ";c",
    " ;c",
    "a ;b",
    "a;b",
    "a #b",
    "a#b",
    "k = a ; b # c",
    "k=a #b",
    "k = a;b #c",
    "k=x\t;y",
    "k =#x",
    "x=1 ;",
    "  ; indented comment",
    "é=ü",
    "k=\x0b",
    "k=v\x1c",
    "k = [x]",
    "[s",
    "k==",
    ":v",
    "k=:",
    "   [t]",
];

fn text(rng: &mut Rng) -> String {
    let nl = rng.pick(&["\n", "\r\n", "\r", "\n"]);
    let lines: Vec<&str> = (0..rng.range(1, 12)).map(|_| rng.pick(ATOMS)).collect();
    let head = rng.pick(&["[s]", "[s]", "[s]", ""]);
    let tail = rng.pick(&["", "\n"]);
    format!("{head}{nl}{}{tail}", lines.join(nl))
}

fn pairs(entries: &[RawEntry]) -> Value {
    entries.iter().map(|e| json!([e.key, e.value])).collect()
}

/// What we make of `text` in `dialect`, in the shape `dump_ini.py` prints.
fn ours(text: &str, path: &Path, dialect: Dialect) -> Value {
    match parse_ini(text, path, dialect) {
        Ok(ini) => {
            let sections: Vec<Value> = ini
                .sections
                .iter()
                .map(|s| json!([s.name, pairs(&s.entries)]))
                .collect();
            let mut out = json!({ "sections": sections, "defaults": pairs(&ini.defaults) });
            if dialect == Dialect::ConfigParser {
                out["written"] = json!(ini.to_configparser_string());
            }
            out
        }
        // Python stops at a missing header or a duplicate, and otherwise lists every bad line.
        Err(errors) => {
            let stop = if errors[0].problem.starts_with("File contains") {
                Some(&errors[0])
            } else {
                errors
                    .iter()
                    .find(|e| e.problem.starts_with("While reading"))
            };
            let mut lines: Vec<u32> = match stop {
                Some(e) => e.line.into_iter().collect(),
                None => errors.iter().filter_map(|e| e.line).collect(),
            };
            lines.sort_unstable();
            lines.dedup();
            json!({ "error_lines": lines })
        }
    }
}

fn reference(files: &[PathBuf]) -> BTreeMap<String, Value> {
    let mut cmd = Command::new(venv_python());
    cmd.arg(workspace_root().join("tests/reference/dump_ini.py"))
        .args(files);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    serde_json::from_slice(&out.stdout).expect("dump_ini.py prints JSON")
}

#[test]
fn generated_texts_read_as_configparser_reads_them() {
    let seed = seed("INI_DIALECTS_SEED", 20_261_125);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for i in 0..FILES {
        let path = dir.path().join(format!("gen_{seed}_{i:03}.ini"));
        std::fs::write(&path, text(&mut Rng::for_input(seed, i))).expect("write generated text");
        files.push(path);
    }
    let verdicts = reference(&files);
    let mut parsed = [0, 0];
    let mut mismatches = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let key = file.display().to_string();
        let expected = verdicts
            .get(&key)
            .unwrap_or_else(|| panic!("dump_ini.py said nothing of {key}"));
        let text = std::fs::read_to_string(file).expect("read generated text");
        for (n, (name, dialect)) in [
            ("supervisor", Dialect::Supervisor),
            ("configparser", Dialect::ConfigParser),
        ]
        .into_iter()
        .enumerate()
        {
            let actual = ours(&text, file, dialect);
            parsed[n] += usize::from(actual.get("sections").is_some());
            if actual != expected[name] {
                mismatches.push(format!(
                    "seed {seed}, input {i} ({name} dialect), text {text:?}\n  reference: {}\n  ours:      {actual}",
                    expected[name]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} reading(s) differ from Python's configparser (replay with INI_DIALECTS_SEED={seed}):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Both outcomes must be exercised in both dialects for the comparison to mean something.
    for (n, count) in parsed.into_iter().enumerate() {
        assert!(
            count >= 20 && count + 20 <= FILES as usize,
            "dialect {n}: {count} of {FILES} texts parse; retune the generator"
        );
    }
}
