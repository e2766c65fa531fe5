//! Fakes for tests: a fixed account table, no name resolution, a pinned context.

use std::collections::BTreeMap;
use std::path::Path;

use crate::context::{Accounts, HostEntry, LoadContext, Resolver, UserAccount};

/// Users `root` (0), `alice` (1000, gid 100), `bob` (1001, gid 101); groups `root` (0),
/// `users` (100), `bob` (101).
pub struct FakeAccounts;

const USERS: &[(&str, u32, u32)] = &[("root", 0, 0), ("alice", 1000, 100), ("bob", 1001, 101)];
const GROUPS: &[(&str, u32)] = &[("root", 0), ("users", 100), ("bob", 101)];

impl Accounts for FakeAccounts {
    fn user_by_name(&self, name: &str) -> Option<UserAccount> {
        USERS.iter().find(|u| u.0 == name).map(|u| UserAccount {
            name: u.0.into(),
            uid: u.1,
            gid: u.2,
        })
    }
    fn user_by_id(&self, uid: u32) -> Option<UserAccount> {
        USERS.iter().find(|u| u.1 == uid).map(|u| UserAccount {
            name: u.0.into(),
            uid: u.1,
            gid: u.2,
        })
    }
    fn group_by_name(&self, name: &str) -> Option<u32> {
        GROUPS.iter().find(|g| g.0 == name).map(|g| g.1)
    }
    fn group_exists(&self, gid: u32) -> bool {
        GROUPS.iter().any(|g| g.1 == gid)
    }
    fn current_uid(&self) -> Option<u32> {
        Some(1000)
    }
}

/// Resolves nothing.
pub struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _host: &str) -> Option<HostEntry> {
        None
    }
}

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
        accounts: &FakeAccounts,
        resolver: &NoResolver,
    }
}
