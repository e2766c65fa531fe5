//! One side of a compat scenario: a daemon in its own temp dir, the steps run against it, and
//! the normalized transcript (one JSON value per step).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::normalize::{self, Normalizer};
use super::process::{self, Daemon, Finished, run_bounded};
use super::{Scenario, Step, fixtures};

/// Executable helpers copied into every side's `bin/` (mode 0755, except `noexec.sh`: 0644).
const HELPERS: [&str; 8] = [
    "once.sh",
    "stubborn.sh",
    "family.sh",
    "burst.sh",
    "talker.sh",
    "printenv.sh",
    "noexec.sh",
    "state.sh",
];

/// A daemon under test and what the steps need to reach it.
pub struct Side {
    dir: tempfile::TempDir,
    conf: PathBuf,
    port: u16,
    url: String,
    norm: Normalizer,
    daemon: Option<Daemon>,
}

impl Side {
    /// Runs every step of `scenario` against `bin` and returns the normalized transcript.
    pub fn run(bin: &Path, scenario: &Scenario) -> Vec<Value> {
        let mut dir = tempfile::Builder::new()
            .prefix("compat-")
            .tempdir()
            .unwrap_or_else(|err| panic!("temp dir: {err}"));
        // COMPAT_KEEP=1 keeps each side's directory (config, logs, daemon.out) to debug.
        if std::env::var_os("COMPAT_KEEP").is_some() {
            dir.disable_cleanup(true);
            eprintln!(
                "[{}] {} side in {}",
                scenario.config,
                bin.display(),
                dir.path().display()
            );
        }
        let port = process::free_port();
        let url = if scenario.unix {
            format!("unix://{}/supervisor.sock", dir.path().display())
        } else {
            format!("http://127.0.0.1:{port}")
        };
        let norm = Normalizer::new(dir.path(), Some(port));
        let conf = dir.path().join("supervisord.conf");
        let mut side = Side {
            dir,
            conf,
            port,
            url,
            norm,
            daemon: None,
        };
        side.prepare(scenario.config);
        side.daemon = Some(Daemon::start(bin, &side.conf, side.dir.path()));
        let ready = side.ready(scenario);
        let answered = ready["records"][0]["ok"] == Value::Bool(true);
        let mut transcript = vec![ready];
        if !answered {
            // A daemon that never answered would make every later wait time out: stop here
            // with what it printed, the comparison reports the rest as missing.
            let out = std::fs::read_to_string(side.dir().join("daemon.out")).unwrap_or_default();
            let mut record = json!({ "daemon_never_ready": true, "daemon_output": out });
            side.norm.value(&mut record);
            transcript.push(record);
            return transcript;
        }
        for step in scenario.steps {
            let mut record = side.step(scenario, step);
            side.norm.value(&mut record);
            transcript.push(record);
        }
        transcript
    }

