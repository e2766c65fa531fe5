//! Deferred replies: commands answered once a later state is reached (interfaces §1.7).

use super::Engine;
use super::requests::{Reply, TRUE};
use crate::boundary::CommandId;
use crate::commands::{CommandError, CommandReply};
use crate::enums::{ApplicationStates, SupvisorsStates};

/// A command whose reply waits for a later state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Waiter {
    /// `restart_sequence`: DEPLOYMENT seen yet?
    RestartSequence { deployment_seen: bool },
    /// `start_application`: Starter idle, then the application must be RUNNING.
    StartApplication(String),
    /// `stop_application`: Stopper idle, then the application must be STOPPED.
    StopApplication(String),
    /// `restart_application`: Stopper idle, then Starter idle, then not STOPPED.
    RestartApplication { application: String, stopped: bool },
    /// `start_process`: Starter idle, then no targeted process stopped.
    StartProcesses(Vec<String>),
    /// `start_any_process`: Starter idle, then the chosen process must not be stopped.
    StartAny(String),
    /// Internal local stop of the processes running here: Stopper idle, then none of them
    /// running anywhere (the reference checks the synthetic state, not the local copy).
    StopLocal(Vec<String>),
    /// `stop_process`: Stopper idle, then no targeted process running.
    StopProcesses(Vec<String>),
    /// `restart_process`: Stopper idle, then Starter idle, then no targeted process stopped.
    RestartProcesses {
        namespecs: Vec<String>,
        stopped: bool,
    },
}

impl Engine {
    /// RESTART_SEQUENCE waiters observe every state entered, even transient ones.
    pub(super) fn note_state_for_waiters(&mut self) {
        let state = self.state;
        let mut done = Vec::new();
        for (id, waiter) in &mut self.waiters {
            if let Waiter::RestartSequence { deployment_seen } = waiter {
                if state == SupvisorsStates::Deployment {
                    *deployment_seen = true;
                } else if state == SupvisorsStates::Operation && *deployment_seen {
                    done.push(*id);
                }
            }
        }
        self.finish(done.into_iter().map(|id| (id, TRUE)).collect());
    }

    pub(super) fn finish(&mut self, replies: Vec<(CommandId, Reply)>) {
        self.waiters
            .retain(|(id, _)| !replies.iter().any(|(r, _)| r == id));
        for (id, reply) in replies {
            self.reply(id, reply);
        }
    }

    pub(super) fn app_state(&self, name: &str) -> Option<ApplicationStates> {
        self.ctx.application(name).map(|a| a.state)
    }

    /// Resolves the waiters whose condition holds, after each input.
    pub(super) fn update_waiters(&mut self) {
        let (starting, stopping) = (self.starter.in_progress(), self.stopper.in_progress());
        let mut replies = Vec::new();
        let mut waiters = std::mem::take(&mut self.waiters);
        for (id, waiter) in &mut waiters {
            let single_start = matches!(waiter, Waiter::StartProcesses(_));
            let reply = match waiter {
                Waiter::RestartSequence { .. } => None,
                Waiter::StartApplication(app) if !starting => {
                    Some(if self.app_state(app) == Some(ApplicationStates::Running) {
                        TRUE
                    } else {
                        Err(CommandError::AbnormalTermination(app.clone()))
                    })
                }
                Waiter::StopApplication(app) if !stopping => {
                    Some(if self.app_state(app) == Some(ApplicationStates::Stopped) {
                        TRUE
                    } else {
                        Err(CommandError::AbnormalTermination(app.clone()))
                    })
                }
                Waiter::RestartApplication { stopped, .. }
                | Waiter::RestartProcesses { stopped, .. }
                    if !*stopped && !stopping =>
                {
                    *stopped = true;
                    None
                }
                Waiter::RestartApplication {
                    application,
                    stopped: true,
                } if !starting => Some(
                    if self.app_state(application) == Some(ApplicationStates::Stopped) {
                        Err(CommandError::AbnormalTermination(format!(
                            "failed to restart {application}"
                        )))
                    } else {
                        TRUE
                    },
                ),
                Waiter::StartProcesses(namespecs)
                | Waiter::RestartProcesses {
                    namespecs,
                    stopped: true,
                } if !starting => {
                    let failed: Vec<&String> = namespecs
                        .iter()
                        .filter(|n| self.process_is(n, false))
                        .collect();
                    Some(match failed.first() {
                        Some(first) if single_start => {
                            Err(CommandError::AbnormalTermination((*first).clone()))
                        }
                        Some(_) => Err(CommandError::AbnormalTermination(
                            failed
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(" "),
                        )),
                        None => TRUE,
                    })
                }
                Waiter::StartAny(namespec) if !starting => {
                    Some(if self.process_is(namespec, false) {
                        Err(CommandError::AbnormalTermination(namespec.clone()))
                    } else {
                        Ok(CommandReply::Namespec(namespec.clone()))
                    })
                }
                Waiter::StopLocal(namespecs) if !stopping => {
                    let running: Vec<&str> = namespecs
                        .iter()
                        .filter(|n| self.process(n).is_some_and(|p| p.running()))
                        .map(String::as_str)
                        .collect();
                    Some(if running.is_empty() {
                        TRUE
                    } else {
                        Err(CommandError::AbnormalTermination(running.join(" ")))
                    })
                }
                Waiter::StopProcesses(namespecs) if !stopping => {
                    let running: Vec<&str> = namespecs
                        .iter()
                        .filter(|n| self.process_is(n, true))
                        .map(String::as_str)
                        .collect();
                    Some(if running.is_empty() {
                        TRUE
                    } else {
                        Err(CommandError::AbnormalTermination(running.join(" ")))
                    })
                }
                _ => None,
            };
            if let Some(reply) = reply {
                replies.push((*id, reply));
            }
        }
        self.waiters = waiters;
        self.finish(replies);
    }
}
