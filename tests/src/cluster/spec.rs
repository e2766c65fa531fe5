//! What a cluster is made of: the daemon under test ([`Subject`]), the instances and their
//! `[rpcinterface:supvisors]` options ([`ClusterSpec`], [`InstanceSpec`]), and the
//! `supervisord.conf` written for each instance once its ports are known.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The daemon that runs every instance of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The venv's `supervisord` 4.3.0 with the Supvisors 0.15 plugin.
    Python,
    /// Our `supvisorsd` (or any binary taking `-n -c FILE`).
    Rust(PathBuf),
}

impl Subject {
    /// The subject named by `$var`: `python`, or a path to a daemon (relative to the workspace
    /// root or absolute); when unset, our `supvisorsd` from the current build, which must exist.
    pub fn from_env(var: &str) -> Subject {
        match std::env::var_os(var) {
            Some(value) if value == "python" => Subject::Python,
            Some(value) => {
                let path = crate::workspace_root().join(PathBuf::from(value));
                assert!(path.exists(), "{var}={} is missing", path.display());
                Subject::Rust(path)
            }
            None => Subject::Rust(crate::binary("supvisorsd")),
        }
    }

    /// The executable started as `<exe> -n -c <file>`.
    pub fn executable(&self) -> PathBuf {
        match self {
            Subject::Python => crate::supervisord::venv_bin("supervisord"),
            Subject::Rust(path) => path.clone(),
        }
    }

    /// A short name for messages.
    pub fn label(&self) -> String {
        match self {
            Subject::Python => "python".to_owned(),
            Subject::Rust(path) => path.display().to_string(),
        }
    }
}

/// One instance of a cluster, all on 127.0.0.1 with ports allocated at start.
#[derive(Debug, Clone, Default)]
pub struct InstanceSpec {
    /// Supervisor `identifier`, also the `<identifier>` of its `supvisors_list` item.
    pub identifier: String,
    /// Host of its `supvisors_list` item: `127.0.0.1` when empty. Instances whose hosts
    /// resolve to the same address share a node; only 127.0.0.1 is served here, so every
    /// instance is on the same node unless the daemons bind other loopback addresses, or run
    /// on hosts of network namespaces ([`InstanceSpec::on_host`]).
    pub host: String,
    /// `[include] files` globs, relative to the instance directory (where the fixture is
    /// copied and the configuration written).
    pub include: Vec<String>,
    /// Extra sections appended to the configuration (programs, groups).
    pub sections: String,
    /// `[rpcinterface:supvisors]` options of this instance only, after the cluster's ones.
    pub options: Vec<(String, String)>,
    /// Environment variables of the daemon (usable as `%(ENV_X)s` in the configuration).
    pub env: Vec<(String, String)>,
    /// Network namespace the daemon runs in (a host of [`crate::netns::Netns`]); its
    /// `inet_http_server` then listens on `host`, where the test reaches it from inside.
    pub netns: Option<String>,
}

impl InstanceSpec {
    /// An instance with only its identifier set.
    pub fn new(identifier: &str) -> InstanceSpec {
        InstanceSpec {
            identifier: identifier.to_owned(),
            ..InstanceSpec::default()
        }
    }

    /// Adds `[include] files` globs.
    pub fn include(mut self, globs: &[&str]) -> Self {
        self.include.extend(globs.iter().map(|g| (*g).to_owned()));
        self
    }

    /// Adds one `[rpcinterface:supvisors]` option for this instance.
    pub fn option(mut self, key: &str, value: &str) -> Self {
        self.options.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Adds one environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Appends configuration sections.
    pub fn sections(mut self, text: &str) -> Self {
        self.sections.push_str(text);
        self.sections.push('\n');
        self
    }

    /// Runs the daemon on host `i` of `netns`: in its namespace, with its address.
    pub fn on_host(mut self, netns: &crate::netns::Netns, i: usize) -> Self {
        self.host = netns.address(i).to_string();
        self.netns = Some(netns.host(i));
        self
    }

    /// The address its `inet_http_server` listens on.
    pub fn http_address(&self) -> &str {
        if self.netns.is_some() && !self.host.is_empty() {
            &self.host
        } else {
            "127.0.0.1"
        }
    }
}

/// The instances of a cluster and what they share.
#[derive(Debug, Clone, Default)]
pub struct ClusterSpec {
    /// The instances, in `supvisors_list` order.
    pub instances: Vec<InstanceSpec>,
    /// `[rpcinterface:supvisors]` options of every instance (besides `supvisors_list` and
    /// `event_port`, written by the harness).
    pub options: Vec<(String, String)>,
    /// A directory copied into every instance directory before start (scripts, includes,
    /// rules files).
    pub fixture: Option<PathBuf>,
    /// Files written into every instance directory after the fixture: (relative path, text).
    pub files: Vec<(String, String)>,
}

impl ClusterSpec {
    /// A cluster of `identifiers`, nothing else set.
    pub fn new(identifiers: &[&str]) -> ClusterSpec {
        ClusterSpec {
            instances: identifiers.iter().map(|id| InstanceSpec::new(id)).collect(),
            ..ClusterSpec::default()
        }
    }

