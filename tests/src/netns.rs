//! Hosts in network namespaces created by the test itself: one namespace per host, each with
//! a veth pair whose other end is plugged into a bridge living in a namespace of its own, so
//! that the machine's own network is never touched. A host is partitioned by taking its
//! bridge port down, and healed by bringing it back up.
//!
//! ```text
//!   ns <id>h0: eth0 10.77.0.1 ─┐
//!   ns <id>h1: eth0 10.77.0.2 ─┼─ ns <id>sw: br0 (ports p0, p1, p2)
//!   ns <id>h2: eth0 10.77.0.3 ─┘
//! ```
//!
//! Addresses are the same in every test: each test's namespaces are isolated from the
//! others'. Never connect to them from the test's own (root) namespace: there they would be
//! routed out of the machine; use [`Netns::within`] or [`Netns::command`]. Namespace names carry the test process id and a counter, so concurrent tests never
//! share one. Everything is deleted on drop, `/etc/netns/<name>` included.

use std::net::Ipv4Addr;
use std::os::fd::AsFd as _;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A set of hosts on one bridge.
#[derive(Debug)]
pub struct Netns {
    prefix: String,
    hosts: usize,
}

fn ip(args: &[&str]) {
    let out = crate::run(Command::new("ip").args(args));
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Netns {
    /// Creates `hosts` namespaces (at most 200) linked by a bridge.
    ///
    /// Panics with the reason when namespaces cannot be made (no `ip`, not root): the
    /// partition tests must fail loudly rather than skip.
    pub fn create(hosts: usize) -> Netns {
        assert!((1..=200).contains(&hosts), "1 to 200 hosts");
        let prefix = format!(
            "sv{}n{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let netns = Netns { prefix, hosts };
        let switch = netns.switch();
        ip(&["netns", "add", &switch]);
        ip(&["-n", &switch, "link", "add", "br0", "type", "bridge"]);
        ip(&["-n", &switch, "link", "set", "br0", "up"]);
        for i in 0..hosts {
            let host = netns.host(i);
            let port = format!("p{i}");
            let address = format!("{}/24", netns.address(i));
            ip(&["netns", "add", &host]);
            ip(&["-n", &host, "link", "set", "lo", "up"]);
            ip(&[
                "-n", &host, "link", "add", "eth0", "type", "veth", "peer", "name", &port, "netns",
                &switch,
            ]);
            ip(&["-n", &switch, "link", "set", &port, "master", "br0"]);
            ip(&["-n", &switch, "link", "set", &port, "up"]);
            ip(&["-n", &host, "addr", "add", &address, "dev", "eth0"]);
            ip(&["-n", &host, "link", "set", "eth0", "up"]);
        }
        netns.write_hosts_files();
        netns
    }

    /// Gives every host an `/etc/hosts` naming all the hosts (`ip netns exec` mounts
    /// `/etc/netns/<name>/hosts` over it): Supvisors resolves each `supvisors_list` address
    /// back to a name, and the reference refuses an address that has none.
    fn write_hosts_files(&self) {
        let mut text = String::from("127.0.0.1 localhost\n");
        for i in 0..self.hosts {
            text.push_str(&format!("{} {}\n", self.address(i), self.host(i)));
        }
        for i in 0..self.hosts {
            let dir = self.etc_dir(i);
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
            std::fs::write(dir.join("hosts"), &text)
                .unwrap_or_else(|e| panic!("cannot write {}/hosts: {e}", dir.display()));
        }
    }

    /// The directory of host `i`'s files bound over `/etc` by `ip netns exec`.
    fn etc_dir(&self, i: usize) -> std::path::PathBuf {
        std::path::Path::new("/etc/netns").join(self.host(i))
    }

    fn switch(&self) -> String {
        format!("{}sw", self.prefix)
    }

    /// The namespace name of host `i`.
    pub fn host(&self, i: usize) -> String {
        format!("{}h{i}", self.prefix)
    }

    /// The address of host `i`.
    pub fn address(&self, i: usize) -> Ipv4Addr {
        Ipv4Addr::new(10, 77, 0, u8::try_from(i + 1).unwrap_or(u8::MAX))
    }

    /// Cuts host `i` off the bridge.
    pub fn partition(&self, i: usize) {
        ip(&[
            "-n",
            &self.switch(),
            "link",
            "set",
            &format!("p{i}"),
            "down",
        ]);
    }

    /// Plugs host `i` back into the bridge.
    pub fn heal(&self, i: usize) {
        ip(&["-n", &self.switch(), "link", "set", &format!("p{i}"), "up"]);
    }

    /// A command that runs `program` inside host `i`'s namespace.
    pub fn command(&self, i: usize, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.host(i)]).arg(program);
        cmd
    }

    /// Runs `f` on a thread that entered host `i`'s namespace: sockets it opens live there.
    pub fn within<T: Send>(&self, i: usize, f: impl FnOnce() -> T + Send) -> T {
        within_namespace(&self.host(i), f)
    }
}

/// Runs `f` on a thread that entered the network namespace named `name` (as in
/// `/run/netns`): sockets it opens live there.
pub fn within_namespace<T: Send>(name: &str, f: impl FnOnce() -> T + Send) -> T {
    let path = format!("/run/netns/{name}");
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                let file = std::fs::File::open(&path)
                    .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
                // Only this thread changes namespace; it ends with the scope.
                nix::sched::setns(file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET)
                    .unwrap_or_else(|e| panic!("setns {path}: {e}"));
                f()
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

impl Drop for Netns {
    fn drop(&mut self) {
        for i in 0..self.hosts {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.host(i)])
                .status();
            let _ = std::fs::remove_dir_all(self.etc_dir(i));
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.switch()])
            .status();
        // Only when empty: other tests may have their hosts there.
        let _ = std::fs::remove_dir("/etc/netns");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read as _, Write as _};
    use std::net::{SocketAddrV4, TcpListener, TcpStream};
    use std::time::Duration;

    fn connects(netns: &Netns, from: usize, to: SocketAddrV4) -> bool {
        netns.within(from, || {
            TcpStream::connect_timeout(&to.into(), Duration::from_millis(500))
                .and_then(|mut s| {
                    s.write_all(b"x")?;
                    let mut byte = [0u8];
                    s.set_read_timeout(Some(Duration::from_millis(500)))?;
                    s.read_exact(&mut byte)
                })
                .is_ok()
        })
    }

    #[test]
    fn hosts_talk_through_the_bridge_until_partitioned() {
        let netns = Netns::create(2);
        let target = SocketAddrV4::new(netns.address(1), 7000);
        let listener = netns.within(1, || TcpListener::bind(target).expect("bind in host 1"));
        let echo = std::thread::spawn(move || {
            for stream in listener.incoming().take(2) {
                let Ok(mut stream) = stream else { continue };
                let mut byte = [0u8];
                if stream.read_exact(&mut byte).is_ok() {
                    let _ = stream.write_all(&byte);
                }
            }
        });
        // A bridge port forwards a moment after it comes up: a few attempts.
        let eventually = |netns: &Netns| (0..20).any(|_| connects(netns, 0, target));
        assert!(eventually(&netns), "bridge works");
        netns.partition(1);
        assert!(!connects(&netns, 0, target), "partitioned host unreachable");
        netns.heal(1);
        assert!(eventually(&netns), "healed");
        echo.join().expect("echo thread");
    }
}
