//! `[supervisord]`: the daemon's own options.

use std::path::PathBuf;

use super::view::Reader;
use crate::context::LoadContext;
use crate::expand::{Names, Value, expand};
use crate::values::{self, LogLevel};

/// Where the daemon's main log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainLogFile {
    /// `logfile=syslog`.
    Syslog,
    /// A file, made absolute against the startup working directory.
    Path(PathBuf),
}

/// The typed `[supervisord]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisordConfig {
    /// `logfile` (default `supervisord.log`).
    pub logfile: MainLogFile,
    /// `logfile_maxbytes` (default 50MB; 0 disables rotation).
    pub logfile_maxbytes: i64,
    /// `logfile_backups` (default 10).
    pub logfile_backups: i64,
    /// `loglevel` (default info).
    pub loglevel: LogLevel,
    /// `pidfile`, absolute (default `supervisord.pid`).
    pub pidfile: PathBuf,
    /// `umask` (default 0o022).
    pub umask: u32,
    /// `nodaemon` (default false).
    pub nodaemon: bool,
    /// `silent` (default false).
    pub silent: bool,
    /// `minfds` (default 1024).
    pub minfds: i64,
    /// `minprocs` (default 200).
    pub minprocs: i64,
    /// `nocleanup` (default false).
    pub nocleanup: bool,
    /// `childlogdir` (default the temp directory).
    pub childlogdir: PathBuf,
    /// `user` as written.
    pub user: Option<String>,
    /// `user` resolved to a uid (the reference checks it before starting).
    pub uid: Option<u32>,
    /// `directory`, an existing directory.
    pub directory: Option<PathBuf>,
    /// `strip_ansi` (default false).
    pub strip_ansi: bool,
    /// `environment`, in order.
    pub environment: Vec<(String, String)>,
    /// `identifier` (default `supervisor`).
    pub identifier: String,
}

/// Python's `tempfile.gettempdir()` as far as the environment decides it.
fn temp_dir(ctx: &LoadContext<'_>) -> String {
    for var in ["TMPDIR", "TEMP", "TMP"] {
        if let Some(dir) = ctx.env.get(var).filter(|d| !d.is_empty())
            && ctx.cwd.join(dir).is_dir()
        {
            return dir.clone();
        }
    }
    "/tmp".into()
}

/// Reads `[supervisord]` in the reference's order. `env_names` holds `ENV_*` of the daemon.
/// The `environment` comes back on its own too, so that later sections still see its `ENV_*`
/// names when another option of the section is wrong (no cascade of bogus errors).
pub(crate) fn parse(
    r: &mut Reader<'_>,
    ctx: &LoadContext<'_>,
    env_names: &Names,
    here: &str,
) -> (Option<SupervisordConfig>, Vec<(String, String)>) {
    let environment = read_environment(r, ctx, env_names, here);
    // The reference reads `environment` last: its problems go after the other options'.
    let env_errors = std::mem::take(&mut r.errors);
    let config = parse_options(r, ctx, env_names, here, environment.clone());
    r.errors.extend(env_errors);
    (config, environment.unwrap_or_default())
}

fn read_environment(
    r: &mut Reader<'_>,
    ctx: &LoadContext<'_>,
    env_names: &Names,
    here: &str,
) -> Option<Vec<(String, String)>> {
    let mut names = env_names.clone();
    names.insert("here".into(), Value::Str(here.into()));
    // Expanded twice: once by the getter, once more with host_node_name available.
    r.get("environment", Some(""), &names).and_then(|once| {
        names.insert(
            "host_node_name".into(),
            Value::Str(ctx.host_node_name.as_str().into()),
        );
        match expand(&once, &names, "environment") {
            Ok(twice) => r.convert("environment", &twice, values::key_value_pairs),
            Err(msg) => {
                r.error(Some("environment"), msg, None);
                None
            }
        }
    })
}

fn parse_options(
    r: &mut Reader<'_>,
    ctx: &LoadContext<'_>,
    env_names: &Names,
    here: &str,
    environment: Option<Vec<(String, String)>>,
) -> Option<SupervisordConfig> {
    let mut names = env_names.clone();
    names.insert("here".into(), Value::Str(here.into()));
    let minfds = r.typed("minfds", "1024", &names, values::integer);
    let minprocs = r.typed("minprocs", "200", &names, values::integer);
    let directory = match r.get("directory", None, &names) {
        Some(d) => r
            .convert("directory", &d, |v| values::existing_directory(v, ctx))
            .map(Some),
        None if r.raw("directory").is_some() => None,
        None => Some(None),
    };
    let user = r.get("user", None, &names);
    let uid = match &user {
        Some(u) => r
            .convert("user", u, |v| values::name_to_uid(v, ctx.accounts))
            .map(Some),
        None => Some(None),
    };
    let umask = r.typed("umask", "022", &names, values::octal);
    let logfile = r.typed("logfile", "supervisord.log", &names, |v| {
        let path = values::existing_dirpath(v, ctx)?;
        Ok(if v == "syslog" {
            MainLogFile::Syslog
        } else {
            MainLogFile::Path(values::normalize_path(&path.display().to_string(), ctx))
        })
    });
    let logfile_maxbytes = r.typed("logfile_maxbytes", "50MB", &names, values::byte_size);
    let logfile_backups = r.typed("logfile_backups", "10", &names, values::integer);
    let loglevel = r.typed("loglevel", "info", &names, values::logging_level);
    let pidfile = r.typed("pidfile", "supervisord.pid", &names, |v| {
        values::existing_dirpath(v, ctx)
            .map(|p| values::normalize_path(&p.display().to_string(), ctx))
    });
    let identifier = r.get("identifier", Some("supervisor"), &names);
    let nodaemon = r.typed("nodaemon", "false", &names, values::boolean);
    let silent = r.typed("silent", "false", &names, values::boolean);
    let tmp = temp_dir(ctx);
    let childlogdir = r.typed("childlogdir", &tmp, &names, |v| {
        values::existing_directory(v, ctx)
    });
    let nocleanup = r.typed("nocleanup", "false", &names, values::boolean);
    let strip_ansi = r.typed("strip_ansi", "false", &names, values::boolean);
    Some(SupervisordConfig {
        logfile: logfile?,
        logfile_maxbytes: logfile_maxbytes?,
        logfile_backups: logfile_backups?,
        loglevel: loglevel?,
        pidfile: pidfile?,
        umask: umask?,
        nodaemon: nodaemon?,
        silent: silent?,
        minfds: minfds?,
        minprocs: minprocs?,
        nocleanup: nocleanup?,
        childlogdir: childlogdir?,
        user,
        uid: uid?,
        directory: directory?,
        strip_ansi: strip_ansi?,
        environment: environment?,
        identifier: identifier?,
    })
}
