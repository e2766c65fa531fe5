//! Fakes for tests: a fixed account table, no name resolution, a pinned context.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use crate::context::{HostTable, LoadContext, StaticAccounts, UserAccount};

/// Users `root` (0), `alice` (1000, gid 100), `bob` (1001, gid 101); groups `root` (0),
/// `users` (100), `bob` (101); the daemon runs as `alice` (1000).
pub static FAKE_ACCOUNTS: LazyLock<StaticAccounts> = LazyLock::new(|| StaticAccounts {
    users: [("root", 0, 0), ("alice", 1000, 100), ("bob", 1001, 101)]
        .into_iter()
        .map(|(name, uid, gid)| UserAccount {
            name: name.into(),
            uid,
            gid,
        })
        .collect(),
    groups: [("root", 0), ("users", 100), ("bob", 101)]
        .into_iter()
        .map(|(name, gid)| (name.into(), gid))
        .collect(),
    current_uid: Some(1000),
});

/// Resolves nothing.
pub static NO_RESOLVER: HostTable = HostTable::new();

/// A context with `HOME=<cwd>`, `USER=alice`, host `node1` and the given working directory.
pub fn ctx(cwd: &Path) -> LoadContext<'static> {
    let mut env = BTreeMap::new();
    env.insert("HOME".to_string(), cwd.display().to_string());
    env.insert("USER".to_string(), "alice".to_string());
    LoadContext {
        env,
        host_node_name: "node1".into(),
        cwd: cwd.to_path_buf(),
        local_addresses: Vec::new(),
        accounts: &*FAKE_ACCOUNTS,
        resolver: &NO_RESOLVER,
    }
}
