//! `[unix_http_server*]`, `[inet_http_server*]`, `[supervisorctl]`, `[rpcinterface:x]` and
//! `[ctlplugin:x]`.

use std::path::PathBuf;

use super::view::{Reader, View};
use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::expand::{Names, Value};
use crate::values;

/// Credentials of an HTTP server (both or neither are set).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    /// `username`.
    pub username: Option<String>,
    /// `password` (clear text or `{SHA}` + 40 hex digits).
    pub password: Option<String>,
}

/// One `[unix_http_server]` or `[unix_http_server:name]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixHttpServerConfig {
    /// Text after `unix_http_server:`, if any.
    pub name: Option<String>,
    /// Section name.
    pub section: String,
    /// `file`, normalised to an absolute path.
    pub file: PathBuf,
    /// `chmod` (default 0o700).
    pub chmod: u32,
    /// `chown` as (uid, gid); `None` leaves ownership unchanged.
    pub chown: Option<(u32, Option<u32>)>,
    /// `username` / `password`.
    pub credentials: Credentials,
}

/// One `[inet_http_server]` or `[inet_http_server:name]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetHttpServerConfig {
    /// Text after `inet_http_server:`, if any.
    pub name: Option<String>,
    /// Section name.
    pub section: String,
    /// Host part of `port`, lower-cased; empty means all interfaces.
    pub host: String,
    /// Port part of `port`.
    pub port: u16,
    /// `username` / `password`.
    pub credentials: Credentials,
}

/// The `[supervisorctl]` section (read only by the control client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorctlConfig {
    /// `serverurl` (default `http://localhost:9001`; `unix://` paths normalised).
    pub serverurl: String,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `prompt` (default `supervisor`).
    pub prompt: String,
    /// `history_file`, normalised.
    pub history_file: Option<PathBuf>,
}

/// A `[rpcinterface:x]` or `[ctlplugin:x]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginSection {
    /// Text after the colon (the XML-RPC namespace for rpc interfaces).
    pub name: String,
    /// The factory spec (`module:callable`).
    pub factory: String,
    /// Other keys with their expanded values and lines (defaults included, as Python does).
    pub extras: Vec<(String, String, u32)>,
    /// File that defined the section.
    pub path: PathBuf,
    /// Line of the section header.
    pub line: u32,
}

fn credentials(r: &mut Reader<'_>, names: &Names) -> Option<Credentials> {
    let username = r.get("username", None, names);
    let password = r.get("password", None, names);
    if username.is_some() != password.is_some() {
        let key = if username.is_some() {
            "username"
        } else {
            "password"
        };
        let msg = format!(
            "Section [{}] contains incomplete authentication: If a username or a password is \
             specified, both the username and password must be specified",
            r.section.name
        );
        r.error(Some(key), msg, None);
        return None;
    }
    Some(Credentials { username, password })
}

fn server_name(section: &str) -> Option<String> {
    section.split_once(':').map(|(_, n)| n.to_string())
}

/// Parses every section whose name starts with `inet_http_server`, in order.
pub(crate) fn inet_servers(
    view: &View,
    env: &Names,
    errors: &mut Vec<ConfigError>,
) -> Vec<InetHttpServerConfig> {
    let mut out = Vec::new();
    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("inet_http_server"))
    {
        let mut r = Reader::new(view, section);
        let creds = credentials(&mut r, env);
        let port = match r.get("port", None, env) {
            Some(p) => r.convert("port", &p, values::inet_address),
            None => {
                if r.raw("port").is_none() {
                    r.error(
                        None,
                        format!("section [{}] has no port value", section.name),
                        None,
                    );
                }
                None
            }
        };
        errors.append(&mut r.errors);
        if let (Some(credentials), Some((host, port))) = (creds, port) {
            out.push(InetHttpServerConfig {
                name: server_name(&section.name),
                section: section.name.clone(),
                host,
                port,
                credentials,
            });
        }
    }
    out
}

