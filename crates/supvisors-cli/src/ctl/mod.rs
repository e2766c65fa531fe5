//! `supvisorsctl`: the command-line client of Supervisor 4.3.0 (`supervisorctl`) and of
//! Supvisors 0.15 (`supvisorsctl`) in one binary, talking XML-RPC through `supvisors_rpc`.
//!
//! Output lines and exit statuses follow the Python clients for the same server state; the
//! command families live in their own modules: [`status`] (status, pid, avail), [`control`]
//! (start, stop, restart, signal, clear), [`config`] (reread, update, add, remove, reload,
//! shutdown, version, open), [`logs`] (tail, maintail, fg), [`supvisors`] (the Supvisors
//! commands), [`help`] (help texts), [`shell`] (interactive mode).

pub mod args;
pub mod completions;
pub mod config;
pub mod control;
mod errors;
pub mod help;
pub mod logs;
mod reply;
pub mod shell;
pub mod status;
mod streams;
pub mod supvisors;
mod words;

use std::io::Write as _;
use std::process::ExitCode;

use supvisors_rpc::Value;
use supvisors_rpc::client::{Client, ClientError};

pub use errors::Error;
pub use words::{make_namespec, parseline, split_namespec};

/// LSB exit statuses used by supervisorctl.
pub mod exit {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Most errors.
    pub const GENERIC: i32 = 1;
    /// Bad arguments (`start` with no name, unknown group on start).
    pub const INVALID_ARGS: i32 = 2;
    /// Server lacks the supervisor namespace; `status`: some process not running.
    pub const UNIMPLEMENTED_FEATURE: i32 = 3;
    /// Connection refused; `status`: unknown name or failed server check.
    pub const INSUFFICIENT_PRIVILEGES: i32 = 4;
    /// API version mismatch.
    pub const NOT_INSTALLED: i32 = 5;
    /// A process is not running (spawn error, pid 0, missing socket file).
    pub const NOT_RUNNING: i32 = 7;
}

/// The connection settings and modes of one `supvisorsctl` run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `http://host:port` or `unix:///path`.
    pub serverurl: String,
    /// Basic auth user.
    pub username: Option<String>,
    /// Basic auth password.
    pub password: Option<String>,
    /// Interactive prompt without the `> `.
    pub prompt: String,
    /// Readline history file.
    pub history_file: Option<std::path::PathBuf>,
    /// Interactive shell (confirmations, 401 retries with a login prompt).
    pub interactive: bool,
    /// Print read commands as JSON instead of text.
    pub json: bool,
    /// The Supvisors commands are available (false when run as `supervisorctl`).
    pub supvisors: bool,
}

/// What the shell does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next command.
    Continue,
    /// Leave the shell.
    Quit,
}

/// The controller: options, the XML-RPC client, the exit status and buffered output.
pub struct Ctl {
    /// Connection settings.
    pub options: Options,
    /// Status of the process: only ever overwritten (the last assignment wins).
    pub exitstatus: i32,
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    out: std::io::BufWriter<std::io::Stdout>,
    completion_cache: Option<Vec<Value>>,
}

