//! The byte windows of the log-reading methods (spec §3.5.7), as pure functions of the file
//! size: the driver stats the file, asks for the window, reads those bytes.

use super::faults::FaultCode;

/// A byte window of a file: `len` bytes from `start` (fewer if the file is shorter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First byte.
    pub start: u64,
    /// Most bytes to read; `None` means up to the end of the file.
    pub len: Option<u64>,
}

/// `readLog` / `readProcess*Log(offset, length)` on a file of `size` bytes (`readFile` of the
/// reference); `BAD_ARGUMENTS` for a negative length, or a negative offset with a length.
pub fn read_window(size: u64, offset: i64, length: i64) -> Result<Window, FaultCode> {
    if offset < 0 {
        if length != 0 {
            return Err(FaultCode::BadArguments);
        }
        let back = offset.unsigned_abs();
        return Ok(Window {
            start: size.saturating_sub(back),
            len: Some(back),
        });
    }
    if length < 0 {
        return Err(FaultCode::BadArguments);
    }
    let start = offset.unsigned_abs();
    Ok(Window {
        start,
        len: (length > 0).then_some(length.unsigned_abs()),
    })
}

/// The answer of `tailProcess*Log(offset, length)` apart from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tail {
    /// Bytes to return: `len` bytes from `start` (`len` 0: empty string).
    pub start: u64,
    /// Byte count.
    pub len: u64,
    /// The returned offset: always the file size.
    pub new_offset: u64,
    /// The log grew beyond `offset + length`.
    pub overflow: bool,
}

/// The reference's `tailFile` arithmetic on a file of `size` bytes.
pub fn tail_window(size: u64, offset: i64, length: i64) -> Tail {
    let sz = i128::from(size);
    let mut offset = i128::from(offset);
    let mut length = i128::from(length);
    let mut overflow = false;
    if sz > offset + length {
        overflow = true;
        offset = sz - 1;
    }
    if offset + length > sz {
        if offset > sz - 1 {
            length = 0;
        }
        offset = sz - length;
    }
    let offset = offset.max(0);
    let length = length.max(0);
    Tail {
        start: u64::try_from(offset).unwrap_or(0),
        len: u64::try_from(length).unwrap_or(0),
        new_offset: size,
        overflow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_52_read_windows() {
        assert_eq!(
            read_window(100, -5, 0),
            Ok(Window {
                start: 95,
                len: Some(5)
            })
        );
        assert_eq!(
            read_window(3, -5, 0),
            Ok(Window {
                start: 0,
                len: Some(5)
            })
        );
        assert_eq!(read_window(100, -5, 1), Err(FaultCode::BadArguments));
        assert_eq!(read_window(100, 5, -1), Err(FaultCode::BadArguments));
        assert_eq!(
            read_window(100, 10, 0),
            Ok(Window {
                start: 10,
                len: None
            })
        );
        assert_eq!(
            read_window(100, 10, 4),
            Ok(Window {
                start: 10,
                len: Some(4)
            })
        );
        // Past the end: the read returns ''.
        assert_eq!(
            read_window(100, 500, 0),
            Ok(Window {
                start: 500,
                len: None
            })
        );
    }

    #[test]
    fn item_54_tail_windows() {
        let t = tail_window(297, 0, 20);
        assert_eq!(
            (t.start, t.len, t.new_offset, t.overflow),
            (277, 20, 297, true)
        );
        let t = tail_window(297, 10_000, 20);
        assert_eq!((t.len, t.new_offset, t.overflow), (0, 297, false));
        // offset + length beyond the size: the last `length` bytes, from before the offset.
        let t = tail_window(150, 100, 1024);
        assert_eq!((t.start, t.len, t.overflow), (0, 1024, false));
        let t = tail_window(0, 0, 1024);
        assert_eq!((t.start, t.len, t.new_offset, t.overflow), (0, 0, 0, false));
    }
}
