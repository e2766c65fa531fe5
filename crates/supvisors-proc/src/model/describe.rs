//! Texts of the reference: wait-status decoding, signal names, uptime and stop-time formats.

/// Python's `signame` on Linux: the `SIG*` name of a number, or `signal <n>`.
pub fn signame(sig: i32) -> String {
    // The reference's name table keeps the last alias it sees; only 29 differs from the
    // first-listed name of the rules crate.
    if sig == 29 {
        return "SIGPOLL".into();
    }
    supvisors_rules::values::signal_name(sig)
        .map_or_else(|| format!("signal {sig}"), str::to_string)
}

/// `decode_wait_status`: (exit status, message); a signal death has status -1.
pub fn decode_wait_status(sts: i32) -> (i32, String) {
    let termsig = sts & 0x7f;
    if termsig == 0 {
        let es = (sts >> 8) & 0xff;
        (es, format!("exit status {es}"))
    } else if termsig != 0x7f {
        let mut msg = format!("terminated by {}", signame(termsig));
        if sts & 0x80 != 0 {
            msg.push_str(" (core dumped)");
        }
        (-1, msg)
    } else {
        (-1, format!("unknown termination cause 0x{sts:04x}"))
    }
}

/// Python's `str(timedelta(seconds=n))` for n ≥ 0: `H:MM:SS`, with `d day(s), ` in front.
pub fn timedelta_text(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let hms = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `strftime('%b %d %I:%M %p')` of an epoch second shifted by `offset` seconds (local time).
pub fn stop_time_text(epoch: i64, offset: i32) -> String {
    let t = epoch + i64::from(offset);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (_, month, day) = civil_from_days(days);
    let hour = secs / 3600;
    let minute = secs % 3600 / 60;
    let h12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    let ampm = if hour < 12 { "AM" } else { "PM" };
    let mon = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    format!("{mon} {day:02} {h12:02}:{minute:02} {ampm}")
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_status_texts() {
        assert_eq!(decode_wait_status(3 << 8), (3, "exit status 3".into()));
        assert_eq!(decode_wait_status(9), (-1, "terminated by SIGKILL".into()));
        assert_eq!(
            decode_wait_status(11 | 0x80),
            (-1, "terminated by SIGSEGV (core dumped)".into())
        );
        assert_eq!(
            decode_wait_status(0x137f),
            (-1, "unknown termination cause 0x137f".into())
        );
        assert_eq!(signame(29), "SIGPOLL");
        assert_eq!(signame(99), "signal 99");
    }

    #[test]
    fn python_timedelta_and_strftime() {
        assert_eq!(timedelta_text(13), "0:00:13");
        assert_eq!(timedelta_text(90_061), "1 day, 1:01:01");
        assert_eq!(timedelta_text(2 * 86_400 + 5), "2 days, 0:00:05");
        assert_eq!(timedelta_text(-4), "0:00:00");
        assert_eq!(stop_time_text(0, 0), "Jan 01 12:00 AM");
        // 1795491220 = 2026-11-24 03:33:40 UTC.
        assert_eq!(stop_time_text(1_795_491_220, 0), "Nov 24 03:33 AM");
        assert_eq!(stop_time_text(1_795_491_220, 3600 * 10), "Nov 24 01:33 PM");
    }
}
