//! Our side of the differential test in `tools/refdiff` (run by `tools/refdiff/run.sh`, which
//! needs Python and the reference source): each ignored test reads the generated inputs from
//! `$REFDIFF_DIR` and writes what this crate makes of them in the format the Python side
//! prints, so that the two can be compared line for line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use supvisors_rules::context::{Accounts, HostEntry, LoadContext, Resolver, UserAccount};
use supvisors_rules::ini::{Dialect, parse_ini};
use supvisors_rules::pystr::repr;
use supvisors_rules::supervisor::load_supervisor_config;
use supvisors_rules::values::LogFile;

struct OnlyRoot;

impl Accounts for OnlyRoot {
    fn user_by_name(&self, name: &str) -> Option<UserAccount> {
        (name == "root").then(|| UserAccount {
            name: "root".into(),
            uid: 0,
            gid: 0,
        })
    }
    fn user_by_id(&self, uid: u32) -> Option<UserAccount> {
        (uid == 0).then(|| UserAccount {
            name: "root".into(),
            uid: 0,
            gid: 0,
        })
    }
    fn group_by_name(&self, name: &str) -> Option<u32> {
        (name == "root").then_some(0)
    }
    fn group_exists(&self, gid: u32) -> bool {
        gid == 0
    }
    fn current_uid(&self) -> Option<u32> {
        Some(0)
    }
}

struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _host: &str) -> Option<HostEntry> {
        None
    }
}

fn refdiff_dir() -> PathBuf {
    PathBuf::from(std::env::var("REFDIFF_DIR").unwrap_or_else(|_| panic!("set REFDIFF_DIR")))
}

fn inputs(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    paths
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn pairs<'a>(items: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    items
        .map(|(k, v)| format!("({}, {})", repr(k), repr(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
#[ignore = "run by tools/refdiff/run.sh"]
fn ini_dump() {
    let sup = std::env::var("REFDIFF_DIALECT").is_ok_and(|d| d == "sup");
    let dialect = if sup {
        Dialect::Supervisor
    } else {
        Dialect::ConfigParser
    };
    let dir = refdiff_dir();
    let mut out = String::new();
    for path in inputs(&dir.join("ini"), "ini") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let line = match parse_ini(&text, &path, dialect) {
            Ok(ini) => {
                let secs: Vec<String> = ini
                    .sections
                    .iter()
                    .map(|s| {
                        format!(
                            "{}: [{}]",
                            repr(&s.name),
                            pairs(s.entries.iter().map(|e| (&e.key, &e.value)))
                        )
                    })
                    .collect();
                let dump = format!(
                    "({{{}}}, [{}])",
                    secs.join(", "),
                    pairs(ini.defaults.iter().map(|e| (&e.key, &e.value)))
                );
                // The ConfigParser dialect is also written back, as supvisors_breed does.
                if sup {
                    dump
                } else {
                    format!("{dump} {}", repr(&ini.to_configparser_string()))
                }
            }
            // Python stops at a missing header or a duplicate, and otherwise lists every bad line.
            Err(errs) => {
                let stop = if errs[0].problem.starts_with("File contains") {
                    Some(&errs[0])
                } else {
                    errs.iter().find(|e| e.problem.starts_with("While reading"))
                };
                let mut lines: Vec<u32> = match stop {
                    Some(e) => e.line.into_iter().collect(),
                    None => errs.iter().filter_map(|e| e.line).collect(),
                };
                lines.sort_unstable();
                lines.dedup();
                let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
                format!("ERR [{}]", lines.join(", "))
            }
        };
        out.push_str(&format!("{} {line}\n", file_name(&path)));
    }
    std::fs::write(dir.join("mine_ini.txt"), out).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
#[ignore = "run by tools/refdiff/run.sh"]
fn cfg_dump() {
    let dir = refdiff_dir();
    let mut env = BTreeMap::new();
    env.insert("HOME".to_string(), "/tmp/refdiff-home".to_string());
    env.insert("USER".to_string(), "alice".to_string());
    let cwd = std::env::current_dir().unwrap_or_else(|e| panic!("{e}"));
    let ctx = LoadContext {
        env,
        host_node_name: "node1".into(),
        cwd,
        local_addresses: Vec::new(),
        accounts: &OnlyRoot,
        resolver: &NoResolver,
    };
    let mut all = serde_json::Map::new();
    for path in inputs(&dir.join("cfg"), "conf") {
        let mut out: Vec<String> = Vec::new();
        match load_supervisor_config(&path, &ctx) {
            Err(errs) => out.extend(errs.iter().map(|e| format!("ERR {}", e.problem))),
            Ok(c) => {
                for g in &c.groups {
                    out.push(format!("G {} {}", g.name, g.priority));
                    for p in &g.processes {
                        let mut env = p.environment.clone();
                        env.sort();
                        let lf = match &p.stdout.logfile {
                            LogFile::Auto => "AUTO".to_string(),
                            LogFile::None => "None".into(),
                            LogFile::Path(p) => p.display().to_string(),
                            LogFile::Syslog => "syslog".into(),
                        };
                        let codes: Vec<String> = p.exitcodes.iter().map(i32::to_string).collect();
                        out.push(format!(
                            "  P {} {} {} [{}] {} {lf} {} {} [{}]",
                            p.name,
                            p.priority,
                            repr(&p.command),
                            pairs(env.iter().map(|(k, v)| (k, v))),
                            p.directory.clone().unwrap_or_else(|| "None".into()),
                            p.stopsignal,
                            p.uid.map_or_else(|| "None".to_string(), |u| u.to_string()),
                            codes.join(", ")
                        ));
                    }
                }
                let warnings: Vec<String> = c.warnings.iter().map(|w| repr(&w.problem)).collect();
                out.push(format!("W [{}]", warnings.join(", ")));
            }
        }
        all.insert(file_name(&path), serde_json::Value::from(out));
    }
    let json = serde_json::to_string(&all).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("mine.json"), json).unwrap_or_else(|e| panic!("{e}"));
}
