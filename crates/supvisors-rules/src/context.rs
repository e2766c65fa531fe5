//! Facts about the host that parsing needs, handed in by the caller.
//!
//! Keeping them behind these types lets tests pin every fact and keeps this crate free of
//! system calls other than reading files.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

/// A user account, as the passwd database gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccount {
    /// Login name.
    pub name: String,
    /// Numeric user id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
}

/// Look-ups in the user and group databases.
pub trait Accounts: Send + Sync {
    /// The account with this login name.
    fn user_by_name(&self, name: &str) -> Option<UserAccount>;
    /// The account with this uid.
    fn user_by_id(&self, uid: u32) -> Option<UserAccount>;
    /// The gid of the group with this name.
    fn group_by_name(&self, name: &str) -> Option<u32>;
    /// True when a group with this gid exists.
    fn group_exists(&self, gid: u32) -> bool;
    /// The uid the daemon runs as (`os.getuid()`), when known; used for fcgi socket owners.
    fn current_uid(&self) -> Option<u32> {
        None
    }
}

/// What name resolution says about a host name or address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostEntry {
    /// Canonical host name.
    pub canonical: String,
    /// Alias names.
    pub aliases: Vec<String>,
    /// Addresses, first one first.
    pub addresses: Vec<IpAddr>,
}

/// Host name resolution (the daemon uses the system resolver; tests use a table).
pub trait Resolver: Send + Sync {
    /// Resolves a host name or a literal address; `None` when it cannot be resolved.
    fn resolve(&self, host: &str) -> Option<HostEntry>;
}

/// Everything about the running host that configuration loading may ask for.
pub struct LoadContext<'a> {
    /// Environment of the daemon at parse time (the source of `%(ENV_X)s`).
    pub env: BTreeMap<String, String>,
    /// Host name (`uname -n`), the source of `%(host_node_name)s`.
    pub host_node_name: String,
    /// Working directory at startup, against which relative log and pid files are made absolute.
    pub cwd: PathBuf,
    /// Addresses of the local host's interfaces.
    pub local_addresses: Vec<IpAddr>,
    /// User and group look-ups.
    pub accounts: &'a dyn Accounts,
    /// Host name resolution.
    pub resolver: &'a dyn Resolver,
}

/// A fixed account database: no system look-up. Used to check a configuration against a known
/// set of users (and by tests, benchmarks and fuzzing, which must not depend on the host).
#[derive(Debug, Clone, Default)]
pub struct StaticAccounts {
    /// The users.
    pub users: Vec<UserAccount>,
    /// The groups, by name and gid.
    pub groups: Vec<(String, u32)>,
    /// What `current_uid` answers.
    pub current_uid: Option<u32>,
}

impl StaticAccounts {
    /// No user and no group at all.
    pub const fn empty() -> Self {
        StaticAccounts {
            users: Vec::new(),
            groups: Vec::new(),
            current_uid: None,
        }
    }

    /// Only `root` (uid and gid 0).
    pub fn root_only() -> Self {
        StaticAccounts {
            users: vec![UserAccount {
                name: "root".into(),
                uid: 0,
                gid: 0,
            }],
            groups: vec![("root".into(), 0)],
            current_uid: None,
        }
    }
}

impl Accounts for StaticAccounts {
    fn user_by_name(&self, name: &str) -> Option<UserAccount> {
        self.users.iter().find(|u| u.name == name).cloned()
    }
    fn user_by_id(&self, uid: u32) -> Option<UserAccount> {
        self.users.iter().find(|u| u.uid == uid).cloned()
    }
    fn group_by_name(&self, name: &str) -> Option<u32> {
        self.groups.iter().find(|g| g.0 == name).map(|g| g.1)
    }
    fn group_exists(&self, gid: u32) -> bool {
        self.groups.iter().any(|g| g.1 == gid)
    }
    fn current_uid(&self) -> Option<u32> {
        self.current_uid
    }
}

/// Name resolution from a fixed table (`supvisorsd --check-config --hosts FILE`, tests).
/// An empty table resolves nothing.
#[derive(Debug, Clone, Default)]
pub struct HostTable {
    entries: BTreeMap<String, HostEntry>,
    literal_addresses: bool,
}

impl HostTable {
    /// An empty table.
    pub const fn new() -> Self {
        HostTable {
            entries: BTreeMap::new(),
            literal_addresses: false,
        }
    }

    /// Adds (or replaces) the answer for `host`.
    pub fn with(mut self, host: &str, entry: HostEntry) -> Self {
        self.entries.insert(host.to_owned(), entry);
        self
    }

    /// Also resolves literal IP addresses absent from the table to themselves.
    pub fn resolving_literal_addresses(mut self) -> Self {
        self.literal_addresses = true;
        self
    }
}

impl Resolver for HostTable {
    fn resolve(&self, host: &str) -> Option<HostEntry> {
        if let Some(entry) = self.entries.get(host) {
            return Some(entry.clone());
        }
        let address: IpAddr = host.parse().ok().filter(|_| self.literal_addresses)?;
        Some(HostEntry {
            canonical: host.to_owned(),
            aliases: Vec::new(),
            addresses: vec![address],
        })
    }
}

impl HostEntry {
    /// An entry with one address and no alias.
    pub fn single(canonical: &str, address: IpAddr) -> Self {
        HostEntry {
            canonical: canonical.to_owned(),
            aliases: Vec::new(),
            addresses: vec![address],
        }
    }
}
