//! `cargo xtask bench --daemons`: the real `supervisord` 4.3.0 (from the project's venv) and our
//! `supvisorsd` measured side by side in one run, with the ratios of issue #3:
//! spawn rate of 1,000 programs, `getAllProcessInfo` latency with 1,000 processes, idle RSS and
//! CPU with 1,000 sleeping children, and stdout capture throughput while `getState` is polled.
//!
//! Observation only goes through `/proc` and XML-RPC, the same way for both daemons, so the
//! client's own costs are equal on both sides.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Which daemon a measurement is about.
#[derive(Clone)]
pub struct Subject {
    /// Label printed in the table.
    pub label: &'static str,
    /// The daemon's executable (run as `<exe> -n -c <file>`).
    pub exe: PathBuf,
}

/// Bench sizes, kept as parameters so a quick local run is possible.
pub struct Sizes {
    /// Programs for the spawn, query and idle measurements.
    pub procs: usize,
    /// Seconds of idle observation.
    pub idle_secs: u64,
    /// Seconds of stdout flooding.
    pub flood_secs: u64,
}

/// One measured figure per subject.
pub(crate) struct Row {
    what: &'static str,
    unit: &'static str,
    /// True when a larger value is better (rates), false for costs.
    higher_is_better: bool,
    /// One value per subject, in table order (NaN when not measured).
    pub(crate) values: Vec<f64>,
}

/// Runs every measurement on every subject and prints a table with ratios (last subject against
/// the first).
pub fn run(subjects: &[Subject], sizes: &Sizes) -> Result<()> {
    let mut rows = vec![
        Row::new("spawn rate (startsecs=0)", "spawns/s", true),
        Row::new("getAllProcessInfo median", "ms", false),
        Row::new("idle RSS", "MB", false),
        Row::new("idle CPU", "%", false),
        Row::new("stdout capture", "MB/s", true),
        Row::new("getState p99 while flooding", "ms", false),
    ];
    for subject in subjects {
        eprintln!(
            "daemon-bench: {} ({})",
            subject.label,
            subject.exe.display()
        );
        let many = many_programs(subject, sizes)?;
        rows[0].values.push(many.spawn_rate);
        rows[1].values.push(many.all_info_ms);
        rows[2].values.push(many.idle_rss_mb);
        rows[3].values.push(many.idle_cpu_pct);
        let flood = flood(subject, sizes)?;
        rows[4].values.push(flood.mb_per_s);
        rows[5].values.push(flood.get_state_p99_ms);
    }
    let labels: Vec<&str> = subjects.iter().map(|s| s.label).collect();
    print!("{}", table(&labels, &rows));
    Ok(())
}

impl Row {
    /// A row with no value yet.
    pub(crate) fn new(what: &'static str, unit: &'static str, higher_is_better: bool) -> Self {
        Row {
            what,
            unit,
            higher_is_better,
            values: Vec::new(),
        }
    }
}

/// The rows with one column per subject and, for each subject after the first, the gain
/// against the first one (`first / other` for costs, `other / first` for rates).
pub(crate) fn table(labels: &[&str], rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<32} {:>9}", "measurement", "unit");
    for label in labels {
        let _ = write!(out, " {label:>14}");
    }
    let others = labels.get(1..).unwrap_or_default();
    for label in others {
        // One gain column keeps the historical header; several say which subject they are for.
        let head = if others.len() == 1 {
            "gain".to_owned()
        } else {
            format!("gain {label}")
        };
        let _ = write!(out, " {head:>10}");
    }
    let _ = writeln!(out);
    for row in rows {
        let _ = write!(out, "{:<32} {:>9}", row.what, row.unit);
        for v in &row.values {
            let _ = write!(out, " {v:>14.3}");
        }
        let first = row.values.first().copied().unwrap_or(f64::NAN);
        for other in row.values.get(1..).unwrap_or_default() {
            let gain = if row.higher_is_better {
                other / first
            } else {
                first / other
            };
            let _ = write!(out, " {gain:>9.1}x");
        }
        let _ = writeln!(out);
    }
    out
}

