//! The `[rpcinterface:supvisors]` options, typed (spec `supvisors-core.md` §2).
//!
//! Fatal problems (logger options, no `inet_http_server`, `supvisors_list`, invalid
//! disabilities JSON) make the call fail with every fatal problem found; lenient ones keep
//! the default and are returned as warnings, as the reference logs them and carries on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use supvisors_core::enums::{ConciliationStrategies, EventLinks, StartingStrategies};

use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::option_paths::{expansions, read_disabilities, to_filepaths};
use crate::option_values::{ranged, to_enum, to_periods, to_port};
use crate::paths::existing_dirpath;
use crate::supvisors_list::{
    LocalInstance, NodeGroup, PortOptions, SupvisorsInstance, build_instances,
    find_local_identifier, local_node_references, split_supvisors_list,
};
pub use crate::values::LogLevel;
use crate::values::{
    boolean as py_boolean, byte_size as py_byte_size, integer as py_int, list_of_strings,
    logging_level as py_logging_level,
};

/// Where Supvisors writes its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupvisorsLogFile {
    /// `AUTO`: into Supervisor's own logger.
    Auto,
    /// `NONE`/`OFF`: no file.
    None,
    /// `SYSLOG`.
    Syslog,
    /// A file whose directory exists.
    Path(PathBuf),
}

/// Every option of `[rpcinterface:supvisors]`, typed, with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupvisorsOptions {
    /// Items of `supvisors_list` after splitting and de-duplication.
    pub supvisors_list: Vec<String>,
    /// Instances, one per deduced identifier, in `supvisors_list` order.
    pub instances: Vec<SupvisorsInstance>,
    /// Instances grouped by node key, in order of first appearance.
    pub nodes: Vec<NodeGroup>,
    /// The deduced identifier of the local instance.
    pub local_identifier: String,
    /// Rules files (sorted absolute paths); `None` when the option is unset or unexpandable.
    pub rules_files: Option<Vec<PathBuf>>,
    /// Option `internal_port` (0 = derive).
    pub internal_port: u32,
    /// External event link.
    pub event_link: EventLinks,
    /// Option `event_port` (0 = derive).
    pub event_port: u32,
    /// Never reconnect to an instance once it went silent.
    pub auto_fence: bool,
    /// Seconds to wait for the instances in INITIALIZATION.
    pub synchro_timeout: u32,
    /// Ticks of silence before an instance is declared lost.
    pub inactivity_ticks: u32,
    /// Option `tick_period` (beyond the reference, whose period is 5 s): time between ticks.
    pub tick_period: Duration,
    /// Option `internal_secret` (beyond the reference): a secret every instance must prove
    /// when it opens an internal link; `None` keeps the links open to anyone, as in 0.15.
    pub internal_secret: Option<String>,
    /// Core identifiers, filtered against the deduced identifiers.
    pub core_identifiers: BTreeSet<String>,
    /// File persisting program disabilities.
    pub disabilities_file: Option<PathBuf>,
    /// Disabilities read from that file at startup.
    pub disabilities: BTreeMap<String, bool>,
    /// Strategy for process conflicts.
    pub conciliation_strategy: ConciliationStrategies,
    /// Default starting strategy of applications.
    pub starting_strategy: StartingStrategies,
    /// Whether statistics are collected.
    pub stats_enabled: bool,
    /// Statistics periods in seconds, sorted.
    pub stats_periods: Vec<u32>,
    /// Statistics history depth.
    pub stats_histo: u32,
    /// IRIX mode for CPU display.
    pub stats_irix_mode: bool,
    /// Default bytes of the tail page.
    pub tail_limit: i64,
    /// Initial bytes of the `tail -f` page.
    pub tailf_limit: i64,
    /// Supvisors log file.
    pub logfile: SupvisorsLogFile,
    /// Rotation size of the log file (0 = no rotation).
    pub logfile_maxbytes: i64,
    /// Number of rotated log files kept.
    pub logfile_backups: i64,
    /// Log level.
    pub loglevel: LogLevel,
    /// Lenient problems: the option was reported and its default kept.
    pub warnings: Vec<ConfigError>,
}