    /// Polls the daemon with short `ready` runs until it answers, it exits, or 30 s pass.
    fn ready(&mut self, scenario: &Scenario) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = self.python(scenario, "ready", &["2"]);
            let answered = ready["records"][0]["ok"] == Value::Bool(true);
            let exited = self.daemon.as_mut().is_none_or(Daemon::exited);
            if answered || exited || Instant::now() >= deadline {
                return ready;
            }
        }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the helpers and the configuration.
    fn prepare(&self, config: &str) {
        use std::os::unix::fs::PermissionsExt as _;
        let bin = self.dir().join("bin");
        let made =
            std::fs::create_dir_all(&bin).and(std::fs::create_dir_all(self.dir().join("logs")));
        made.unwrap_or_else(|err| panic!("cannot populate {}: {err}", self.dir().display()));
        for name in HELPERS {
            let target = bin.join(name);
            let copied = std::fs::copy(fixtures().join("bin").join(name), &target);
            copied.unwrap_or_else(|err| panic!("cannot copy helper {name}: {err}"));
            let mode = if name == "noexec.sh" { 0o644 } else { 0o755 };
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode))
                .unwrap_or_else(|err| panic!("cannot chmod {name}: {err}"));
        }
        self.write_config(config);
    }

    fn write_config(&self, config: &str) {
        let template = fixtures().join(format!("{config}.conf"));
        let text = std::fs::read_to_string(&template)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", template.display()));
        std::fs::write(&self.conf, self.expand(&text))
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", self.conf.display()));
    }

    /// Fills the placeholders of a template or a step argument.
    fn expand(&self, text: &str) -> String {
        let python = crate::venv_python();
        let reference = crate::workspace_root().join("tests/reference");
        text.replace("@DIR@", &self.dir().display().to_string())
            .replace("@PORT@", &self.port.to_string())
            .replace("@PYTHON@", &python.display().to_string())
            .replace("@REFERENCE@", &reference.display().to_string())
    }

    fn step(&mut self, scenario: &Scenario, step: &Step) -> Value {
        match *step {
            Step::Ctl(args) => self.ctl(args, false),
            Step::CtlSorted(args) => self.ctl(args, true),
            Step::Py(section, args) => self.python(scenario, section, args),
            Step::TailF {
                args,
                first,
                method,
                params,
                until,
            } => self.tail_f(scenario, args, first, (method, params), until),
            Step::Edit(config) => {
                self.write_config(config);
                json!({ "edit": config })
            }
            Step::Sh(script) => {
                let out = run_bounded(
                    Command::new("/bin/sh")
                        .arg("-c")
                        .arg(self.expand(script))
                        .current_dir(self.dir()),
                );
                json!({ "sh": script, "stdout": out.stdout, "exit": out.code })
            }
            Step::Shutdown => {
                let ctl = self.ctl(&["shutdown"], false);
                json!({ "shutdown": ctl, "daemon_exit": self.wait_exit() })
            }
            Step::WaitExit => json!({ "daemon_exit": self.wait_exit() }),
            Step::MainLog(pattern) => self.main_log(pattern),
            Step::ShutdownLog(pattern) => self.shutdown_log(pattern),
            Step::Events(file) => self.events(file),
        }
    }

    /// The daemon's exit code once it has exited by itself (bounded wait).
    fn wait_exit(&mut self) -> Value {
        match self.daemon.as_mut() {
            Some(daemon) => json!(daemon.wait_exit(Duration::from_secs(30))),
            None => json!("not started"),
        }
    }

    fn ctl(&self, args: &[&str], sorted: bool) -> Value {
        let args: Vec<String> = args.iter().map(|a| self.expand(a)).collect();
        let out = run_bounded(
            Command::new(super::reference_bin("supervisorctl"))
                .arg("-c")
                .arg(&self.conf)
                .args(&args)
                .current_dir(self.dir()),
        );
        let mut stdout = out.stdout;
        if args.first().is_some_and(|a| a == "pid") {
            stdout = normalize::pids_in(&stdout);
        }
        if sorted {
            let mut lines = normalize::log_lines(&self.norm, &stdout);
            lines.sort();
            stdout = lines.join("\n");
        }
        json!({ "ctl": args, "stdout": stdout, "stderr": out.stderr, "exit": out.code,
                "timed_out": out.timed_out })
    }

    fn python(&self, scenario: &Scenario, section: &str, args: &[&str]) -> Value {
        let out = run_bounded(&mut self.python_command(scenario, section, args));
        py_record(section, args, out)
    }

    fn python_command(&self, scenario: &Scenario, section: &str, args: &[&str]) -> Command {
        let script = crate::workspace_root().join("tests/reference/xmlrpc_scenario.py");
        let mut cmd = Command::new(crate::venv_python());
        cmd.arg(script)
            .arg(&self.url)
            .arg(scenario.auth.0)
            .arg(scenario.auth.1)
            .arg(section)
            .args(args.iter().map(|a| self.expand(a)))
            .current_dir(self.dir());
        cmd
    }

    fn tail_f(
        &self,
        scenario: &Scenario,
        args: &[&str],
        first: &str,
        (method, params): (&str, &str),
        until: &str,
    ) -> Value {
        let mut child = Command::new(super::reference_bin("supervisorctl"))
            .arg("-c")
            .arg(&self.conf)
            .arg("tail")
            .arg("-f")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run supervisorctl tail -f: {err}"));
        let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
        let reader = child.stdout.take().map(|mut stdout| {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = stdout.read(&mut buf) {
                    if let Ok(mut all) = seen.lock() {
                        all.extend_from_slice(&buf[..n]);
                    }
                }
            })
        });
        let text = || {
            seen.lock()
                .map(|all| String::from_utf8_lossy(&all).into_owned())
                .unwrap_or_default()
        };
        let wait_for = |needle: &str| {
            let deadline = Instant::now() + process::CLIENT_TIMEOUT;
            while !text().contains(needle) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            text().contains(needle)
        };
        let saw_first = wait_for(first);
        let call = run_bounded(&mut self.python_command(scenario, "call", &[method, params]));
        let saw_until = wait_for(until);
        // Bounded by construction: the follower never ends by itself; killed by its own pid.
        let _ = child.kill();
        let _ = child.wait();
        if let Some(reader) = reader {
            let _ = reader.join();
        }
        let mut output = text();
        if let Some(at) = output.find(until) {
            output.truncate(at + until.len());
        }
        json!({ "tail_f": args, "saw_first": saw_first, "saw_until": saw_until,
                "output": output, "call": py_record("call", &[method, params], call) })
    }

    fn main_log(&self, pattern: Option<&str>) -> Value {
        let path = self.dir().join("supervisord.log");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| format!("<{err}>"));
        let mut lines = normalize::log_lines(&self.norm, &text);
        match pattern {
            None => lines.sort(),
            Some(pattern) => lines.retain(|line| line.contains(pattern)),
        }
        json!({ "main_log": pattern, "lines": lines })
    }

    fn shutdown_log(&self, pattern: &str) -> Value {
        let path = self.dir().join("supervisord.log");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| format!("<{err}>"));
        let text = self.norm.text(&text);
        let mut lines = text.lines();
        let first = lines
            .by_ref()
            .find(|line| line.contains(" INFO waiting for ") && line.ends_with(" to die"));
        let mut after: Vec<String> = lines
            .filter(|line| line.contains(pattern))
            .map(str::to_owned)
            .collect();
        normalize::sort_runs_by_group(&mut after, pattern);
        json!({ "shutdown_log": pattern, "first_report": first, "lines": after })
    }

    fn events(&self, file: &str) -> Value {
        let path = self.dir().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| format!("<{err}>"));
        // Serials are dropped from the events compared below; what they must satisfy is
        // checked here: the pool numbers its events 0, 1, 2...; global serials increase.
        let raw: Vec<Value> = text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        let header = |e: &Value, key: &str| {
            e["headers"][key]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
        };
        let consecutive = raw
            .iter()
            .enumerate()
            .all(|(i, e)| header(e, "poolserial") == Some(i as u64));
        let serials: Vec<Option<u64>> = raw.iter().map(|e| header(e, "serial")).collect();
        let increasing =
            serials.iter().all(Option::is_some) && serials.windows(2).all(|w| w[0] < w[1]);
        let mut events: Vec<(String, Value)> =
            text.lines().map(|line| event(&self.norm, line)).collect();
        // Per process (or group) order is the daemon's; across processes it is the clock's.
        events.sort_by(|a, b| a.0.cmp(&b.0));
        json!({ "events": events.into_iter().map(|(_, e)| e).collect::<Vec<_>>(),
                "poolserials_consecutive_from_0": consecutive,
                "serials_increasing": increasing })
    }
}