struct Many {
    spawn_rate: f64,
    all_info_ms: f64,
    idle_rss_mb: f64,
    idle_cpu_pct: f64,
}

fn many_programs(subject: &Subject, sizes: &Sizes) -> Result<Many> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut conf = base_config(dir.path(), port);
    for i in 0..sizes.procs {
        // Logs off on both sides: this measures spawning, not file creation.
        let _ = writeln!(
            conf,
            "[program:p{i:04}]\ncommand=/bin/sleep 100000\nstartsecs=0\nautorestart=false\n\
             stdout_logfile=NONE\nstderr_logfile=NONE\n"
        );
    }
    // Children are counted from /proc from the daemon's start (same cost for both daemons, no
    // RPC in the way): autostart may be over before the first XML-RPC answer.
    let daemon = Daemon::launch(subject, dir.path(), &conf)?;
    let started = Instant::now();
    let mut first: Option<Instant> = None;
    loop {
        let n = children_of(daemon.pid()).len();
        if n > 0 && first.is_none() {
            first = Some(Instant::now());
        }
        if n >= sizes.procs {
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            bail!("{}: only {n} children after 300 s", subject.label);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let spawn_secs = first.map_or(0.0, |f| f.elapsed().as_secs_f64()).max(0.02);
    let spawn_rate = sizes.procs as f64 / spawn_secs;
    daemon.wait_ready(port)?;

    // The reference needs over a second per call: a handful of samples is enough there.
    let mut samples = Vec::new();
    let client = Client::new(port);
    let budget = Instant::now();
    while samples.len() < 50 && (samples.len() < 3 || budget.elapsed() < Duration::from_secs(10)) {
        let t = Instant::now();
        let body = client.call("supervisor.getAllProcessInfo", "")?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
        let running = body.matches("<string>RUNNING</string>").count();
        if running < sizes.procs {
            bail!(
                "{}: getAllProcessInfo shows {running} RUNNING of {}",
                subject.label,
                sizes.procs
            );
        }
    }
    let all_info_ms = median(&mut samples);

    let cpu0 = cpu_ns(daemon.pid())?;
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(sizes.idle_secs));
    let cpu1 = cpu_ns(daemon.pid())?;
    let idle_cpu_pct = cpu1.saturating_sub(cpu0) as f64 / 1e9 / t0.elapsed().as_secs_f64() * 100.0;
    let idle_rss_mb = rss_kb(daemon.pid())? as f64 / 1024.0;
    daemon.stop()?;
    Ok(Many {
        spawn_rate,
        all_info_ms,
        idle_rss_mb,
        idle_cpu_pct,
    })
}

struct Flood {
    mb_per_s: f64,
    get_state_p99_ms: f64,
}

fn flood(subject: &Subject, sizes: &Sizes) -> Result<Flood> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut conf = base_config(dir.path(), port);
    // Rotation bounds the disk use of a multi-gigabyte run.
    let _ = writeln!(
        conf,
        "[program:flood]\ncommand=/bin/cat /dev/zero\nstartsecs=0\nautorestart=false\n\
         stdout_logfile={}/flood.log\nstdout_logfile_maxbytes=256MB\nstdout_logfile_backups=1\n",
        dir.path().display()
    );
    let daemon = Daemon::start(subject, dir.path(), &conf, port)?;
    let child = wait_for(Duration::from_secs(30), || {
        children_of(daemon.pid()).first().copied()
    })
    .context("the flooding child did not start")?;
    let client = Client::new(port);
    let w0 = written_bytes(child)?;
    let t0 = Instant::now();
    let mut latencies = Vec::new();
    while t0.elapsed() < Duration::from_secs(sizes.flood_secs) {
        let t = Instant::now();
        client.call("supervisor.getState", "")?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(10));
    }
    let w1 = written_bytes(child)?;
    let secs = t0.elapsed().as_secs_f64();
    daemon.stop()?;
    latencies.sort_by(f64::total_cmp);
    let p99 = latencies
        .get(latencies.len() * 99 / 100)
        .copied()
        .unwrap_or(f64::NAN);
    Ok(Flood {
        mb_per_s: (w1 - w0) as f64 / secs / 1e6,
        get_state_p99_ms: p99,
    })
}

