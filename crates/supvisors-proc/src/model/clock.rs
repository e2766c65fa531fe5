//! The two clocks every model call receives: wall time for reported timestamps, monotonic time
//! for deadlines (so that a wall-clock jump can never hang a process in a timed state).

/// A reading of both clocks, taken once by the driver per step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Seconds since the epoch, like Python's `time.time()`.
    pub wall: f64,
    /// Monotonic seconds (any origin); only differences matter.
    pub mono: f64,
}

impl Clock {
    /// A clock whose wall and monotonic readings are equal (handy in tests).
    pub const fn at(secs: f64) -> Self {
        Self {
            wall: secs,
            mono: secs,
        }
    }

    /// The same clock `secs` later on both scales.
    pub fn plus(self, secs: f64) -> Self {
        Self {
            wall: self.wall + secs,
            mono: self.mono + secs,
        }
    }
}

/// Python's `capped_int`: the integer part clamped to the signed 32-bit range (XML-RPC ints).
pub fn capped_int(secs: f64) -> i64 {
    if secs.is_nan() {
        return 0;
    }
    // `as` saturates, and truncation toward zero is what Python's int() does.
    (secs as i64).clamp(i64::from(i32::MIN), i64::from(i32::MAX))
}
