//! Host facts for configuration loading: the real system (passwd, resolver, interfaces) or a
//! pinned table, so that a configuration meant for another host can be checked from this one.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use anyhow::{Context, Result};
use supvisors_rules::context::{Accounts, HostEntry, HostTable, Resolver, UserAccount};

/// User and group look-ups in the system databases.
pub struct SystemAccounts;

impl Accounts for SystemAccounts {
    fn user_by_name(&self, name: &str) -> Option<UserAccount> {
        nix::unistd::User::from_name(name)
            .ok()
            .flatten()
            .map(to_account)
    }

    fn user_by_id(&self, uid: u32) -> Option<UserAccount> {
        nix::unistd::User::from_uid(uid.into())
            .ok()
            .flatten()
            .map(to_account)
    }

    fn group_by_name(&self, name: &str) -> Option<u32> {
        nix::unistd::Group::from_name(name)
            .ok()
            .flatten()
            .map(|g| g.gid.as_raw())
    }

    fn group_exists(&self, gid: u32) -> bool {
        matches!(nix::unistd::Group::from_gid(gid.into()), Ok(Some(_)))
    }
}

fn to_account(user: nix::unistd::User) -> UserAccount {
    UserAccount {
        name: user.name,
        uid: user.uid.as_raw(),
        gid: user.gid.as_raw(),
    }
}

/// The system resolver, answering as Python's `socket.gethostbyaddr` does: the addresses of
/// the name, and the name the first address resolves back to.
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve(&self, host: &str) -> Option<HostEntry> {
        let hints = dns_lookup::AddrInfoHints {
            socktype: dns_lookup::SockType::Stream.into(),
            address: libc_af_inet(),
            flags: 0x0002, // AI_CANONNAME
            ..Default::default()
        };
        let infos = dns_lookup::getaddrinfo(Some(host), None, Some(hints)).ok()?;
        let mut addresses = Vec::new();
        let mut canonname = None;
        for info in infos.flatten() {
            if canonname.is_none() {
                canonname = info.canonname.clone();
            }
            let ip = info.sockaddr.ip();
            if !addresses.contains(&ip) {
                addresses.push(ip);
            }
        }
        let first = *addresses.first()?;
        let reverse =
            dns_lookup::getnameinfo(&SocketAddr::new(first, 0), 0x0008 /* NI_NAMEREQD */)
                .ok()
                .map(|(name, _)| name);
        let canonical = reverse
            .or(canonname.clone())
            .unwrap_or_else(|| host.to_owned());
        let aliases = canonname
            .filter(|name| *name != canonical)
            .into_iter()
            .collect();
        Some(HostEntry {
            canonical,
            aliases,
            addresses,
        })
    }
}

fn libc_af_inet() -> i32 {
    // Supvisors (like gethostbyaddr) only deals with IPv4 addresses.
    2 // AF_INET on every platform we build for
}

/// Reads the host table that `--hosts FILE` gives, a JSON file
/// `{"host": ["canonical", ["alias", …], ["address", …]]}`; literal addresses absent from it
/// resolve to nothing, as any other unknown host.
pub fn host_table_from_file(path: &Path) -> Result<HostTable> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read host table {}", path.display()))?;
    let raw: BTreeMap<String, (String, Vec<String>, Vec<String>)> = serde_json::from_str(&text)
        .with_context(|| {
            format!(
                "{}: expected {{\"host\": [\"canonical\", [aliases], [addresses]]}}",
                path.display()
            )
        })?;
    let mut table = HostTable::new();
    for (host, (canonical, aliases, addresses)) in raw {
        let addresses = addresses
            .iter()
            .map(|a| {
                a.parse::<IpAddr>().with_context(|| {
                    format!(
                        "{}: host {host}: {a:?} is not an IP address",
                        path.display()
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        table = table.with(
            &host,
            HostEntry {
                canonical,
                aliases,
                addresses,
            },
        );
    }
    Ok(table)
}

/// The host name, as `uname -n` gives it.
pub fn host_node_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Addresses of the local interfaces.
pub fn local_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    if let Ok(addrs) = nix::ifaddrs::getifaddrs() {
        for ifaddr in addrs {
            let ip = ifaddr.address.as_ref().and_then(|a| {
                a.as_sockaddr_in()
                    .map(|v4| IpAddr::V4(v4.ip()))
                    .or_else(|| a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip())))
            });
            if let Some(ip) = ip.filter(|ip| !out.contains(ip)) {
                out.push(ip);
            }
        }
    }
    out
}
