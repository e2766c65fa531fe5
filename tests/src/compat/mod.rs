//! Differential compatibility suite: the reference `supervisord` 4.3.0 and a subject daemon
//! run side by side on the same configuration template, driven by the reference's
//! `supervisorctl` and by Python `xmlrpc.client` (`reference/xmlrpc_scenario.py`); their
//! normalized transcripts must be equal, step by step.
//!
//! The subject is `$COMPAT_SUBJECT` when set (the reference itself validates the harness),
//! else our `supvisorsd`.

mod normalize;
mod process;
mod side;

use std::path::PathBuf;

use serde_json::Value;

pub use normalize::Normalizer;
pub use side::Side;

/// One step of a scenario; `@DIR@` and `@PORT@` in arguments are the side's.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// `supervisorctl -c CONF ARGS...`: stdout, stderr and exit code.
    Ctl(&'static [&'static str]),
    /// Like [`Step::Ctl`], with stdout lines sorted (log excerpts whose line order is timing).
    CtlSorted(&'static [&'static str]),
    /// `xmlrpc_scenario.py URL USER PASSWORD SECTION ARGS...`: its JSON records.
    Py(&'static str, &'static [&'static str]),
    /// `supervisorctl tail -f ARGS...` read until `first` appears, then the XML-RPC call
    /// `method(params)` (JSON list), then read until `until` appears; killed by its pid.
    TailF {
        /// Arguments after `tail -f`.
        args: &'static [&'static str],
        /// Text to see before the call.
        first: &'static str,
        /// Method called once `first` is seen.
        method: &'static str,
        /// Its parameters as a JSON list.
        params: &'static str,
        /// Text that ends the capture (output is cut after it).
        until: &'static str,
    },
    /// Replaces the configuration file with another template of `fixtures/compat`.
    Edit(&'static str),
    /// `/bin/sh -c SCRIPT` in the side's directory: stdout and exit code.
    Sh(&'static str),
    /// `supervisorctl shutdown`, then the daemon's own exit (bounded).
    Shutdown,
    /// The daemon's own exit (bounded), after a shutdown asked for another way.
    WaitExit,
    /// The main log: lines sorted, or, with a pattern, only matching lines in their order.
    MainLog(Option<&'static str>),
    /// The main log from the first `waiting for ... to die` report (shutdown has begun) on:
    /// that report, then the lines matching the pattern in their order, each run of one
    /// group's lines sorted (a group's processes stop together, the kernel orders them).
    ShutdownLog(&'static str),
    /// The event listener's file, normalized, stably grouped by the process or group named.
    Events(&'static str),
}

/// A configuration template and what to do with it.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Template name in `tests/fixtures/compat` (without `.conf`).
    pub config: &'static str,
    /// Whether the daemon serves a UNIX socket (`@DIR@/supervisor.sock`) instead of TCP.
    pub unix: bool,
    /// Credentials for the XML-RPC client (`("", "")` when none).
    pub auth: (&'static str, &'static str),
    /// The steps, run in order on each side.
    pub steps: &'static [Step],
    /// Texts the normalized reference transcript must contain (spec facts, checked on the
    /// reference so a wrong expectation is caught before it is imposed on the subject).
    pub expect: &'static [&'static str],
}

/// Directory of the compat fixtures.
pub fn fixtures() -> PathBuf {
    crate::workspace_root().join("tests/fixtures/compat")
}

/// The reference daemon and client from the venv.
pub fn reference_bin(name: &str) -> PathBuf {
    let python = crate::venv_python();
    let bin = python.with_file_name(name);
    assert!(bin.exists(), "{} is missing from the venv", bin.display());
    bin
}

/// The subject daemon: `$COMPAT_SUBJECT`, else our `supvisorsd`.
pub fn subject_bin() -> PathBuf {
    match std::env::var_os("COMPAT_SUBJECT") {
        Some(path) => {
            let path = PathBuf::from(path);
            let path = if path.is_relative() {
                crate::workspace_root().join(path)
            } else {
                path
            };
            assert!(
                path.exists(),
                "COMPAT_SUBJECT={} is missing",
                path.display()
            );
            path
        }
        None => crate::binary("supvisorsd"),
    }
}

/// Runs the scenario on the reference and on the subject at the same time and panics with a
/// readable report on any difference.
pub fn check(scenario: &Scenario) {
    let reference = reference_bin("supervisord");
    let subject = subject_bin();
    let (ours_ref, ours_sub) = std::thread::scope(|scope| {
        let a = scope.spawn(|| Side::run(&reference, scenario));
        let b = scope.spawn(|| Side::run(&subject, scenario));
        (a.join(), b.join())
    });
    let reference_records = match ours_ref {
        Ok(records) => records,
        Err(_) => panic!("[{}] the reference side panicked", scenario.config),
    };
    // COMPAT_DUMP=1 prints the normalized reference transcript (to write expectations).
    if std::env::var_os("COMPAT_DUMP").is_some() {
        for record in &reference_records {
            eprintln!("{record}");
        }
    }
    validate_reference(scenario, &reference_records);
    let subject_records = match ours_sub {
        Ok(records) => records,
        Err(_) => panic!(
            "[{}] the subject side ({}) panicked",
            scenario.config,
            subject.display()
        ),
    };
    if let Some(never) = subject_records
        .iter()
        .find(|r| r.get("daemon_never_ready").is_some())
    {
        panic!(
            "[{}] the subject ({}) never answered supervisor.getState:\n{}",
            scenario.config,
            subject.display(),
            never["daemon_output"].as_str().unwrap_or_default()
        );
    }
    let report = compare(scenario, &reference_records, &subject_records);
    assert!(report.is_empty(), "{report}");
}

/// Every wait of the reference succeeded and every expectation is present.
fn validate_reference(scenario: &Scenario, records: &[Value]) {
    let text = records
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(error) = records.iter().find(|step| step.get("error").is_some()) {
        panic!(
            "[{}] a client failed on the reference: {error}\n{text}",
            scenario.config
        );
    }
    let failed_wait = records.iter().find_map(|step| {
        step.get("records")?
            .as_array()?
            .iter()
            .find(|r| r.get("ok") == Some(&Value::Bool(false)))
    });
    if let Some(wait) = failed_wait {
        panic!(
            "[{}] a wait of the reference timed out: {wait}\n{text}",
            scenario.config
        );
    }
    for expected in scenario.expect {
        assert!(
            text.contains(expected),
            "[{}] the reference transcript lacks {expected:?}:\n{text}",
            scenario.config
        );
    }
}

/// A readable list of the steps that differ (empty when the transcripts match).
fn compare(scenario: &Scenario, reference: &[Value], subject: &[Value]) -> String {
    let mut report = String::new();
    // Record 0 is the readiness wait, record i the outcome of step i - 1.
    for index in 0..reference.len().max(subject.len()) {
        let step = match index.checked_sub(1).and_then(|i| scenario.steps.get(i)) {
            Some(step) => format!("{step:?}"),
            None => "ready".to_owned(),
        };
        let (a, b) = (reference.get(index), subject.get(index));
        let (a, b) = (a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null));
        let diffs = crate::json_diff(a, b);
        if diffs.is_empty() {
            continue;
        }
        let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_else(|e| e.to_string());
        let delta = line_delta(a, b);
        if !delta.is_empty() {
            // Long lists: the entries only one side has say it all.
            report.push_str(&format!(
                "=== config {}, step {index}: {step}\n{delta}",
                scenario.config
            ));
            continue;
        }
        report.push_str(&format!(
            "=== config {}, step {index}: {step}\n{}\n--- reference\n{}\n--- subject\n{}\n",
            scenario.config,
            diffs.join("\n"),
            pretty(a),
            pretty(b),
        ));
    }
    if reference.len() != subject.len() {
        report.push_str(&format!(
            "=== config {}: {} reference steps, {} subject steps\n",
            scenario.config,
            reference.len(),
            subject.len()
        ));
    }
    report
}

/// For records holding a `lines` or `events` list: the entries only one side has (a diff of
/// two long lists is otherwise unreadable).
fn line_delta(reference: &Value, subject: &Value) -> String {
    let mut out = String::new();
    for key in ["lines", "events"] {
        let (Some(a), Some(b)) = (
            reference.get(key).and_then(Value::as_array),
            subject.get(key).and_then(Value::as_array),
        ) else {
            continue;
        };
        let mut only_b: Vec<&Value> = b.iter().collect();
        let mut only_a = Vec::new();
        for item in a {
            match only_b.iter().position(|other| *other == item) {
                Some(at) => {
                    only_b.remove(at);
                }
                None => only_a.push(item),
            }
        }
        for item in only_a {
            out.push_str(&format!("only in reference {key}: {item}\n"));
        }
        for item in only_b {
            out.push_str(&format!("only in subject {key}: {item}\n"));
        }
    }
    out
}
