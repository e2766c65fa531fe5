//! The `supvisors_list` option: item grammar, deduced identifiers, ports, host resolution,
//! nodes and the local instance (spec `supvisors-core.md` §2.3).
//!
//! Never does name resolution itself: hosts are resolved through [`crate::context::Resolver`].

use std::sync::OnceLock;

use regex::Regex;

use crate::context::{HostEntry, Resolver};

/// One item of `supvisors_list` as written: `[<identifier>]host[:[http_port]:[internal_port]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The explicit `<identifier>`, when given.
    pub identifier: Option<String>,
    /// The host as written (name or address), never resolved here.
    pub host: String,
    /// The HTTP port; 0 when not given (Python treats `0000` as not given too).
    pub http_port: u32,
    /// The internal port; 0 when not given.
    pub internal_port: u32,
}

/// One Supvisors instance of `supvisors_list`, with its ports and node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupvisorsInstance {
    /// The deduced identifier (§2.3.2), the name used by rules, RPC and election.
    pub identifier: String,
    /// The host as written in the item.
    pub host_name: String,
    /// HTTP port of its Supervisor.
    pub http_port: u32,
    /// Port of its internal publisher.
    pub internal_port: u32,
    /// Port of its external event publisher.
    pub event_port: u32,
    /// First of resolved addresses + canonical name + aliases: the node key.
    pub ip_address: String,
}

/// Instances sharing one node key, in `supvisors_list` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    /// The node key (first resolved address of the hosts).
    pub ip_address: String,
    /// Identifiers of the instances on this node (a duplicated identifier appears twice, as in
    /// the reference).
    pub identifiers: Vec<String>,
}

fn item_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Same shape as the reference's pattern; ports use ASCII digits so that they convert.
        Regex::new(
            r"^(?:<(?P<identifier>[\w\-]+)>)?(?P<host>[\w\-.]+)(?::(?P<http>[0-9]{4,5})?:(?P<internal>[0-9]{4,5})?)?$",
        )
        .expect("constant pattern compiles")
    })
}

/// Splits the option value: comma list, items stripped, empties removed, duplicates removed.
pub fn split_supvisors_list(value: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in crate::values::list_of_strings(value) {
        if !item.is_empty() && !items.contains(&item) {
            items.push(item);
        }
    }
    items
}

/// Parses one item with the anchored grammar of §2.3.1; `None` when it does not match.
pub fn parse_item(item: &str) -> Option<ListItem> {
    let caps = item_regex().captures(item)?;
    let port = |name: &str| {
        caps.name(name)
            .and_then(|m| m.as_str().parse::<u32>().ok())
            .unwrap_or(0)
    };
    Some(ListItem {
        identifier: caps.name("identifier").map(|m| m.as_str().to_owned()),
        host: caps.name("host")?.as_str().to_owned(),
        http_port: port("http"),
        internal_port: port("internal"),
    })
}

impl ListItem {
    /// The deduced identifier: `<identifier>`, else host plus `:http_port` if that was given.
    pub fn deduced_identifier(&self) -> String {
        match &self.identifier {
            Some(id) => id.clone(),
            None if self.http_port != 0 => format!("{}:{}", self.host, self.http_port),
            None => self.host.clone(),
        }
    }

    /// Ports `(http, internal, event)` after the defaults of §2.3.3.
    pub fn ports(
        &self,
        local_http_port: u32,
        opt_internal: u32,
        opt_event: u32,
    ) -> (u32, u32, u32) {
        let http = if self.http_port != 0 {
            self.http_port
        } else {
            local_http_port
        };
        let internal = match (self.internal_port, opt_internal) {
            (0, 0) => http + 1,
            (0, opt) => opt,
            (given, _) => given,
        };
        let event = if opt_event != 0 {
            opt_event
        } else if http != internal + 1 {
            internal + 1
        } else {
            http + 1
        };
        (http, internal, event)
    }
}

/// The node key of a resolved host: first of addresses, canonical name, aliases.
pub fn node_key(entry: &HostEntry) -> Option<String> {
    entry
        .addresses
        .first()
        .map(ToString::to_string)
        .or_else(|| Some(entry.canonical.clone()).filter(|c| !c.is_empty()))
        .or_else(|| entry.aliases.iter().find(|a| !a.is_empty()).cloned())
}

/// Names of the local host as the reference builds them: resolution of the host name gives
/// addresses, canonical name and aliases; empty when the host name cannot be resolved.
/// The interface addresses of `LoadContext::local_addresses` are deliberately not used: the
/// reference (`get_node_names(gethostname())`) only knows what resolution says.
pub fn local_node_references(resolver: &dyn Resolver, host_node_name: &str) -> Vec<String> {
    match resolver.resolve(host_node_name) {
        Some(entry) => entry
            .addresses
            .iter()
            .map(ToString::to_string)
            .chain(std::iter::once(entry.canonical.clone()))
            .chain(entry.aliases.iter().cloned())
            .collect(),
        None => Vec::new(),
    }
}