/// Parses every section whose name starts with `unix_http_server`, in order.
pub(crate) fn unix_servers(
    view: &View,
    env: &Names,
    here: &str,
    ctx: &LoadContext<'_>,
    errors: &mut Vec<ConfigError>,
) -> Vec<UnixHttpServerConfig> {
    let mut out = Vec::new();
    for section in view
        .sections
        .iter()
        .filter(|s| s.name.starts_with("unix_http_server"))
    {
        let mut r = Reader::new(view, section);
        let mut file_names = env.clone();
        file_names.insert("here".into(), Value::Str(here.into()));
        let file = match r.get("file", None, &file_names) {
            Some(f) => Some(values::normalize_path(crate::pystr::strip(&f), ctx)),
            None => {
                if r.raw("file").is_none() {
                    r.error(
                        None,
                        format!("section [{}] has no file value", section.name),
                        None,
                    );
                }
                None
            }
        };
        let creds = credentials(&mut r, env);
        let chown = match r.get("chown", None, env) {
            Some(v) => r.convert("chown", &v, |v| {
                values::user_group(v, ctx.accounts)
                    .map(Some)
                    .map_err(|_| format!("Invalid sockchown value {v}"))
            }),
            None => Some(None),
        };
        let chmod = match r.get("chmod", None, env) {
            Some(v) => r.convert("chmod", &v, |v| {
                values::octal(v).map_err(|_| format!("Invalid chmod value {v}"))
            }),
            None => Some(0o700),
        };
        errors.append(&mut r.errors);
        if let (Some(file), Some(credentials), Some(chown), Some(chmod)) =
            (file, creds, chown, chmod)
        {
            out.push(UnixHttpServerConfig {
                name: server_name(&section.name),
                section: section.name.clone(),
                file,
                chmod,
                chown,
                credentials,
            });
        }
    }
    out
}

/// `[supervisorctl]` from the main file only, as supervisorctl reads it (no includes).
/// Problems are warnings: the daemon itself never reads this section.
pub(crate) fn supervisorctl(
    view: &View,
    env: &Names,
    here: &str,
    ctx: &LoadContext<'_>,
    warnings: &mut Vec<ConfigError>,
) -> Option<SupervisorctlConfig> {
    let section = view.section("supervisorctl")?;
    let mut r = Reader::new(view, section);
    let mut with_here = env.clone();
    with_here.insert("here".into(), Value::Str(here.into()));
    let mut serverurl = r
        .get("serverurl", Some("http://localhost:9001"), &with_here)
        .unwrap_or_default();
    if let Some(path) = serverurl.strip_prefix("unix://") {
        serverurl = format!("unix://{}", values::normalize_path(path, ctx).display());
    }
    let prompt = r.get("prompt", Some("supervisor"), env).unwrap_or_default();
    let username = r.get("username", None, env);
    let password = r.get("password", None, env);
    let history_file = r
        .get("history_file", None, &with_here)
        .filter(|h| !h.is_empty())
        .map(|h| values::normalize_path(&h, ctx));
    warnings.extend(r.errors.into_iter().map(ConfigError::warning));
    Some(SupervisorctlConfig {
        serverurl,
        username,
        password,
        prompt,
        history_file,
    })
}

/// `get_plugins`: sections starting with `prefix`, each needing `factory_key`.
pub(crate) fn plugins(
    view: &View,
    factory_key: &str,
    prefix: &str,
    env: &Names,
    errors: &mut Vec<ConfigError>,
) -> Vec<PluginSection> {
    let mut out = Vec::new();
    for section in view.sections.iter().filter(|s| s.name.starts_with(prefix)) {
        let mut r = Reader::new(view, section);
        let Some(factory) = r.get(factory_key, None, env) else {
            if r.raw(factory_key).is_none() {
                r.error(
                    None,
                    format!(
                        "section [{}] does not specify a {factory_key}",
                        section.name
                    ),
                    None,
                );
            }
            errors.append(&mut r.errors);
            continue;
        };
        let mut extras = Vec::new();
        for e in view.items(section) {
            if e.key != factory_key
                && let Some(v) = r.get(&e.key, None, env)
            {
                extras.push((e.key.clone(), v, e.line));
            }
        }
        errors.append(&mut r.errors);
        let name = section
            .name
            .split_once(':')
            .map(|(_, n)| n.to_string())
            .unwrap_or_default();
        out.push(PluginSection {
            name,
            factory,
            extras,
            path: section.path.clone(),
            line: section.line,
        });
    }
    out
}