fn base_config(dir: &Path, port: u16) -> String {
    format!(
        "[supervisord]\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\n\
         childlogdir={d}\n\n[inet_http_server]\nport=127.0.0.1:{port}\n\n\
         [rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n",
        d = dir.display()
    )
}

/// The median of `v` (sorted in place), NaN when empty.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A daemon started for one measurement, stopped (and its children with it) on drop.
struct Daemon {
    child: Child,
    label: &'static str,
}

impl Daemon {
    fn start(subject: &Subject, dir: &Path, conf: &str, port: u16) -> Result<Self> {
        let daemon = Self::launch(subject, dir, conf)?;
        daemon.wait_ready(port)?;
        Ok(daemon)
    }

    fn launch(subject: &Subject, dir: &Path, conf: &str) -> Result<Self> {
        let file = dir.join("supervisord.conf");
        std::fs::write(&file, conf)?;
        // Three pipes per child: 1,000 children need more descriptors than a 1024 soft limit.
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg("ulimit -n 8192 2>/dev/null || ulimit -n $(ulimit -Hn); exec \"$0\" -n -c \"$1\"")
            .arg(&subject.exe)
            .arg(&file)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", subject.exe.display()))?;
        Ok(Daemon {
            child,
            label: subject.label,
        })
    }

    fn wait_ready(&self, port: u16) -> Result<()> {
        let client = Client::new(port);
        wait_for(Duration::from_secs(30), || {
            client.call("supervisor.getState", "").ok()
        })
        .with_context(|| format!("{} does not answer on port {port}", self.label))?;
        Ok(())
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// SIGTERM, then waits for the daemon to stop its children and exit.
    fn stop(mut self) -> Result<()> {
        let pid = self.pid();
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?;
        if !status.success() {
            bail!("cannot signal {} ({pid})", self.label);
        }
        if wait_for(Duration::from_secs(120), || {
            self.child.try_wait().ok().flatten()
        })
        .is_none()
        {
            bail!(
                "{} ({pid}) did not exit within 120 s of SIGTERM",
                self.label
            );
        }
        Ok(())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            // Only reached when a measurement failed: children we can see die with the daemon.
            for pid in children_of(self.pid()) {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Pids whose parent is `pid` (the kernel here has no `/proc/<pid>/task/<tid>/children`).
fn children_of(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(child) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // Fields after the command name, which is parenthesised and may contain spaces.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        if rest.split_whitespace().nth(1) == Some(&pid.to_string()) {
            out.push(child);
        }
    }
    out
}

/// CPU time of process `pid`, all its threads, in nanoseconds: the first field of each
/// thread's `schedstat`. The `utime`/`stime` of `stat` count 10 ms clock ticks, and an idle
/// daemon uses two or three of them a minute: the figure was mostly rounding. A thread that
/// ends between two readings takes its time away; the daemons' threads live as long as they do
/// (an idle blocking-pool thread ends after 10 s of nothing, having used next to nothing).
pub(crate) fn cpu_ns(pid: i32) -> Result<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("schedstat");
        // A thread may end between the listing and the read.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        total += first_number(&text).with_context(|| format!("{}: {text:?}", path.display()))?;
    }
    Ok(total)
}

fn first_number(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

/// Resident set size of process `pid` (its threads included, not its children), in KiB.
pub(crate) fn rss_kb(pid: i32) -> Result<u64> {
    proc_kb(pid, "status", "VmRSS:")
}

/// The KiB value of line `field` (e.g. `RssAnon:`) of `/proc/<pid>/<file>` (`status`,
/// `smaps_rollup`).
pub(crate) fn proc_kb(pid: i32, file: &str, field: &str) -> Result<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}"))?;
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/{file}"))
}

