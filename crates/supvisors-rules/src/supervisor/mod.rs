//! The typed `supervisord.conf`: the main file and its `[include]` files merged as
//! Supervisor 4.3.0's `ServerOptions.read_config` merges them, every option expanded and
//! validated with the reference's messages, each error located at file, line and section.
//!
//! Loading keeps going after errors and returns all of them; log-only conditions of the
//! reference (deprecated `syslog` log files, include patterns matching nothing, …) are returned
//! as warnings in [`SupervisorConfig::warnings`].

mod fcgi;
mod groups;
mod logs;
mod program_source;
mod programs;
mod servers;
mod supervisord;
mod view;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_files;
#[cfg(test)]
mod tests_groups;
#[cfg(test)]
mod tests_options;

use std::path::{Path, PathBuf};

pub use fcgi::FcgiSocket;
pub use groups::{DEFAULT_RESULT_HANDLER, EVENT_TYPES, GroupConfig, GroupKind};
pub use logs::LogConfig;
pub use program_source::ProgramSource;
pub use programs::{MAX_NUMPROCS, ProcessConfig, ProcessKind};
pub use servers::{
    Credentials, InetHttpServerConfig, PluginSection, SupervisorctlConfig, UnixHttpServerConfig,
};
pub use supervisord::{MainLogFile, SupervisordConfig};

use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::expand::{Names, Value, expand};
use crate::ini::{Dialect, parse_ini};
use crate::values;
use view::{Reader, View};

/// Everything supervisord takes from its configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorConfig {
    /// The main file, absolute.
    pub path: PathBuf,
    /// Its directory (`%(here)s`).
    pub here: PathBuf,
    /// Files matched by `[include]`, in reading order.
    pub included_files: Vec<PathBuf>,
    /// `[supervisord]`.
    pub supervisord: SupervisordConfig,
    /// `[unix_http_server*]` sections.
    pub unix_http_servers: Vec<UnixHttpServerConfig>,
    /// `[inet_http_server*]` sections.
    pub inet_http_servers: Vec<InetHttpServerConfig>,
    /// `[supervisorctl]` of the main file, if present.
    pub supervisorctl: Option<SupervisorctlConfig>,
    /// Process groups sorted by (priority, name).
    pub groups: Vec<GroupConfig>,
    /// The section of every program that has processes, by program name, kept to expand it
    /// again with another `numprocs` (Supvisors' `update_numprocs`).
    pub programs: std::collections::BTreeMap<String, std::sync::Arc<ProgramSource>>,
    /// `[rpcinterface:x]` sections in file order.
    pub rpcinterfaces: Vec<PluginSection>,
    /// `[ctlplugin:x]` sections of the main file.
    pub ctlplugins: Vec<PluginSection>,
    /// Conditions the reference logs at WARN (or at INFO for unreadable includes).
    pub warnings: Vec<ConfigError>,
}

impl SupervisorConfig {
    /// The URL given to children as `SUPERVISOR_SERVER_URL` when their `serverurl` is AUTO:
    /// the first UNIX server, else the *last* inet server (the reference's loop has no
    /// `break`), else none.
    pub fn server_url(&self) -> Option<String> {
        if let Some(u) = self.unix_http_servers.first() {
            return Some(format!("unix://{}", u.file.display()));
        }
        self.inet_http_servers.last().map(|i| {
            let host = if i.host.is_empty() {
                "localhost"
            } else {
                i.host.as_str()
            };
            format!("http://{host}:{}", i.port)
        })
    }
}

