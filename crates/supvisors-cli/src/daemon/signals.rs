//! The signals supervisord acts on, as a tokio stream of [`SignalEvent`]s.
//!
//! SIGCHLD is deliberately absent: the process layer's reaper owns child exits. SIGPIPE needs
//! no handler: the Rust runtime sets it to "ignore" before `main`, so writes to closed pipes
//! fail with EPIPE (children get the default back from `std::process::Command`). Signals not
//! listed keep their default action, as with the reference, which handles only these.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// What a received signal asks the daemon to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalEvent {
    /// SIGTERM, SIGINT or SIGQUIT: shut down; carries the signal name (`SIGTERM`).
    Shutdown(&'static str),
    /// SIGHUP: stop everything, re-read the configuration, start again.
    Restart,
    /// SIGUSR2: reopen the main log and every child log.
    ReopenLogs,
}

impl SignalEvent {
    /// The signal number (the process model logs the reference's line for it).
    pub fn number(self) -> i32 {
        match self {
            SignalEvent::Shutdown("SIGINT") => 2,
            SignalEvent::Shutdown("SIGQUIT") => 3,
            SignalEvent::Shutdown(_) => 15,
            SignalEvent::Restart => 1,
            SignalEvent::ReopenLogs => 12,
        }
    }
}

/// The handled signals; created inside a tokio runtime.
#[derive(Debug)]
pub struct Signals {
    term: Signal,
    int: Signal,
    quit: Signal,
    hup: Signal,
    usr2: Signal,
}

impl Signals {
    /// Installs the handlers; from now on these signals no longer kill the process.
    pub fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
            hup: signal(SignalKind::hangup())?,
            usr2: signal(SignalKind::user_defined2())?,
        })
    }

    /// The next signal received; `None` only if the runtime's signal driver is gone.
    pub async fn recv(&mut self) -> Option<SignalEvent> {
        tokio::select! {
            got = self.term.recv() => got.map(|()| SignalEvent::Shutdown("SIGTERM")),
            got = self.int.recv() => got.map(|()| SignalEvent::Shutdown("SIGINT")),
            got = self.quit.recv() => got.map(|()| SignalEvent::Shutdown("SIGQUIT")),
            got = self.hup.recv() => got.map(|()| SignalEvent::Restart),
            got = self.usr2.recv() => got.map(|()| SignalEvent::ReopenLogs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_the_signal_numbers() {
        assert_eq!(SignalEvent::Shutdown("SIGINT").number(), 2);
        assert_eq!(SignalEvent::Shutdown("SIGTERM").number(), 15);
        assert_eq!(SignalEvent::Restart.number(), 1);
        assert_eq!(SignalEvent::ReopenLogs.number(), 12);
    }

    #[test]
    fn a_signal_sent_to_ourselves_arrives_as_its_event() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let event = runtime.block_on(async {
            let mut signals = Signals::install().expect("handlers");
            nix::sys::signal::raise(nix::sys::signal::Signal::SIGUSR2).expect("raise");
            signals.recv().await
        });
        assert_eq!(event, Some(SignalEvent::ReopenLogs));
    }
}