/// One listener record: headers without serials and `len` (checked against the payload).
fn event(norm: &Normalizer, line: &str) -> (String, Value) {
    let Ok(mut value) = serde_json::from_str::<Value>(line) else {
        return (String::new(), json!({ "unparsable": line }));
    };
    let payload = value["payload"].as_str().unwrap_or_default().to_owned();
    if let Some(headers) = value["headers"].as_object_mut() {
        let len = headers.remove("len");
        let ok = len.as_ref().and_then(Value::as_str) == Some(payload.len().to_string().as_str());
        headers.insert("len_matches_payload".into(), json!(ok));
        headers.remove("serial");
        headers.remove("poolserial");
    }
    let subject = payload
        .split_whitespace()
        .find_map(|word| {
            word.strip_prefix("processname:")
                .or_else(|| word.strip_prefix("groupname:"))
        })
        .unwrap_or_default()
        .to_owned();
    norm.value(&mut value);
    (subject, value)
}

fn py_record(section: &str, args: &[&str], out: Finished) -> Value {
    match serde_json::from_str::<Value>(&out.stdout) {
        Ok(records) if out.code == Some(0) => {
            json!({ "py": section, "args": args, "records": records })
        }
        _ => json!({ "py": section, "args": args, "error": {
            "exit": out.code, "timed_out": out.timed_out, "stdout": out.stdout, "stderr": out.stderr } }),
    }
}
