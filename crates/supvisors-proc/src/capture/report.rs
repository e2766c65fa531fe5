//! What a capture task reports to the driver, and the main log text for copied output.

pub use crate::model::Channel;

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
    let text = crate::model::decode(data);
    format!(
        "{} {} output:\n{text}",
        crate::command::py_repr(name),
        channel.name()
    )
}