    /// Adds one option shared by every instance.
    pub fn option(mut self, key: &str, value: &str) -> Self {
        self.options.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Adds a file written into every instance directory.
    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.push((path.to_owned(), text.to_owned()));
        self
    }

    /// Appends the same sections to every instance.
    pub fn sections(mut self, text: &str) -> Self {
        for instance in &mut self.instances {
            instance.sections.push_str(text);
            instance.sections.push('\n');
        }
        self
    }
}

/// The ports of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// Supervisor's `inet_http_server` (XML-RPC).
    pub http: u16,
    /// Supvisors' internal publisher.
    pub internal: u16,
    /// Supvisors' event publisher (bound only with `event_link`).
    pub event: u16,
}

/// The `supvisors_list` value: `<id>host:http:internal` for every instance.
pub fn supvisors_list(spec: &ClusterSpec, ports: &[Ports]) -> String {
    spec.instances
        .iter()
        .zip(ports)
        .map(|(instance, p)| {
            let host = if instance.host.is_empty() {
                "127.0.0.1"
            } else {
                &instance.host
            };
            format!("<{}>{host}:{}:{}", instance.identifier, p.http, p.internal)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The configuration of instance `index`; the harness then replaces `@DIR@` (in options and
/// sections) with the instance directory: supervisord expands `%(here)s` in
/// `[rpcinterface:supvisors]` only when the file has an `[include]` section.
pub fn render(spec: &ClusterSpec, index: usize, ports: &[Ports]) -> String {
    let instance = &spec.instances[index];
    let port = ports[index];
    let mut text = format!(
        "[supervisord]\nidentifier={id}\nlogfile=%(here)s/log/supervisord.log\n\
         pidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s/log\nnodaemon=true\n\
         loglevel=info\n\n\
         [inet_http_server]\nport={address}:{http}\n\n\
         [rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
         [supervisorctl]\nserverurl=http://{address}:{http}\n\n\
         [rpcinterface:supvisors]\n\
         supervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
         supvisors_list = {list}\nevent_port = {event}\n",
        id = instance.identifier,
        address = instance.http_address(),
        http = port.http,
        event = port.event,
        list = supvisors_list(spec, ports),
    );
    // An instance option replaces the cluster's one of the same name: a key written twice
    // is a configuration error in supervisord.
    let shared = spec
        .options
        .iter()
        .filter(|(key, _)| !instance.options.iter().any(|(k, _)| k == key));
    for (key, value) in shared.chain(&instance.options) {
        let _ = writeln!(text, "{key} = {value}");
    }
    if !instance.include.is_empty() {
        let _ = write!(
            text,
            "\n[include]\nfiles = {}\n",
            instance.include.join(" ")
        );
    }
    let _ = write!(text, "\n{}", instance.sections);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_carry_identifier_and_both_ports() {
        let spec = ClusterSpec::new(&["a", "b"]);
        let ports = [
            Ports {
                http: 1000,
                internal: 1001,
                event: 1002,
            },
            Ports {
                http: 2000,
                internal: 2001,
                event: 2002,
            },
        ];
        assert_eq!(
            supvisors_list(&spec, &ports),
            "<a>127.0.0.1:1000:1001,<b>127.0.0.1:2000:2001"
        );
        let mut spec = spec
            .option("core_identifiers", "a")
            .option("stats_periods", "10");
        spec.instances[1] = spec.instances[1].clone().option("stats_periods", "10,100");
        let text = render(&spec, 1, &ports);
        assert!(text.contains("identifier=b\n"), "{text}");
        assert_eq!(text.matches("stats_periods").count(), 1, "{text}");
        assert!(text.contains("stats_periods = 10,100\n"), "{text}");
        assert!(text.contains("port=127.0.0.1:2000\n"), "{text}");
        assert!(
            text.contains("event_port = 2002\ncore_identifiers = a\n"),
            "{text}"
        );
    }
}
