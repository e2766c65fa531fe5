//! The tail page: the end of a process's stdout log, as `readProcessStdoutLog` with a
//! negative offset would return it.

use std::collections::HashMap;
use std::path::PathBuf;

use supvisors_proc::driver::ManagerHandle;
use supvisors_proc::logread::{ReadError, read_log};
use supvisors_proc::model::{Channel, Fault, FaultCode};

use super::render::tail_page;

/// The number of bytes shown: `limit` when it is a number above 1024, else 1024.
pub fn limit_of(limit: Option<&str>) -> u64 {
    limit
        .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|l| l.parse::<u64>().ok())
        .map_or(1024, |l| l.max(1024))
}

/// The text the page shows for `namespec`: the log's last `limit` bytes or what went wrong.
async fn tail_text(handle: &ManagerHandle, namespec: &str, limit: u64) -> String {
    let ns = namespec.to_owned();
    let path = handle
        .with(move |c, _| c.model.log_path(&ns, Channel::Stdout))
        .await
        .unwrap_or_else(|_| Err(Fault::bare(FaultCode::ShutdownState)));
    let no_file = || format!("No file for {namespec}");
    let path = match path {
        Ok(Some(path)) => PathBuf::from(path),
        Ok(None) => return no_file(),
        Err(fault) => {
            return format!(
                "ERROR: unexpected rpc fault [{}] {fault}",
                fault.code.code()
            );
        }
    };
    let offset = -i64::try_from(limit).unwrap_or(i64::MAX);
    let read = tokio::task::spawn_blocking(move || read_log(&path, offset, 0)).await;
    match read {
        Ok(Ok(text)) => text,
        Ok(Err(ReadError::NoFile)) => no_file(),
        Ok(Err(ReadError::BadArguments)) => "ERROR: unexpected rpc fault [3] BAD_ARGUMENTS".into(),
        Ok(Err(_)) | Err(_) => "ERROR: unexpected rpc fault [30] FAILED".into(),
    }
}

/// The whole tail page for the request form.
pub async fn page(handle: &ManagerHandle, form: &HashMap<String, String>) -> String {
    let limit = limit_of(form.get("limit").map(String::as_str));
    match form.get("processname") {
        None => tail_page(None, limit, "No process name found"),
        Some(name) => tail_page(Some(name), limit, &tail_text(handle, name, limit).await),
    }
}

#[cfg(test)]
mod tests {
    use super::limit_of;

    #[test]
    fn limit_is_at_least_1024_and_digits_only() {
        assert_eq!(limit_of(None), 1024);
        assert_eq!(limit_of(Some("10")), 1024);
        assert_eq!(limit_of(Some("4096")), 4096);
        assert_eq!(limit_of(Some("-5000")), 1024);
        assert_eq!(limit_of(Some("1e9")), 1024);
    }
}