fn written_bytes(pid: i32) -> Result<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io"))?;
    io.lines()
        .find_map(|l| l.strip_prefix("wchar:"))
        .and_then(|v| v.trim().parse().ok())
        .context("no wchar")
}

/// Just enough XML-RPC over one keep-alive HTTP/1.1 connection to time calls. Hand-written on
/// purpose: a bench client must add no work of its own (no XML tree, no pool, no TLS stack) so
/// that the figures are the daemon's.
struct Client {
    port: u16,
    conn: std::cell::RefCell<Option<BufReader<TcpStream>>>,
}

impl Client {
    fn new(port: u16) -> Self {
        Client {
            port,
            conn: std::cell::RefCell::new(None),
        }
    }

    fn call(&self, method: &str, params: &str) -> Result<String> {
        let body = format!(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n{params}</params>\n</methodCall>\n"
        );
        let mut slot = self.conn.borrow_mut();
        if slot.is_none() {
            let s = TcpStream::connect(("127.0.0.1", self.port))?;
            s.set_nodelay(true)?;
            *slot = Some(BufReader::new(s));
        }
        let result = Self::exchange(slot.as_mut().context("connection")?, &body);
        if result.is_err() {
            *slot = None;
        }
        result
    }

    fn exchange(conn: &mut BufReader<TcpStream>, body: &str) -> Result<String> {
        let req = format!(
            "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        conn.read_line(&mut line)?;
        if !line.contains(" 200 ") {
            bail!("HTTP answer: {}", line.trim());
        }
        let mut length = None;
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let length = length.context("no Content-Length")?;
        let mut buf = vec![0; length];
        conn.read_exact(&mut buf)?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        // A fault answer says so right after the XML declaration. Searching the whole body
        // (over 1 MB for getAllProcessInfo) ran inside the timed call, in xtask's debug build:
        // it added ~4 ms to every sample, for either daemon.
        if text
            .get(..text.len().min(128))
            .unwrap_or("")
            .contains("<fault>")
        {
            bail!("fault: {text}");
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_of_this_process_grows_with_work() {
        let pid = i32::try_from(std::process::id()).expect("pid fits");
        let before = cpu_ns(pid).expect("own schedstat");
        let spin = Instant::now();
        let mut x = 0u64;
        // Spins until 20 ms of CPU are counted; a loaded machine only makes it take longer.
        while cpu_ns(pid).expect("own schedstat") - before < 20_000_000 {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            assert!(
                spin.elapsed() < Duration::from_secs(20),
                "20 s of spinning and under 20 ms counted"
            );
        }
        assert_eq!(first_number("123 456 7\n"), Some(123));
        assert_eq!(first_number(""), None);
    }

    fn row(what: &'static str, higher_is_better: bool, values: &[f64]) -> Row {
        let mut row = Row::new(what, "u", higher_is_better);
        row.values = values.to_vec();
        row
    }

    #[test]
    fn one_gain_column_per_subject_after_the_first() {
        let rows = [
            row("cost", false, &[10.0, 2.0, 5.0]),
            row("rate", true, &[10.0, 20.0, 5.0]),
        ];
        let text = table(&["ref", "a", "b"], &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("gain a     gain b"), "{text}");
        assert!(lines[1].ends_with("5.0x       2.0x"), "{text}");
        assert!(lines[2].ends_with("2.0x       0.5x"), "{text}");
    }

    #[test]
    fn two_subjects_keep_a_single_gain_header() {
        let text = table(&["ref", "ours"], &[row("cost", false, &[3.0, 1.0])]);
        assert!(
            text.lines().next().is_some_and(|l| l.ends_with(" gain")),
            "{text}"
        );
        assert!(
            text.lines().nth(1).is_some_and(|l| l.ends_with("3.0x")),
            "{text}"
        );
    }
}
