//! Process start/stop commands and the tick arithmetic of spec §7.1.
//!
//! A command waits for the target's events; it is judged against the target's own TICK counter
//! at each local tick. The judgements are pure functions of states and counters.

use crate::context::Context;
use crate::enums::{ProcessStates, StartingStrategies};
use crate::messages::Identifier;
use crate::process::ProcessStatus;

/// `DEFAULT_TICK_TIMEOUT`: the minimum tick margin of a command.
pub const DEFAULT_TICK_TIMEOUT: u64 = 2;

/// Outcome of a command at an event or a timeout check (`ProcessRequestResult`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestResult {
    /// Still waiting.
    InProgress,
    /// Done.
    Success,
    /// Failed (start only).
    Failed,
    /// The expected event did not come in time.
    TimedOut,
}

/// `max(2, active // 10)`, active = instances neither ISOLATING nor ISOLATED.
pub fn minimum_ticks(active_instances: usize) -> u64 {
    DEFAULT_TICK_TIMEOUT.max(u64::try_from(active_instances / 10).unwrap_or(u64::MAX))
}

/// `ceil(secs / period) + minimum_ticks`; a period that is not positive counts as 1 s.
pub fn wait_ticks(secs: u32, tick_period: f64, minimum: u64) -> u64 {
    let period = if tick_period > 0.0 { tick_period } else { 1.0 };
    // Rounded to the millisecond first so that 1.5 s / 0.5 s gives exactly 3 ticks.
    let ticks = ((f64::from(secs) / period) * 1000.0).round() / 1000.0;
    // Saturating float-to-int conversion: a huge startsecs gives a huge wait, never a wrap.
    (ticks.ceil() as u64).saturating_add(minimum)
}

/// The counters of a command once its target is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// The target's TICK counter when the request was pushed (re-armed on BACKOFF).
    pub request_counter: u64,
    /// Margin for the first expected event.
    pub minimum_ticks: u64,
    /// Margin for the final expected event.
    pub wait_ticks: u64,
}

/// What a start command waits for: wait_exit from the rules, ignored for single requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartExpectation {
    /// The process rules say `wait_exit`.
    pub wait_exit: bool,
    /// A `start_process`-like request: RUNNING is enough.
    pub ignore_wait_exit: bool,
}

impl StartExpectation {
    fn waits_exit(self) -> bool {
        self.wait_exit && !self.ignore_wait_exit
    }

    /// Result of a start command when the target reports `state` (spec §7.1 table).
    ///
    /// BACKOFF is in progress and re-arms the request counter (done by the caller).
    pub fn on_event(self, state: ProcessStates, expected: bool) -> RequestResult {
        match state {
            ProcessStates::Starting | ProcessStates::Backoff => RequestResult::InProgress,
            ProcessStates::Running if self.waits_exit() => RequestResult::InProgress,
            ProcessStates::Running => RequestResult::Success,
            ProcessStates::Exited if self.wait_exit && expected => RequestResult::Success,
            _ => RequestResult::Failed,
        }
    }

    /// Timeout check of a start command: (expected state, result).
    ///
    /// RUNNING without wait_exit reports SUCCESS (events were missed); quirk Q3 is decided by
    /// the caller, which removes the command as a success.
    pub fn timed_out(
        self,
        state: ProcessStates,
        timing: Timing,
        target_counter: u64,
    ) -> (ProcessStates, RequestResult) {
        match state {
            ProcessStates::Running if self.waits_exit() => {
                (ProcessStates::Exited, RequestResult::InProgress)
            }
            ProcessStates::Running => (ProcessStates::Running, RequestResult::Success),
            ProcessStates::Starting | ProcessStates::Backoff => {
                let late = target_counter > timing.request_counter + timing.wait_ticks;
                (ProcessStates::Running, result(late))
            }
            _ => {
                let late = target_counter > timing.request_counter + timing.minimum_ticks;
                (ProcessStates::Starting, result(late))
            }
        }
    }
}

fn result(late: bool) -> RequestResult {
    if late {
        RequestResult::TimedOut
    } else {
        RequestResult::InProgress
    }
}

/// Result of a stop command when the target reports `state`: never FAILED.
pub fn stop_on_event(state: ProcessStates) -> RequestResult {
    if state.is_stopped() {
        RequestResult::Success
    } else {
        RequestResult::InProgress
    }
}

/// Timeout check of a stop command: (expected state, result).
pub fn stop_timed_out(
    state: ProcessStates,
    timing: Timing,
    target_counter: u64,
) -> (ProcessStates, RequestResult) {
    if state == ProcessStates::Stopping {
        let late = timing.request_counter + timing.wait_ticks < target_counter;
        (ProcessStates::Stopped, result(late))
    } else {
        let late = target_counter > timing.request_counter + timing.minimum_ticks;
        (ProcessStates::Stopping, result(late))
    }
}

/// The reason published with a forced state after a timeout (spec §6.4).
pub fn timeout_reason(expected: ProcessStates) -> String {
    format!("process {expected} event not received in time")
}

/// True for a reason made by [`timeout_reason`] (as opposed to `no resource available`).
pub fn is_timeout_reason(reason: &str) -> bool {
    reason.starts_with("process ") && reason.ends_with(" event not received in time")
}

/// A start or stop request for one process on one instance.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessCommand {
    /// Process name (the application is the job's).
    pub process: String,
    /// Target instance, once chosen.
    pub identifier: Option<Identifier>,
    /// Counters for the timeouts.
    pub timing: Timing,
    /// Start strategy, extra arguments and wait_exit handling (None for a stop).
    pub start: Option<StartParameters>,
}