/// Bounds of `tick_period`, in milliseconds.
pub const TICK_PERIOD_MS: (u64, u64) = (100, 60_000);

/// Bounds of `synchro_timeout`.
pub const SYNCHRO_TIMEOUT: (i64, i64) = (15, 1200);
/// Bounds of `inactivity_ticks`.
pub const INACTIVITY_TICKS: (i64, i64) = (2, 720);

struct Reader<'a> {
    entries: &'a [(String, String, u32)],
    path: &'a Path,
    warnings: Vec<ConfigError>,
    errors: Vec<ConfigError>,
}

const SECTION: &str = "rpcinterface:supvisors";

impl Reader<'_> {
    /// The fatal errors followed by the warnings found so far: when the options are rejected,
    /// the lenient fallbacks are still worth reporting in the same run.
    fn into_problems(mut self) -> Vec<ConfigError> {
        self.errors.append(&mut self.warnings);
        self.errors
    }

    fn get(&self, key: &str) -> Option<(&str, u32)> {
        // Supervisor keeps the last value of a repeated key.
        self.entries
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, l)| (v.as_str(), *l))
    }

    fn report(&self, key: &str, line: u32, message: String, found: &str) -> ConfigError {
        ConfigError::new(self.path, format!("SupvisorsOptions.get_value: {message}"))
            .at_line(line)
            .in_section(SECTION)
            .expected_found(format!("a valid '{key}'"), format!("'{found}'"))
    }

    /// Lenient option: a conversion error is a warning and the default is kept.
    fn lenient<T>(&mut self, key: &str, default: T, conv: impl Fn(&str) -> Result<T, String>) -> T {
        let Some((value, line)) = self.get(key) else {
            return default;
        };
        match conv(value) {
            Ok(v) => v,
            Err(msg) => {
                let err = self.report(key, line, msg, value).warning();
                self.warnings.push(err);
                default
            }
        }
    }

    /// Fatal option: a conversion error stops the start-up.
    fn fatal<T>(&mut self, key: &str, default: T, conv: impl Fn(&str) -> Result<T, String>) -> T {
        let Some((value, line)) = self.get(key) else {
            return default;
        };
        match conv(value) {
            Ok(v) => v,
            Err(msg) => {
                let err = ConfigError::new(self.path, format!("invalid '{key}': {msg}"))
                    .at_line(line)
                    .in_section(SECTION)
                    .expected_found(format!("a valid '{key}'"), format!("'{value}'"));
                self.errors.push(err);
                default
            }
        }
    }
}

/// `tick_period`: seconds as a decimal number within [`TICK_PERIOD_MS`].
fn to_tick_period(value: &str) -> Result<Duration, String> {
    let (min, max) = TICK_PERIOD_MS;
    let invalid = || {
        format!(
            "invalid value for tick_period: {value}. expected a number of seconds in [{};{}]",
            min as f64 / 1000.0,
            max as f64 / 1000.0
        )
    };
    let secs: f64 = value.trim().parse().map_err(|_| invalid())?;
    let ms = (secs * 1000.0).round();
    if !secs.is_finite() || ms < min as f64 || ms > max as f64 {
        return Err(invalid());
    }
    Ok(Duration::from_millis(ms as u64))
}

