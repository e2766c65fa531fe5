//! `signalProcess`, `signalProcessGroup`, `signalAllProcesses` (spec §3.5.6).

use super::clock::Clock;
use super::deferred::{ProcessResult, RpcResult};
use super::faults::{Fault, FaultCode};
use super::host::Host;
use super::names::make_namespec;
use super::supervisor::Supervisor;

/// A signal as given to `signalProcess`: an int, or a string (name or number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalArg {
    /// An XML-RPC int.
    Int(i64),
    /// A string: `USR1`, `sigusr1`, `10`, …
    Str(String),
}

impl SignalArg {
    /// The signal number, or `BAD_SIGNAL: <value as given>`.
    pub fn number(&self) -> Result<i32, Fault> {
        let text = match self {
            Self::Int(n) => n.to_string(),
            Self::Str(s) => s.clone(),
        };
        supvisors_rules::values::signal_number(&text)
            .map_err(|_| Fault::new(FaultCode::BadSignal, text))
    }
}

impl Supervisor {
    /// `signalProcess(namespec, signal)`; a whole-group namespec returns an array.
    pub fn signal_process(
        &mut self,
        namespec: &str,
        signal: &SignalArg,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<RpcResult, Fault> {
        self.check_state()?;
        match self.resolve(namespec)? {
            (gi, None) => {
                let name = self
                    .groups
                    .get(gi)
                    .map(|g| g.config.name.clone())
                    .unwrap_or_default();
                self.signal_process_group(&name, signal, now, host)
            }
            (gi, Some(pi)) => self.signal_one(gi, pi, namespec, signal, now, host),
        }
    }

    fn signal_one(
        &mut self,
        gi: usize,
        pi: usize,
        namespec: &str,
        signal: &SignalArg,
        now: Clock,
        host: &mut dyn Host,
    ) -> Result<RpcResult, Fault> {
        self.check_state()?;
        let sig = signal.number()?;
        let Some(p) = self.groups.get(gi).and_then(|g| g.processes.get(pi)) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        if !p.state.is_signallable() {
            return Err(Fault::new(FaultCode::NotRunning, namespec));
        }
        let msg = self
            .with_process(gi, pi, now, host, |p, now, host, sink, _| {
                p.signal(sig, now, host, sink)
            })
            .flatten();
        match msg {
            Some(msg) => Err(Fault::new(FaultCode::Failed, msg)),
            None => Ok(RpcResult::Bool(true)),
        }
    }

    fn signal_many(
        &mut self,
        members: Vec<(usize, usize)>,
        signal: &SignalArg,
        now: Clock,
        host: &mut dyn Host,
    ) -> Vec<ProcessResult> {
        let mut results = Vec::new();
        for (gi, pi) in members {
            let Some((group, name)) = self.names_of(gi, pi) else {
                continue;
            };
            let signallable = self
                .groups
                .get(gi)
                .and_then(|g| g.processes.get(pi))
                .is_some_and(|p| p.state.is_signallable());
            if !signallable {
                continue;
            }
            let namespec = make_namespec(&group, &name);
            match self.signal_one(gi, pi, &namespec, signal, now, host) {
                Ok(_) => results.push(ProcessResult::ok(&group, &name)),
                Err(f) => results.push(ProcessResult::fault(&group, &name, &f)),
            }
        }
        results
    }

    /// `signalProcessGroup(name, signal)`: per-member results, never deferred.
    pub fn signal_process_group(
        &mut self,
        name: &str,
        signal: &SignalArg,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<RpcResult, Fault> {
        let gi = self.groups.iter().position(|g| g.config.name == name);
        self.check_state()?;
        let gi = gi.ok_or_else(|| Fault::new(FaultCode::BadName, name))?;
        let members = self.members(&[gi]);
        let results = self.signal_many(members, signal, now, host);
        self.check_state()?;
        Ok(RpcResult::Results(results))
    }

    /// `signalAllProcesses(signal)`: signals first, then checks the daemon state.
    pub fn signal_all_processes(
        &mut self,
        signal: &SignalArg,
        now: Clock,
        host: &mut impl Host,
    ) -> Result<RpcResult, Fault> {
        let members = self.all_by_priority();
        let results = self.signal_many(members, signal, now, host);
        self.check_state()?;
        Ok(RpcResult::Results(results))
    }
}
