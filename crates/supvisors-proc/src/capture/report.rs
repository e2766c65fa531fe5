//! What a capture task reports to the driver, and the main log text for copied output.

/// Which output of the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// fd 1 (and fd 2 when stderr is redirected).
    Stdout,
    /// fd 2.
    Stderr,
}

impl Channel {
    /// `stdout` or `stderr`, as in events and log names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
        }
    }
}

/// What a capture task tells the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureReport {
    /// A piece of output as logged (`PROCESS_LOG_*`, debug copy in the main log).
    Output {
        /// Child pid.
        pid: i32,
        /// Channel.
        channel: Channel,
        /// The bytes (after strip_ansi).
        bytes: Vec<u8>,
    },
    /// A completed capture (`PROCESS_COMMUNICATION_*`).
    Communication {
        /// Child pid.
        pid: i32,
        /// Channel.
        channel: Channel,
        /// Captured bytes.
        bytes: Vec<u8>,
    },
    /// Raw bytes of an event listener's stdout, for the listener protocol parser.
    Protocol {
        /// Child pid.
        pid: i32,
        /// Raw bytes as read.
        bytes: Vec<u8>,
    },
    /// Writing the log failed (the data of that batch is lost, reading goes on).
    WriteFailed {
        /// Child pid.
        pid: i32,
        /// Channel.
        channel: Channel,
        /// The I/O error text.
        error: String,
    },
}

/// The main log text for output copied at debug level: `'<name>' <channel> output:\n<data>`,
/// with `Undecodable: b'...'` for data that is not UTF-8.
pub fn mainlog_output_text(name: &str, channel: Channel, data: &[u8]) -> String {
    let text = match std::str::from_utf8(data) {
        Ok(s) => s.to_owned(),
        Err(_) => format!("Undecodable: {}", py_bytes_repr(data)),
    };
    format!(
        "{} {} output:\n{text}",
        crate::command::py_repr(name),
        channel.as_str()
    )
}

/// Python's `repr()` of a `bytes` value.
pub fn py_bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(quote as char);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainlog_text_matches_reference() {
        assert_eq!(
            mainlog_output_text("p", Channel::Stdout, b"hi\n"),
            "'p' stdout output:\nhi\n"
        );
        assert_eq!(
            mainlog_output_text("p", Channel::Stderr, b"\xff'"),
            "'p' stderr output:\nUndecodable: b\"\\xff'\""
        );
    }
}
