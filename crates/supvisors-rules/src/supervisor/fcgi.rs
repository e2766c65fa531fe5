//! `[fcgi-program:x]` groups: the socket options and `parse_fcgi_socket` of the reference.

use std::path::PathBuf;

use super::groups::{GroupConfig, GroupKind, group, suffix};
use super::programs::{Common, ProcessKind, processes_from_section};
use super::view::{Reader, Section, View};
use crate::error::ConfigError;
use crate::expand::{Names, Value};
use crate::pystr::repr;
use crate::values;

/// The listening socket of a FastCGI group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FcgiSocket {
    /// `unix:///abs/path`.
    Unix {
        /// Normalised absolute path.
        path: PathBuf,
        /// `socket_owner` (uid, gid), or the program user's when it differs from ours.
        owner: Option<(u32, Option<u32>)>,
        /// `socket_mode` (default 0o700).
        mode: u32,
        /// `socket_backlog` (default: the system's SOMAXCONN).
        backlog: Option<i64>,
    },
    /// `tcp://host:port`.
    Tcp {
        /// Host, lower-cased.
        host: String,
        /// Port.
        port: u16,
        /// `socket_backlog`.
        backlog: Option<i64>,
    },
}

pub(crate) fn fcgi_group(
    view: &View,
    section: &Section,
    names: &Names,
    common: &Common<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<GroupConfig> {
    let accounts = common.ctx.accounts;
    let mut r = Reader::new(view, section);
    let name = r.convert("socket", suffix(section), values::process_or_group_name);
    let priority = r.typed("priority", "999", names, values::integer);
    let proc_uid = match r.get("user", None, names) {
        Some(u) => r
            .convert("user", &u, |v| values::name_to_uid(v, accounts))
            .map(Some),
        None => Some(None),
    };
    let backlog = match r.get("socket_backlog", None, names) {
        Some(b) => r.convert("socket_backlog", &b, |v| match values::integer(v)? {
            n if (1..=65535).contains(&n) => Ok(Some(n)),
            n => Err(format!("Invalid socket_backlog value {n}")),
        }),
        None => Some(None),
    };
    let owner = match r.get("socket_owner", None, names) {
        Some(o) => r.convert("socket_owner", &o, |v| {
            values::user_group(v, accounts)
                .map(Some)
                .map_err(|_| format!("Invalid socket_owner value {v}"))
        }),
        None => Some(None),
    };
    let mode = match r.get("socket_mode", None, names) {
        Some(m) => r.convert("socket_mode", &m, |v| {
            values::octal(v)
                .map(Some)
                .map_err(|_| format!("Invalid socket_mode value {v}"))
        }),
        None => Some(None),
    };
    let mut socket_names = names.clone();
    if let Some(n) = &name {
        socket_names.insert("program_name".into(), Value::Str(n.as_str().into()));
    }
    let socket_text = r.get("socket", None, &socket_names);
    let socket = match (&socket_text, r.raw("socket")) {
        (Some(t), _) if !t.is_empty() => match (proc_uid, owner, mode, backlog) {
            (Some(uid), Some(owner), Some(mode), Some(backlog)) => {
                match parse_socket(t, uid, owner, mode, backlog, common) {
                    Ok(s) => Some(s),
                    Err(msg) => {
                        r.error(
                            Some("socket"),
                            format!("{msg} in [{}] socket", section.name),
                            Some(t),
                        );
                        None
                    }
                }
            }
            _ => None,
        },
        (None, Some(_)) => None,
        _ => {
            r.error(
                Some("socket"),
                format!("[{}] section requires a \"socket\" line", section.name),
                None,
            );
            None
        }
    };
    let failed = !r.errors.is_empty();
    errors.extend(r.errors);
    if failed {
        return None;
    }
    let (name, priority, socket) = (name?, priority?, socket?);
    let processes = processes_from_section(
        view,
        section,
        &name,
        ProcessKind::FastCgi,
        common,
        errors,
        warnings,
    );
    Some(group(
        name,
        priority,
        GroupKind::Fcgi { socket },
        processes,
        section,
    ))
}

/// `parse_fcgi_socket`, with the reference's messages (two-argument `ValueError`s print as
/// tuples, as they do in Python).
fn parse_socket(
    sock: &str,
    proc_uid: Option<u32>,
    owner: Option<(u32, Option<u32>)>,
    mode: Option<u32>,
    backlog: Option<i64>,
    common: &Common<'_>,
) -> Result<FcgiSocket, String> {
    if let Some(path) = sock.strip_prefix("unix://") {
        if !path.starts_with('/') {
            return Err(format!(
                "('Unix socket path %s is not an absolute path', {})",
                repr(path)
            ));
        }
        let path = values::normalize_path(path, common.ctx);
        let owner = owner.or_else(|| {
            let uid = proc_uid?;
            if common.ctx.accounts.current_uid() == Some(uid) {
                return None;
            }
            let gid = common.ctx.accounts.user_by_id(uid).map(|u| u.gid);
            Some((uid, gid))
        });
        return Ok(FcgiSocket::Unix {
            path,
            owner,
            mode: mode.unwrap_or(0o700),
            backlog,
        });
    }
    if owner.is_some() || mode.is_some() {
        return Err(
            "socket_owner and socket_mode params should only be used with a Unix domain socket"
                .into(),
        );
    }
    let bad = || format!("('Bad socket format %s', {})", repr(sock));
    let rest = sock.strip_prefix("tcp://").ok_or_else(bad)?;
    let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty()
        || host.chars().any(|c| c == ':' || crate::pystr::is_space(c))
        || port.is_empty()
        || !port.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let n = values::integer(port)?;
    if n < 1 {
        return Err(format!("{n} is below lower bound (1)"));
    }
    let port = u16::try_from(n).map_err(|_| format!("{n} is above upper bound (65535)"))?;
    Ok(FcgiSocket::Tcp {
        host: host.to_lowercase(),
        port,
        backlog,
    })
}