/// The port options and the local Supervisor port that item ports default to (§2.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortOptions {
    /// Port of the local `[inet_http_server]`.
    pub local_http_port: u32,
    /// Option `internal_port` (0 = derive).
    pub internal_port: u32,
    /// Option `event_port` (0 = derive).
    pub event_port: u32,
}

/// Builds the instances (one per deduced identifier: a repeated identifier takes the later
/// data at the first position) and the nodes; also returns the items that do not match the
/// grammar or whose host does not resolve.
pub fn build_instances(
    items: &[String],
    ports: PortOptions,
    resolver: &dyn Resolver,
) -> (Vec<SupvisorsInstance>, Vec<NodeGroup>, Vec<String>) {
    let mut instances: Vec<SupvisorsInstance> = Vec::new();
    let mut nodes: Vec<NodeGroup> = Vec::new();
    let mut rejected = Vec::new();
    for item in items {
        let resolved = parse_item(item).and_then(|parsed| {
            let ip_address = node_key(&resolver.resolve(&parsed.host)?)?;
            let (http_port, internal_port, event_port) =
                parsed.ports(ports.local_http_port, ports.internal_port, ports.event_port);
            Some(SupvisorsInstance {
                identifier: parsed.deduced_identifier(),
                host_name: parsed.host,
                http_port,
                internal_port,
                event_port,
                ip_address,
            })
        });
        let Some(instance) = resolved else {
            rejected.push(item.clone());
            continue;
        };
        match nodes
            .iter_mut()
            .find(|n| n.ip_address == instance.ip_address)
        {
            Some(node) => node.identifiers.push(instance.identifier.clone()),
            None => nodes.push(NodeGroup {
                ip_address: instance.ip_address.clone(),
                identifiers: vec![instance.identifier.clone()],
            }),
        }
        match instances
            .iter_mut()
            .find(|i| i.identifier == instance.identifier)
        {
            Some(existing) => *existing = instance,
            None => instances.push(instance),
        }
    }
    (instances, nodes, rejected)
}

/// Outcome of the local instance determination (§2.3.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalInstance {
    /// The identifier of the local instance.
    Found(String),
    /// No candidate.
    NotFound,
    /// Several candidates, in `supvisors_list` order.
    Multiple(Vec<String>),
}

