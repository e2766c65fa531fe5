//! Normalization of one side's transcript: what legitimately differs between two daemons run
//! on the same configuration (pids, clocks, uptimes, temp dirs, ports, AUTO log suffixes)
//! becomes a placeholder; everything else is kept byte for byte.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

/// Keys whose non-zero numbers are pids or wall-clock times (zero is meaningful: never started).
const VOLATILE_KEYS: [&str; 4] = ["pid", "start", "stop", "now"];

/// The facts of one side that its outputs may contain.
#[derive(Debug, Clone)]
pub struct Normalizer {
    dirs: Vec<String>,
    port: Option<u16>,
}

fn rules() -> &'static [(Regex, &'static str)] {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            // Main log timestamps: `2026-11-25 10:35:37,123`.
            (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", "<TIME>"),
            (r"pid \d+", "pid <PID>"),
            (r"pid:\d+", "pid:<PID>"),
            (r"uptime (\d+ days?, )?\d+:\d\d:\d\d", "uptime <UPTIME>"),
            // Stop times in descriptions: `Nov 24 03:33 AM`.
            (
                r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d (AM|PM)",
                "<DATE>",
            ),
            // AUTO child logs: `<name>-<channel>---<identifier>-XXXXXXXX.log` (tempfile.mktemp).
            (
                r"---([A-Za-z0-9_.-]*?)-[a-z0-9_]{8}\.log",
                "---$1-<RAND>.log",
            ),
            (r"\(\d+\) with SIG", "(<PID>) with SIG"),
        ]
        .into_iter()
        .map(|(pattern, to)| match Regex::new(pattern) {
            Ok(re) => (re, to),
            Err(err) => panic!("normalization pattern {pattern:?}: {err}"),
        })
        .collect()
    })
}

impl Normalizer {
    /// A normalizer for a side whose files live in `dir` and whose TCP server uses `port`.
    pub fn new(dir: &std::path::Path, port: Option<u16>) -> Normalizer {
        let mut dirs = vec![dir.display().to_string()];
        if let Ok(canonical) = dir.canonicalize() {
            let canonical = canonical.display().to_string();
            if !dirs.contains(&canonical) {
                dirs.push(canonical);
            }
        }
        // Longest first, so a path and its canonical form never leave a partial match.
        dirs.sort_by_key(|d| std::cmp::Reverse(d.len()));
        Normalizer { dirs, port }
    }

    /// Replaces everything volatile in a text.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for dir in &self.dirs {
            out = out.replace(dir.as_str(), "<DIR>");
        }
        if let Some(port) = self.port {
            for host in ["127.0.0.1", "localhost"] {
                out = out.replace(&format!("{host}:{port}"), &format!("{host}:<PORT>"));
            }
        }
        for (re, to) in rules() {
            out = re.replace_all(&out, *to).into_owned();
        }
        out
    }

    /// Normalizes every string of a JSON value and the non-zero numbers under volatile keys.
    pub fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.text(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.value(item)),
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    let volatile = VOLATILE_KEYS.contains(&key.as_str())
                        && item.as_f64().is_some_and(|n| n != 0.0);
                    if volatile {
                        *item = Value::String(format!("<{}>", key.to_uppercase()));
                    } else {
                        self.value(item);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Replaces every non-zero integer of `supervisorctl pid` output (pids only there).
pub fn pids_in(text: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\b[1-9][0-9]*\b").unwrap_or_else(|e| panic!("{e}")));
    re.replace_all(text, "<PID>").into_owned()
}

/// Main log lines, normalized, without the ones whose count depends on timing: `waiting for
/// x to stop` and `waiting for x to die` are reports throttled by the clock, logged only when
/// a tick finds the process still alive.
pub fn log_lines(norm: &Normalizer, text: &str) -> Vec<String> {
    norm.text(text)
        .lines()
        .filter(|line| {
            !(line.contains(" INFO waiting for ")
                && (line.ends_with(" to die") || line.ends_with(" to stop")))
        })
        .map(str::to_owned)
        .collect()
}

/// Sorts each run of consecutive lines whose subject (the word after `keyword`) starts with the
/// same character: processes of one group stop together, their order inside the group is the
/// kernel's, not the daemon's.
pub fn sort_runs_by_group(lines: &mut [String], keyword: &str) {
    let key = |line: &String| {
        line.split_once(keyword)
            .and_then(|(_, rest)| rest.trim_start().chars().next())
    };
    let mut start = 0;
    while start < lines.len() {
        let group = key(&lines[start]);
        let mut end = start + 1;
        while end < lines.len() && key(&lines[end]) == group {
            end += 1;
        }
        lines[start..end].sort();
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_parts_become_placeholders() {
        let norm = Normalizer::new(std::path::Path::new("/tmp/x1"), Some(4242));
        let text = "2026-11-25 10:35:37,123 INFO spawned: 'a' with pid 77 \
                    /tmp/x1/logs/a-stdout---compat-ab_12cd9.log uptime 0:00:13 Nov 24 03:33 AM \
                    http://127.0.0.1:4242 killing 'a' (77) with SIGKILL";
        assert_eq!(
            norm.text(text),
            "<TIME> INFO spawned: 'a' with pid <PID> <DIR>/logs/a-stdout---compat-<RAND>.log \
             uptime <UPTIME> <DATE> http://127.0.0.1:<PORT> killing 'a' (<PID>) with SIGKILL"
        );
    }

    #[test]
    fn zero_times_are_kept_and_others_hidden() {
        let norm = Normalizer::new(std::path::Path::new("/nowhere"), None);
        let mut value = serde_json::json!({"pid": 0, "start": 12, "stop": 0, "exitstatus": 3});
        norm.value(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"pid": 0, "start": "<START>", "stop": 0, "exitstatus": 3})
        );
    }

    #[test]
    fn runs_of_one_group_are_sorted_but_groups_keep_their_order() {
        let mut lines: Vec<String> = ["stopped: s", "stopped: a2", "stopped: a1", "stopped: b1"]
            .map(String::from)
            .to_vec();
        sort_runs_by_group(&mut lines, "stopped:");
        assert_eq!(
            lines,
            ["stopped: s", "stopped: a1", "stopped: a2", "stopped: b1"]
        );
    }
}