/// Parses the section's entries (lower-cased key, raw value, line). `inet_http_port` is the
/// port of `[inet_http_server]`, `None` when the section is absent; `here` is the directory of
/// the main configuration file.
pub fn parse_supvisors_options(
    entries: &[(String, String, u32)],
    path: &Path,
    here: &Path,
    supervisor_identifier: &str,
    inet_http_port: Option<u32>,
    ctx: &LoadContext<'_>,
) -> Result<SupvisorsOptions, Vec<ConfigError>> {
    let mut r = Reader {
        entries,
        path,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let env = &ctx.env;
    let cwd = ctx.cwd.as_path();
    // Logger options come first and are fatal (get_logger_configuration is unguarded).
    let logfile = r.fatal("logfile", SupvisorsLogFile::Auto, |v| {
        Ok(match v.to_lowercase().as_str() {
            "auto" => SupvisorsLogFile::Auto,
            "none" | "off" => SupvisorsLogFile::None,
            "syslog" => SupvisorsLogFile::Syslog,
            _ => SupvisorsLogFile::Path(existing_dirpath(v, ctx)?),
        })
    });
    let logfile_maxbytes = r.fatal("logfile_maxbytes", 50 << 20, py_byte_size);
    let logfile_backups = r.fatal("logfile_backups", 10, py_int);
    let loglevel = r.fatal("loglevel", LogLevel::Info, py_logging_level);
    // Lenient options.
    let supvisors_list = r
        .get("supvisors_list")
        .map(|(v, _)| split_supvisors_list(v))
        .unwrap_or_else(|| vec![ctx.host_node_name.clone()]);
    let list_line = r.get("supvisors_list").map(|(_, l)| l);
    let expand_map = expansions(here, &ctx.host_node_name, env);
    let mut none_found_line = None;
    let rules_files = r.lenient("rules_files", None, |v| {
        to_filepaths(v, &expand_map, cwd).map(Some)
    });
    let rules_files = rules_files.map(|found| {
        if found.none_found {
            none_found_line = r.get("rules_files").map(|(_, l)| l);
        }
        found.files
    });
    if let Some(line) = none_found_line {
        let warn = ConfigError::new(path, "SupvisorsOptions.to_filepaths: no rules file found")
            .at_line(line)
            .in_section(SECTION)
            .warning();
        r.warnings.push(warn);
    }
    let internal_port = r.lenient("internal_port", 0, to_port);
    let event_link = r.lenient("event_link", EventLinks::None, |v| {
        to_enum("event_link", EventLinks::from_name)(&v.to_uppercase())
    });
    let event_port = r.lenient("event_port", 0, to_port);
    let auto_fence = r.lenient("auto_fence", false, py_boolean);
    let synchro_timeout = r.lenient("synchro_timeout", 15, |v| {
        ranged(v, "synchro_timeout", SYNCHRO_TIMEOUT, " (seconds)")
    });
    let inactivity_ticks = r.lenient("inactivity_ticks", 2, |v| {
        ranged(v, "inactivity_ticks", INACTIVITY_TICKS, "")
    });
    let tick_period = r.lenient("tick_period", Duration::from_secs(5), to_tick_period);
    let internal_secret = r
        .get("internal_secret")
        .map(|(v, _)| v.to_owned())
        .filter(|v| !v.is_empty());
    let core_list: BTreeSet<String> = r
        .get("core_identifiers")
        .map(|(v, _)| {
            list_of_strings(v)
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let disabilities_file = r.lenient("disabilities_file", None, |v| {
        existing_dirpath(v, ctx).map(Some)
    });
    let conciliation_strategy = r.lenient(
        "conciliation_strategy",
        ConciliationStrategies::User,
        to_enum("conciliation_strategy", ConciliationStrategies::from_name),
    );
    let starting_strategy = r.lenient(
        "starting_strategy",
        StartingStrategies::Config,
        to_enum("starting_strategy", StartingStrategies::from_name),
    );
    let stats_enabled = r.lenient("stats_enabled", true, py_boolean);
    let stats_periods = r.lenient("stats_periods", vec![10], to_periods);
    let stats_histo = r.lenient("stats_histo", 200, |v| {
        ranged(v, "stats_histo", (10, 1500), " (seconds)")
    });
    let stats_irix_mode = r.lenient("stats_irix_mode", false, py_boolean);
    let tail_limit = r.lenient("tail_limit", 1024, py_byte_size);
    let tailf_limit = r.lenient("tailf_limit", 1024, py_byte_size);
    // Supervisor must listen on TCP.
    let Some(local_http_port) = inet_http_port else {
        r.errors.push(
            ConfigError::new(
                path,
                format!(
                    "Supervisor MUST be configured using inet_http_server: {}",
                    path.display()
                ),
            )
            .in_section(SECTION),
        );
        return Err(r.into_problems());
    };
    // Instances of supvisors_list.
    let at = |e: ConfigError| match list_line {
        Some(l) => e.at_line(l).in_section(SECTION),
        None => e.in_section(SECTION),
    };
    let ports = PortOptions {
        local_http_port,
        internal_port,
        event_port,
    };
    let (instances, nodes, rejected) = build_instances(&supvisors_list, ports, ctx.resolver);
    for item in rejected {
        let problem = format!("could not define a Supvisors identification from \"{item}\"");
        let expected = "[<identifier>]host[:[http_port]:[internal_port]] with a known host";
        r.errors.push(at(
            ConfigError::new(path, problem).expected_found(expected, item)
        ));
    }
    let mut local_identifier = String::new();
    if r.errors.is_empty() {
        let refs = local_node_references(ctx.resolver, &ctx.host_node_name);
        match find_local_identifier(&instances, supervisor_identifier, &refs) {
            LocalInstance::Found(id) => local_identifier = id,
            LocalInstance::NotFound => r.errors.push(at(ConfigError::new(
                path,
                "could not find the local Supvisors in supvisors_list",
            ))),
            LocalInstance::Multiple(ids) => r.errors.push(at(ConfigError::new(
                path,
                format!("multiple candidates for the local Supvisors: {ids:?}"),
            ))),
        }
    }
    // Core identifiers: unknown ones dropped with a warning.
    let mut core_identifiers = BTreeSet::new();
    for id in core_list {
        if instances.iter().any(|i| i.identifier == id) {
            core_identifiers.insert(id);
        } else {
            let line = r.get("core_identifiers").map(|(_, l)| l).unwrap_or(0);
            r.warnings.push(
                ConfigError::new(
                    path,
                    format!("SupvisorsMapper.valid: identifier={id} invalid"),
                )
                .at_line(line)
                .in_section(SECTION)
                .warning(),
            );
        }
    }
    // Disabilities: invalid JSON is fatal.
    let mut disabilities = BTreeMap::new();
    match &disabilities_file {
        Some(file) => match read_disabilities(&crate::option_paths::abspath(file, cwd)) {
            Ok(map) => disabilities = map,
            Err(msg) => {
                let line = r.get("disabilities_file").map(|(_, l)| l).unwrap_or(0);
                r.errors.push(
                    ConfigError::new(
                        path,
                        format!("invalid disabilities file {}: {msg}", file.display()),
                    )
                    .at_line(line)
                    .in_section(SECTION)
                    .expected_found("a JSON document", "invalid JSON"),
                );
            }
        },
        None => r.warnings.push(
            ConfigError::new(path, "no persistence for program disabilities")
                .in_section(SECTION)
                .warning(),
        ),
    }
    if !r.errors.is_empty() {
        return Err(r.into_problems());
    }
    Ok(SupvisorsOptions {
        supvisors_list,
        instances,
        nodes,
        local_identifier,
        rules_files,
        internal_port,
        event_link,
        event_port,
        auto_fence,
        synchro_timeout,
        tick_period,
        internal_secret,
        inactivity_ticks,
        core_identifiers,
        disabilities_file,
        disabilities,
        conciliation_strategy,
        starting_strategy,
        stats_enabled,
        stats_periods,
        stats_histo,
        stats_irix_mode,
        tail_limit,
        tailf_limit,
        logfile,
        logfile_maxbytes,
        logfile_backups,
        loglevel,
        warnings: r.warnings,
    })
}

impl SupvisorsOptions {
    /// Deduced identifiers in `supvisors_list` order.
    pub fn identifiers(&self) -> Vec<String> {
        self.instances
            .iter()
            .map(|i| i.identifier.clone())
            .collect()
    }

    /// The local instance.
    pub fn local_instance(&self) -> Option<&SupvisorsInstance> {
        self.instances
            .iter()
            .find(|i| i.identifier == self.local_identifier)
    }
}

#[cfg(test)]
#[path = "supvisors_options_tests.rs"]
mod tests;
