//! `cargo xtask bench --ctl`: the wall time of a whole `status` command against one real
//! server (supervisord 4.3.0, then supvisorsd) supervising N `sleep` programs, Python `supervisorctl` and our
//! `supvisorsctl` side by side (issue #6: goal ≤ 50 ms for 1,000 processes).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Runs of each client; the median is reported.
const RUNS: usize = 7;

/// Starts supervisord with `procs` programs, waits until all are RUNNING, times both clients.
pub fn run(supervisord: &Path, reference: &Path, ours: &Path, procs: usize) -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().to_path_buf();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut conf = format!(
        "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n\
         nodaemon=true\n\n[inet_http_server]\nport=127.0.0.1:{port}\n\n\
         [rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
         [supervisorctl]\nserverurl=http://127.0.0.1:{port}\n\n\
         [program:p]\ncommand=sleep 100000\nprocess_name=p_%(process_num)04d\nnumprocs={procs}\n\
         startsecs=0\nstopsignal=KILL\nstdout_logfile=NONE\nstderr_logfile=NONE\n"
    );
    conf.push('\n');
    let file = dir.join("supervisord.conf");
    std::fs::write(&file, conf)?;
    let daemon = Guard(
        // Three pipes per child: 1,000 children need more descriptors than a 1024 soft limit.
        Command::new("/bin/sh")
            .arg("-c")
            .arg("ulimit -n 8192 2>/dev/null || ulimit -n $(ulimit -Hn); exec \"$0\" -n -c \"$1\"")
            .arg(supervisord)
            .arg(&file)
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", supervisord.display()))?,
    );
    eprintln!("ctl-bench: waiting for {procs} programs to be RUNNING");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let out = Command::new(ours)
            .arg("-c")
            .arg(&file)
            .arg("status")
            .output()?;
        let running = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(" RUNNING "))
            .count();
        if running == procs {
            break;
        }
        if Instant::now() > deadline {
            bail!("only {running} of {procs} programs RUNNING after 600 s");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    // The server's answers replayed by a trivial server: what remains is the clients' own cost.
    let version = capture(port, "supervisor.getVersion")?;
    let infos = capture(port, "supervisor.getAllProcessInfo")?;
    let replay = replay_server(version, infos)?;
    let replay_url = format!("http://127.0.0.1:{replay}");
    let mut medians = Vec::new();
    for (label, exe) in [
        ("supervisorctl (Python)", reference),
        ("supvisorsctl", ours),
    ] {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            let out = Command::new(exe)
                .arg("-c")
                .arg(&file)
                .args(["-s", &replay_url, "status"])
                .output()?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if String::from_utf8_lossy(&out.stdout).lines().count() != procs {
                bail!("{label} status (replayed) did not print {procs} lines");
            }
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!("{label:<24} status, replayed answers: median {median:8.1} ms over {RUNS} runs");
        medians.push(median);
    }
    if let [python, ours] = medians[..] {
        println!("client only: ratio (Python / ours) {:.1}x", python / ours);
    }
    // `version` (two tiny calls) shows each client's fixed cost; `status` adds the server's
    // getAllProcessInfo of every process, the same for both clients.
    for (command, lines) in [("version", 1), ("status", procs)] {
        let mut medians = Vec::new();
        for (label, exe) in [
            ("supervisorctl (Python)", reference),
            ("supvisorsctl", ours),
        ] {
            let mut times = Vec::new();
            for _ in 0..RUNS {
                let start = Instant::now();
                let out = Command::new(exe)
                    .arg("-c")
                    .arg(&file)
                    .arg(command)
                    .output()?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                if String::from_utf8_lossy(&out.stdout).lines().count() != lines {
                    bail!("{label} {command} did not print {lines} lines");
                }
            }
            times.sort_by(f64::total_cmp);
            let median = times[times.len() / 2];
            println!(
                "{label:<24} {command:<8} ({procs} processes): median {median:8.1} ms over {RUNS} runs"
            );
            medians.push(median);
        }
        if let [python, ours] = medians[..] {
            println!("{command}: ratio (Python / ours) {:.1}x", python / ours);
        }
    }
    drop(daemon);
    Ok(())
}

/// The body of the answer of supervisord (on `port`) to `method` without parameters.
fn capture(port: u16, method: &str) -> Result<Vec<u8>> {
    let body = format!(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n</params>\n</methodCall>\n"
    );
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "POST /RPC2 HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let start = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers in the answer")?;
    Ok(answer[start + 4..].to_vec())
}

/// A loopback server answering getVersion and getAllProcessInfo with canned bodies, over
/// kept-alive connections, until the bench ends. Returns its port.
fn replay_server(version: Vec<u8>, infos: Vec<u8>) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let answers = std::sync::Arc::new((version, infos));
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let answers = std::sync::Arc::clone(&answers);
            std::thread::spawn(move || {
                let _ = serve(stream, &answers.0, &answers.1);
            });
        }
    });
    Ok(port)
}

fn serve(stream: TcpStream, version: &[u8], infos: &[u8]) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let text = String::from_utf8_lossy(&body);
        let answer = if text.contains("getAllProcessInfo") {
            infos
        } else {
            version
        };
        write!(
            writer,
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        )?;
        writer.write_all(answer)?;
    }
}

/// The daemon, SIGTERMed by its pid and waited for when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
