//! The environment given to a child (spec §1.18) and the errno names used in spawn messages.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Builds a child's environment; later sources override earlier ones (§1.18):
/// the daemon's environment, the `SUPERVISOR_*` variables, `[supervisord] environment`,
/// then `[program:x] environment`. `server_url` and `group_name` are set only when given and
/// non-empty, as the reference does. The result is sorted by name.
pub fn child_env(
    daemon_env: impl IntoIterator<Item = (String, String)>,
    server_url: Option<&str>,
    process_name: &str,
    group_name: Option<&str>,
    global_env: &[(String, String)],
    program_env: &[(String, String)],
) -> Vec<(String, String)> {
    let mut env: BTreeMap<String, String> = daemon_env.into_iter().collect();
    env.insert("SUPERVISOR_ENABLED".to_owned(), "1".to_owned());
    if let Some(url) = server_url.filter(|u| !u.is_empty()) {
        env.insert("SUPERVISOR_SERVER_URL".to_owned(), url.to_owned());
    }
    env.insert(
        "SUPERVISOR_PROCESS_NAME".to_owned(),
        process_name.to_owned(),
    );
    if let Some(group) = group_name {
        env.insert("SUPERVISOR_GROUP_NAME".to_owned(), group.to_owned());
    }
    for (k, v) in global_env.iter().chain(program_env) {
        env.insert(k.clone(), v.clone());
    }
    env.into_iter().collect()
}

/// The symbolic name of an errno value (`ENOENT`), as Python's `errno.errorcode` gives it.
pub fn errno_name(errno: i32) -> Option<&'static str> {
    let table = errno_table();
    usize::try_from(errno)
        .ok()
        .and_then(|i| table.get(i))
        .and_then(|n| n.as_deref())
}

/// Table of errno names, built once in the parent so that a forked child only reads it.
pub(crate) fn errno_table() -> &'static [Option<String>] {
    static TABLE: OnceLock<Vec<Option<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..200)
            .map(|i| {
                let name = format!("{:?}", nix::errno::Errno::from_raw(i));
                name.starts_with('E').then_some(name)
            })
            .collect()
    })
}

/// `errno.errorcode.get(code, code)`: the name, or the number when unknown.
pub fn errno_text(errno: i32) -> String {
    errno_name(errno).map_or_else(|| errno.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn later_sources_override_earlier() {
        let env = child_env(
            kv(&[
                ("HOME", "/root"),
                ("SHARED", "daemon"),
                ("SUPERVISOR_ENABLED", "0"),
            ]),
            Some("unix:///tmp/s.sock"),
            "envp",
            Some("envg"),
            &kv(&[("GLOBAL_A", "g a"), ("SHARED", "global")]),
            &kv(&[("SHARED", "from-prog")]),
        );
        assert_eq!(
            env,
            kv(&[
                ("GLOBAL_A", "g a"),
                ("HOME", "/root"),
                ("SHARED", "from-prog"),
                ("SUPERVISOR_ENABLED", "1"),
                ("SUPERVISOR_GROUP_NAME", "envg"),
                ("SUPERVISOR_PROCESS_NAME", "envp"),
                ("SUPERVISOR_SERVER_URL", "unix:///tmp/s.sock"),
            ])
        );
    }

    #[test]
    fn no_server_url_leaves_variable_unset() {
        let env = child_env(Vec::new(), None, "p", None, &[], &[]);
        assert!(
            env.iter()
                .all(|(k, _)| k != "SUPERVISOR_SERVER_URL" && k != "SUPERVISOR_GROUP_NAME")
        );
    }

    #[test]
    fn errno_names_match_python() {
        assert_eq!(errno_text(libc::ENOENT), "ENOENT");
        assert_eq!(errno_text(libc::ENOEXEC), "ENOEXEC");
        assert_eq!(errno_text(libc::EAGAIN), "EAGAIN");
        assert_eq!(errno_text(9999), "9999");
    }
}
