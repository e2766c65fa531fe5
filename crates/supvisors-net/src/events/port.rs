//! The port of the event interface for the local instance (spec §3.1).
//!
//! `supvisors-rules` already derives every instance's ports (option `event_port`, else
//! `internal_port + 1` unless that is the HTTP port, then `http_port + 1`); this only picks the
//! local instance's value and checks that it fits a TCP port.

use supvisors_core::enums::EventLinks;
use supvisors_rules::supvisors_options::SupvisorsOptions;

/// Why the local event port cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventPortError {
    /// The local identifier names no instance of `supvisors_list`.
    #[error("local instance {0:?} is not in supvisors_list")]
    UnknownLocal(String),
    /// The derived port is not a TCP port (e.g. HTTP port 65535 plus 2).
    #[error("event port of the local instance is {0}, expected 1..=65535")]
    OutOfRange(u32),
}

/// The port the ZMQ publisher binds; `None` when `event_link` is not `ZMQ` (no socket at all).
pub fn event_port(options: &SupvisorsOptions) -> Result<Option<u16>, EventPortError> {
    if options.event_link != EventLinks::Zmq {
        return Ok(None);
    }
    let local = options
        .local_instance()
        .ok_or_else(|| EventPortError::UnknownLocal(options.local_identifier.clone()))?;
    match u16::try_from(local.event_port) {
        Ok(port) if port != 0 => Ok(Some(port)),
        _ => Err(EventPortError::OutOfRange(local.event_port)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use supvisors_rules::context::{HostEntry, HostTable, LoadContext, StaticAccounts};
    use supvisors_rules::supvisors_options::parse_supvisors_options;

    use super::*;

    /// Options of a one-instance `supvisors_list` on `localhost` with this HTTP port.
    fn options(http_port: u32, pairs: &[(&str, &str)]) -> SupvisorsOptions {
        let entry = HostEntry {
            canonical: "localhost".to_owned(),
            aliases: vec![],
            addresses: vec![[127, 0, 0, 1].into()],
        };
        let resolver = HostTable::new().with("localhost", entry);
        let ctx = LoadContext {
            env: BTreeMap::new(),
            host_node_name: "localhost".to_owned(),
            cwd: PathBuf::from("/"),
            local_addresses: vec![],
            accounts: &StaticAccounts::empty(),
            resolver: &resolver,
        };
        let entries: Vec<(String, String, u32)> = [("supvisors_list", "localhost")]
            .iter()
            .chain(pairs)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned(), 1))
            .collect();
        let here = Path::new("/");
        let parsed = parse_supvisors_options(&entries, here, here, "x", Some(http_port), &ctx);
        parsed.unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn port(http_port: u32, pairs: &[(&str, &str)]) -> Result<Option<u16>, EventPortError> {
        event_port(&options(http_port, pairs))
    }

    #[test]
    fn no_socket_unless_event_link_is_zmq() {
        assert_eq!(port(60000, &[]), Ok(None));
        assert_eq!(port(60000, &[("event_link", "NONE")]), Ok(None));
    }

    #[test]
    fn derived_from_http_and_internal_ports() {
        let zmq = ("event_link", "zmq");
        assert_eq!(port(60000, &[zmq]), Ok(Some(60002)), "spec example");
        assert_eq!(
            port(60000, &[zmq, ("internal_port", "7000")]),
            Ok(Some(7001))
        );
        assert_eq!(
            port(60000, &[zmq, ("internal_port", "59999")]),
            Ok(Some(60001)),
            "internal + 1 is the HTTP port: HTTP port + 1"
        );
        assert_eq!(port(60000, &[zmq, ("event_port", "7777")]), Ok(Some(7777)));
    }

    #[test]
    fn a_port_past_65535_is_refused() {
        let zmq = ("event_link", "ZMQ");
        assert_eq!(port(65535, &[zmq]), Err(EventPortError::OutOfRange(65537)));
    }
}