/// Finds the local instance: the Supervisor identifier if it is a deduced one, else the only
/// instance whose configured host is one of the local references.
pub fn find_local_identifier(
    instances: &[SupvisorsInstance],
    supervisor_identifier: &str,
    local_references: &[String],
) -> LocalInstance {
    if instances
        .iter()
        .any(|i| i.identifier == supervisor_identifier)
    {
        return LocalInstance::Found(supervisor_identifier.to_owned());
    }
    let candidates: Vec<String> = instances
        .iter()
        .filter(|i| local_references.contains(&i.host_name))
        .map(|i| i.identifier.clone())
        .collect();
    match candidates.len() {
        0 => LocalInstance::NotFound,
        1 => LocalInstance::Found(candidates.into_iter().next().unwrap_or_default()),
        _ => LocalInstance::Multiple(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(text: &str) -> ListItem {
        parse_item(text).unwrap_or_else(|| panic!("{text} should match"))
    }

    #[test]
    fn item_07_single_colon_item_does_not_match_but_trailing_colon_does() {
        assert_eq!(parse_item("host:7777"), None);
        let it = item("host:7777:");
        assert_eq!(
            (it.host.as_str(), it.http_port, it.internal_port),
            ("host", 7777, 0)
        );
    }

    #[test]
    fn grammar_table_of_the_spec() {
        assert_eq!(item("host::8888").internal_port, 8888);
        assert_eq!(item("host::").http_port, 0);
        let it = item("host:7777:8888");
        assert_eq!((it.http_port, it.internal_port), (7777, 8888));
        assert_eq!(item("<id>host").identifier.as_deref(), Some("id"));
        for bad in [
            "<my id>host",
            "<>host",
            "host:123:",
            "host:123456:",
            "",
            "ho st",
            "h:1234:5678:",
        ] {
            assert_eq!(parse_item(bad), None, "{bad}");
        }
        assert_eq!(item("host:65536:").http_port, 65536);
    }

    #[test]
    fn deduced_identifier_table_of_the_spec() {
        for (text, id) in [
            ("<supervisor_01>10.0.0.1:8888:", "supervisor_01"),
            ("<supervisor_01>10.0.0.1", "supervisor_01"),
            ("10.0.0.1", "10.0.0.1"),
            ("10.0.0.1:8888:8889", "10.0.0.1:8888"),
            ("10.0.0.1::8889", "10.0.0.1"),
            ("10.0.0.1:0000:", "10.0.0.1"),
        ] {
            assert_eq!(item(text).deduced_identifier(), id, "{text}");
        }
    }

    #[test]
    fn item_08_item_with_ports_gives_identifier_internal_and_event_ports() {
        let it = item("10.0.0.1:7777:8000");
        assert_eq!(it.deduced_identifier(), "10.0.0.1:7777");
        assert_eq!(it.ports(65000, 0, 0), (7777, 8000, 8001));
        assert_eq!(
            item("10.0.0.1:7777:7776").ports(65000, 0, 0),
            (7777, 7776, 7778)
        );
        assert_eq!(item("host").ports(65000, 0, 0), (65000, 65001, 65002));
        assert_eq!(item("host").ports(65000, 7000, 8000), (65000, 7000, 8000));
        assert_eq!(
            item("host::6000").ports(65000, 7000, 0),
            (65000, 6000, 6001)
        );
    }

    #[test]
    fn split_removes_empties_and_duplicates_keeping_first() {
        assert_eq!(split_supvisors_list(" a , b,,a, c "), ["a", "b", "c"]);
        assert!(split_supvisors_list("").is_empty());
    }

    fn inst(id: &str, host: &str) -> SupvisorsInstance {
        SupvisorsInstance {
            identifier: id.into(),
            host_name: host.into(),
            http_port: 1,
            internal_port: 2,
            event_port: 3,
            ip_address: host.into(),
        }
    }

    #[test]
    fn local_identifier_is_supervisor_identifier_before_host_matching() {
        let instances = [inst("a", "rocky51"), inst("b", "rocky52")];
        let refs = ["rocky52".to_owned()];
        assert_eq!(
            find_local_identifier(&instances, "a", &refs),
            LocalInstance::Found("a".into())
        );
        assert_eq!(
            find_local_identifier(&instances, "supervisor", &refs),
            LocalInstance::Found("b".into())
        );
    }

    #[test]
    fn two_local_candidates_or_none_are_reported() {
        let instances = [
            inst("rocky51", "rocky51"),
            inst("192.168.1.70:30000", "192.168.1.70"),
        ];
        let refs = ["192.168.1.70".to_owned(), "rocky51".to_owned()];
        assert_eq!(
            find_local_identifier(&instances, "supervisor", &refs),
            LocalInstance::Multiple(vec!["rocky51".into(), "192.168.1.70:30000".into()])
        );
        assert_eq!(
            find_local_identifier(&instances, "supervisor", &[]),
            LocalInstance::NotFound
        );
    }

    proptest! {
        #[test]
        fn well_formed_items_parse_and_deduce(
            id in proptest::option::of("[A-Za-z0-9_-]{1,8}"),
            host in "[A-Za-z0-9_.-]{1,12}",
            http in proptest::option::of(1000u32..=99999),
            internal in proptest::option::of(1000u32..=99999),
            colons in any::<bool>(),
        ) {
            let mut text = String::new();
            if let Some(id) = &id { text.push_str(&format!("<{id}>")); }
            text.push_str(&host);
            let with_ports = colons || http.is_some() || internal.is_some();
            if with_ports {
                text.push(':');
                if let Some(p) = http { text.push_str(&p.to_string()); }
                text.push(':');
                if let Some(p) = internal { text.push_str(&p.to_string()); }
            }
            let parsed = parse_item(&text);
            prop_assert!(parsed.is_some(), "{}", text);
            let parsed = parsed.unwrap_or_else(|| unreachable!());
            prop_assert_eq!(&parsed.host, &host);
            prop_assert_eq!(parsed.http_port, http.unwrap_or(0));
            prop_assert_eq!(parsed.internal_port, internal.unwrap_or(0));
            let expected = match (&id, http) {
                (Some(id), _) => id.clone(),
                (None, Some(p)) => format!("{host}:{p}"),
                (None, None) => host.clone(),
            };
            prop_assert_eq!(parsed.deduced_identifier(), expected);
        }

        #[test]
        fn items_with_a_bad_port_length_or_single_colon_are_rejected(
            host in "[a-z]{1,8}",
            port in prop_oneof![0u32..1000, 100_000u32..1_000_000],
            single in any::<bool>(),
        ) {
            let bad_length = format!("{host}:{port}:");
            prop_assert!(parse_item(&bad_length).is_none());
            if single {
                let single_colon = format!("{host}:{}", port + 1000);
                prop_assert!(parse_item(&single_colon).is_none());
            }
        }

        #[test]
        fn items_with_forbidden_characters_are_rejected(
            host in "[a-z]{1,4}", bad in "[ /@#,;!?*]", tail in "[a-z]{0,4}",
        ) {
            let text = format!("{host}{bad}{tail}");
            prop_assert!(parse_item(&text).is_none());
        }
    }
}
