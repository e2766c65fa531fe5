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
pub trait Accounts {
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
pub trait Resolver {
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