/// What only start commands carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartParameters {
    /// Strategy used to choose the target.
    pub strategy: StartingStrategies,
    /// RUNNING is enough even with wait_exit (single process requests).
    pub ignore_wait_exit: bool,
    /// Extra arguments sent with the request.
    pub extra_args: String,
}

impl ProcessCommand {
    /// A start command without target yet.
    pub fn start(ctx: &Context, process: &str, strategy: StartingStrategies) -> Self {
        let minimum_ticks = minimum_ticks(ctx.active_count());
        ProcessCommand {
            process: process.to_owned(),
            identifier: None,
            timing: Timing {
                request_counter: 0,
                minimum_ticks,
                wait_ticks: minimum_ticks,
            },
            start: Some(StartParameters {
                strategy,
                ignore_wait_exit: false,
                extra_args: String::new(),
            }),
        }
    }

    /// A stop command on `identifier`.
    pub fn stop(ctx: &Context, p: &ProcessStatus, identifier: &str) -> Self {
        let minimum_ticks = minimum_ticks(ctx.active_count());
        let mut cmd = ProcessCommand {
            process: p.process_name.clone(),
            identifier: None,
            timing: Timing {
                request_counter: 0,
                minimum_ticks,
                wait_ticks: minimum_ticks,
            },
            start: None,
        };
        cmd.set_target(ctx, p, identifier);
        cmd
    }

    /// Sets the target and its wait_ticks (its startsecs or stopwaitsecs).
    pub(crate) fn set_target(&mut self, ctx: &Context, p: &ProcessStatus, identifier: &str) {
        let secs = p.info(identifier).map_or(0, |i| {
            if self.start.is_some() {
                i.info.startsecs
            } else {
                i.info.stopwaitsecs
            }
        });
        let period = ctx.config().tick_period;
        self.timing.wait_ticks = wait_ticks(secs, period, self.timing.minimum_ticks);
        self.identifier = Some(identifier.to_owned());
    }

    pub(crate) fn matches(&self, process: &str, identifier: Option<&str>) -> bool {
        self.process == process
            && (identifier.is_none() || identifier == self.identifier.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProcessStates::*;
    use RequestResult::*;

    #[test]
    fn item_77_wait_ticks() {
        assert_eq!(wait_ticks(18, 5.0, 2), 6);
        assert_eq!(wait_ticks(7, 5.0, 2), 4);
        assert_eq!(wait_ticks(10, 5.0, 2), 4);
        assert_eq!(wait_ticks(0, 5.0, 2), 2);
        // tick_period option (beyond the reference): sub-second periods.
        assert_eq!(wait_ticks(1, 0.5, 2), 4);
        assert_eq!(wait_ticks(3, 0.7, 2), 7);
        assert_eq!(wait_ticks(5, 0.0, 2), 7);
        assert_eq!(minimum_ticks(35), 3);
        assert_eq!(minimum_ticks(4), 2);
    }

    const START: StartExpectation = StartExpectation {
        wait_exit: false,
        ignore_wait_exit: false,
    };

    #[test]
    fn item_78_start_timeouts() {
        let t = Timing {
            request_counter: 10,
            minimum_ticks: 2,
            wait_ticks: 6,
        };
        assert_eq!(START.timed_out(Stopped, t, 12), (Starting, InProgress));
        assert_eq!(START.timed_out(Stopped, t, 13), (Starting, TimedOut));
        assert_eq!(START.timed_out(Starting, t, 16), (Running, InProgress));
        assert_eq!(START.timed_out(Backoff, t, 17), (Running, TimedOut));
        assert_eq!(START.timed_out(Running, t, 99), (Running, Success));
        let wait = StartExpectation {
            wait_exit: true,
            ignore_wait_exit: false,
        };
        assert_eq!(wait.timed_out(Running, t, 99), (Exited, InProgress));
        assert_eq!(
            timeout_reason(Running),
            "process RUNNING event not received in time"
        );
    }

    #[test]
    fn item_79_stop_timeouts() {
        let t = Timing {
            request_counter: 10,
            minimum_ticks: 2,
            wait_ticks: 4,
        };
        assert_eq!(stop_timed_out(Stopping, t, 14), (Stopped, InProgress));
        assert_eq!(stop_timed_out(Stopping, t, 15), (Stopped, TimedOut));
        assert_eq!(stop_timed_out(Running, t, 12), (Stopping, InProgress));
        assert_eq!(stop_timed_out(Running, t, 13), (Stopping, TimedOut));
        assert_eq!(stop_on_event(Exited), Success);
        assert_eq!(stop_on_event(Stopping), InProgress);
        assert_eq!(stop_on_event(Running), InProgress);
    }

    #[test]
    fn item_80_81_start_events() {
        let wait = StartExpectation {
            wait_exit: true,
            ignore_wait_exit: false,
        };
        let ignored = StartExpectation {
            wait_exit: true,
            ignore_wait_exit: true,
        };
        assert_eq!(START.on_event(Backoff, true), InProgress);
        assert_eq!(wait.on_event(Exited, true), Success);
        assert_eq!(START.on_event(Exited, true), Failed);
        assert_eq!(START.on_event(Exited, false), Failed);
        assert_eq!(wait.on_event(Exited, false), Failed);
        assert_eq!(wait.on_event(Running, true), InProgress);
        assert_eq!(ignored.on_event(Running, true), Success);
        assert_eq!(START.on_event(Running, true), Success);
        for s in [Fatal, Stopped, Stopping, Unknown] {
            assert_eq!(START.on_event(s, true), Failed);
        }
    }
}