impl Ctl {
    /// A controller for `options`; no connection is made before the first call.
    pub fn new(options: Options) -> std::io::Result<Ctl> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Ctl {
            options,
            exitstatus: exit::SUCCESS,
            runtime,
            client: None,
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            completion_cache: None,
        })
    }

    /// Writes one line (a newline is added).
    pub fn output(&mut self, line: &str) {
        // A closed stdout (e.g. `| head`) must not turn into a panic.
        let _ = self.out.write_all(line.as_bytes());
        let _ = self.out.write_all(b"\n");
    }

    /// Writes a message line: on stdout, or on stderr with `--json` to keep stdout parseable.
    pub fn note(&mut self, line: &str) {
        if self.options.json {
            eprintln!("{line}");
        } else {
            self.output(line);
        }
    }

    /// Writes raw text, unbuffered (streams).
    pub fn output_raw(&mut self, bytes: &[u8]) {
        let _ = self.out.write_all(bytes);
        let _ = self.out.flush();
    }

    /// Flushes the buffered output.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// Calls an XML-RPC method (`namespace.method`) on the server.
    pub fn call(&mut self, method: &str, params: &[Value]) -> Result<Value, ClientError> {
        if self.client.is_none() {
            let client = Client::new(
                &self.options.serverurl,
                self.options.username.as_deref(),
                self.options.password.as_deref(),
            )?;
            self.client = Some(client);
        }
        let Some(client) = self.client.as_ref() else {
            return Err(ClientError::Protocol("no client".into()));
        };
        self.runtime.block_on(client.call(method, params))
    }

    /// Runs a future on the controller's runtime (streams).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Forgets the connection (after `open` or new credentials).
    pub fn reset_client(&mut self) {
        self.client = None;
        self.completion_cache = None;
    }

    /// Sets the exit status from a result code, like `set_exitstatus_from_xmlrpc_fault`.
    pub fn set_exitstatus_from_code(&mut self, code: i32, ignored: Option<i32>) {
        use supvisors_rpc::FaultCode as F;
        if Some(code) == ignored || code == F::Success.code() {
            return;
        }
        self.exitstatus = if [F::SpawnError, F::AbnormalTermination, F::NotRunning]
            .iter()
            .any(|f| f.code() == code)
        {
            exit::NOT_RUNNING
        } else {
            exit::GENERIC
        };
    }

    /// Checks that the server speaks the supervisor API 3.0 (`upcheck`); false when a message
    /// was printed and the command must stop.
    pub fn upcheck(&mut self) -> Result<bool, Error> {
        use supvisors_rpc::FaultCode as F;
        match self.call("supervisor.getVersion", &[]) {
            Ok(api) => {
                let api = reply::py_str(&api);
                if api != "3.0" {
                    self.output(&format!(
                        "Sorry, this version of supervisorctl expects to talk to a server with \
                         API version 3.0, but the remote version is {api}."
                    ));
                    self.exitstatus = exit::NOT_INSTALLED;
                    return Ok(false);
                }
                Ok(true)
            }
            Err(ClientError::Fault(fault)) if fault.code == F::UnknownMethod.code() => {
                self.output(
                    "Sorry, supervisord responded but did not recognize the supervisor \
                     namespace commands that supervisorctl uses to control it.  Please check \
                     that the [rpcinterface:supervisor] section is enabled in the \
                     configuration file (see sample.conf).",
                );
                self.exitstatus = exit::UNIMPLEMENTED_FEATURE;
                Ok(false)
            }
            Err(ClientError::Io(err)) if errors::is_refused(&err) => {
                let url = self.options.serverurl.clone();
                self.output(&format!("{url} refused connection"));
                self.exitstatus = exit::INSUFFICIENT_PRIVILEGES;
                Ok(false)
            }
            Err(ClientError::Io(err)) if errors::is_no_file(&err) => {
                let url = self.options.serverurl.clone();
                self.output(&format!("{url} no such file"));
                self.exitstatus = exit::NOT_RUNNING;
                Ok(false)
            }
            Err(err) => {
                self.exitstatus = exit::GENERIC;
                Err(err.into())
            }
        }
    }

    /// Runs one command line (`onecmd`): parses it, dispatches it, reports unhandled errors.
    pub fn onecmd(&mut self, line: &str) -> Flow {
        let (cmd, arg, line) = parseline(line);
        if line.is_empty() {
            return Flow::Continue;
        }
        self.completion_cache = None;
        let flow = match cmd.as_deref() {
            None | Some("") => {
                self.unknown(&line);
                Flow::Continue
            }
            Some(cmd) => self.dispatch(cmd, &arg, &line),
        };
        self.flush();
        flow
    }

    fn unknown(&mut self, line: &str) {
        self.output(&format!("*** Unknown syntax: {line}"));
        self.exitstatus = exit::GENERIC;
    }

    fn dispatch(&mut self, cmd: &str, arg: &str, line: &str) -> Flow {
        let Some(command) = find_command(cmd, self.options.supvisors) else {
            self.unknown(line);
            return Flow::Continue;
        };
        match command(self, arg) {
            Ok(flow) => flow,
            Err(Error::Client(ClientError::Http { status: 401, .. })) => {
                self.output("Server requires authentication");
                self.exitstatus = exit::GENERIC;
                if self.options.interactive {
                    if shell::ask_credentials(self) {
                        self.reset_client();
                        return self.dispatch(cmd, arg, line);
                    }
                    return Flow::Continue;
                }
                // Like the reference, the command runs once more and its error is reported.
                match command(self, arg) {
                    Ok(flow) => flow,
                    Err(err) => {
                        self.report(&err);
                        Flow::Continue
                    }
                }
            }
            Err(err) => {
                self.report(&err);
                Flow::Continue
            }
        }
    }

    fn report(&mut self, err: &Error) {
        let text = err.python_line(&self.options.serverurl);
        self.output(&text);
        self.exitstatus = exit::GENERIC;
    }

    /// The process infos used for name completion, fetched once per command.
    pub fn completion_infos(&mut self) -> Vec<Value> {
        if self.completion_cache.is_none() {
            let infos = self
                .call("supervisor.getAllProcessInfo", &[])
                .ok()
                .and_then(|v| v.as_array().map(<[Value]>::to_vec))
                .unwrap_or_default();
            self.completion_cache = Some(infos);
        }
        self.completion_cache.clone().unwrap_or_default()
    }
}

/// A command: runs with the text after its name.
pub type Command = fn(&mut Ctl, &str) -> Result<Flow, Error>;

/// The command named `name`, if any (Supervisor's, then Supvisors').
pub fn find_command(name: &str, supvisors: bool) -> Option<Command> {
    let command: Command = match name {
        "status" => status::do_status,
        "pid" => status::do_pid,
        "avail" => status::do_avail,
        "start" => control::do_start,
        "stop" => control::do_stop,
        "restart" => control::do_restart,
        "signal" => control::do_signal,
        "clear" => control::do_clear,
        "reread" => config::do_reread,
        "update" => config::do_update,
        "add" => config::do_add,
        "remove" => config::do_remove,
        "reload" => config::do_reload,
        "shutdown" => config::do_shutdown,
        "version" => config::do_version,
        "open" => config::do_open,
        "tail" => logs::do_tail,
        "maintail" => logs::do_maintail,
        "fg" => logs::do_fg,
        "help" => help::do_help,
        "quit" | "exit" | "EOF" => do_quit,
        other if supvisors => return supvisors::find(other),
        _ => return None,
    };
    Some(command)
}

fn do_quit(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    ctl.output("");
    Ok(Flow::Quit)
}

/// Entry point of the `supvisorsctl` binary.
pub fn main_with(args: Vec<std::ffi::OsString>) -> ExitCode {
    let code = args::run(args);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