/// Reads and validates the configuration file at `path`.
pub fn load_supervisor_config(
    path: &Path,
    ctx: &LoadContext<'_>,
) -> Result<SupervisorConfig, Vec<ConfigError>> {
    let full = ctx.cwd.join(path);
    if !full.exists() {
        return Err(vec![ConfigError::new(
            path,
            format!("could not find config file {}", path.display()),
        )]);
    }
    let text = read_text(&full).map_err(|e| {
        vec![
            ConfigError::new(
                path,
                format!("could not read config file {}", path.display()),
            )
            .expected_found("a readable UTF-8 file", e),
        ]
    })?;
    load_supervisor_config_from_str(&text, path, ctx)
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn env_names(env: &std::collections::BTreeMap<String, String>) -> Names {
    env.iter()
        .map(|(k, v)| (format!("ENV_{k}").into(), Value::Str(v.as_str().into())))
        .collect()
}

/// Like [`load_supervisor_config`], with the main file's text given (include files are still
/// read from disk, relative to `path`'s directory).
pub fn load_supervisor_config_from_str(
    text: &str,
    path: &Path,
    ctx: &LoadContext<'_>,
) -> Result<SupervisorConfig, Vec<ConfigError>> {
    let abs = values::normalize_path(&path.display().to_string(), ctx);
    let here_path = abs
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    let here = here_path.display().to_string();
    let main = parse_ini(text, path, Dialect::Supervisor)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut view = View::default();
    view.merge(&main);
    let mut main_view = View::default();
    main_view.merge(&main);
    let mut env = env_names(&ctx.env);

    let included_files = include(&mut view, &here, &env, ctx, &mut errors, &mut warnings);
    let Some(sup_section) = view.section("supervisord") else {
        errors.push(ConfigError::new(
            path,
            ".ini file does not include supervisord section",
        ));
        return Err(errors);
    };
    let mut r = Reader::new(&view, sup_section);
    let (supervisord, global_env) = supervisord::parse(&mut r, ctx, &env, &here);
    errors.append(&mut r.errors);
    for (k, v) in &global_env {
        env.insert(format!("ENV_{k}").into(), Value::Str(v.as_str().into()));
    }
    let rpcinterfaces = servers::plugins(
        &view,
        "supervisor.rpcinterface_factory",
        "rpcinterface:",
        &env,
        &mut errors,
    );
    let common = programs::Common {
        ctx,
        env: &env,
        here: &here,
    };
    let mut groups = groups::groups_from_view(&view, &common, &mut errors, &mut warnings);
    let inet_http_servers = servers::inet_servers(&view, &env, &mut errors);
    let unix_http_servers = servers::unix_servers(&view, &env, &here, ctx, &mut errors);
    // supervisorctl reads the main file alone, with only the process environment.
    let ctl_env = env_names(&ctx.env);
    let supervisorctl = servers::supervisorctl(&main_view, &ctl_env, &here, ctx, &mut warnings);
    let mut ctl_errors = Vec::new();
    let ctlplugins = servers::plugins(
        &main_view,
        "supervisor.ctl_factory",
        "ctlplugin:",
        &ctl_env,
        &mut ctl_errors,
    );
    warnings.extend(ctl_errors.into_iter().map(ConfigError::warning));

    let Some(supervisord) = supervisord else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    for g in &mut groups {
        for p in &mut g.processes {
            // Refcount 1 during loading: no copy is made.
            merge_environment(&supervisord.environment, std::sync::Arc::make_mut(p));
        }
    }
    let programs = program_source::sources(&view, &groups, &env, &here, &supervisord.environment);
    Ok(SupervisorConfig {
        path: abs,
        here: here_path,
        included_files,
        supervisord,
        unix_http_servers,
        inet_http_servers,
        supervisorctl,
        groups,
        programs,
        rpcinterfaces,
        ctlplugins,
        warnings,
    })
}

/// `[supervisord] environment` updated with the process's own `environment`, in place.
pub(crate) fn merge_environment(global: &[(String, String)], p: &mut ProcessConfig) {
    let mut merged = global.to_vec();
    for (k, v) in p.environment.drain(..) {
        match merged.iter_mut().find(|(mk, _)| *mk == k) {
            Some(slot) => slot.1 = v,
            None => merged.push((k, v)),
        }
    }
    p.environment = merged;
}

/// Processes `[include]` of the main file: `%(here)s` replaced textually everywhere, patterns
/// joined to the main file's directory, matches read in sorted order, no recursion.
fn include(
    view: &mut View,
    here: &str,
    env: &Names,
    ctx: &LoadContext<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Vec<PathBuf> {
    let mut included = Vec::new();
    let Some(section) = view.section("include").cloned() else {
        return included;
    };
    view.expand_here(here);
    let Some(files) = view.lookup(&section, "files").cloned() else {
        errors.push(
            ConfigError::new(
                &section.path,
                ".ini file has [include] section, but no files setting",
            )
            .at_line(section.line)
            .in_section("include"),
        );
        return included;
    };
    let mut names = env.clone();
    names.insert("here".into(), Value::Str(here.into()));
    names.insert(
        "host_node_name".into(),
        Value::Str(ctx.host_node_name.as_str().into()),
    );
    let files_text = match expand(&files.value, &names, "include.files") {
        Ok(t) => t,
        Err(msg) => {
            errors.push(
                ConfigError::new(&files.path, msg)
                    .at_line(files.line)
                    .in_section("include"),
            );
            return included;
        }
    };
    for pattern in files_text
        .split(crate::pystr::is_space)
        .filter(|p| !p.is_empty())
    {
        let joined = if pattern.starts_with('/') {
            pattern.to_string()
        } else {
            format!("{}/{pattern}", here.trim_end_matches('/'))
        };
        let matches = glob_sorted(&joined);
        if matches.is_empty() {
            warnings.push(
                ConfigError::new(
                    &files.path,
                    format!("No file matches via include \"{joined}\""),
                )
                .at_line(files.line)
                .in_section("include")
                .warning(),
            );
            continue;
        }
        for file in matches {
            let file_path = PathBuf::from(&file);
            included.push(file_path.clone());
            let text = match read_text(&file_path) {
                Ok(t) => t,
                Err(e) => {
                    // RawConfigParser.read skips files it cannot open.
                    warnings.push(
                        ConfigError::new(
                            &file_path,
                            "included file could not be read and was skipped",
                        )
                        .expected_found("a readable UTF-8 file", e)
                        .warning(),
                    );
                    continue;
                }
            };
            match parse_ini(&text, &file_path, Dialect::Supervisor) {
                Ok(ini) => view.merge(&ini),
                Err(mut errs) => {
                    errors.append(&mut errs);
                    continue;
                }
            }
            let dir = values::normalize_path(values::dirname(&file), ctx);
            view.expand_here(&dir.display().to_string());
        }
    }
    included
}

/// Python's `glob.glob` (hidden files need a literal dot), matches sorted as strings.
fn glob_sorted(pattern: &str) -> Vec<String> {
    let opts = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let mut out: Vec<String> = match glob::glob_with(pattern, opts) {
        Ok(paths) => paths
            .filter_map(Result::ok)
            .map(|p| p.display().to_string())
            .collect(),
        // An invalid pattern matches only itself, as fnmatch treats a stray `[` literally.
        Err(_) => {
            if Path::new(pattern).exists() {
                vec![pattern.to_string()]
            } else {
                Vec::new()
            }
        }
    };
    out.sort();
    out
}
