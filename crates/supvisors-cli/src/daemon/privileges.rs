//! Startup step 2 of the reference: dropping privileges to `user` (`set_uid_or_exit`) and
//! raising the soft limits to `minfds` / `minprocs` (`set_rlimits_or_exit`).
//!
//! Both report what the main log must say later through [`StartupMessages`], and refuse to
//! start with the reference's texts (printed as usage errors, exit 2).

use std::ffi::CString;

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::unistd::{Gid, Uid, User, getuid, initgroups, setgid, setuid};

use super::args::UsageError;
use super::messages::StartupMessages;

/// What the reference logs (CRIT) when root starts it without `user`.
pub const RUNNING_AS_ROOT: &str = "Supervisor is running as root.  Privileges were not dropped \
    because no user is specified in the config file.  If you intend to run as root, you can set \
    user=root in the config file to avoid this message.";

/// Becomes `uid` when given (only root can; being that uid already is fine), queuing the
/// reference's INFO; warns (CRIT) when root keeps its privileges.
pub fn set_uid_or_exit(uid: Option<u32>, messages: &mut StartupMessages) -> Result<(), UsageError> {
    match uid {
        None => {
            if getuid().is_root() {
                messages.criticals.push(RUNNING_AS_ROOT.into());
            }
            Ok(())
        }
        Some(uid) => {
            drop_privileges(uid).map_err(UsageError)?;
            messages
                .infos
                .push(format!("Set uid to user {uid} succeeded"));
            Ok(())
        }
    }
}

/// The reference's `drop_privileges` for a numeric uid; the error is its message.
pub fn drop_privileges(uid: u32) -> Result<(), String> {
    let user = match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(user)) => user,
        _ => return Err(format!("Can't find uid {uid}")),
    };
    let current = getuid();
    if current.as_raw() == uid {
        return Ok(());
    }
    if !current.is_root() {
        return Err("Can't drop privilege as nonroot user".into());
    }
    // initgroups puts the primary gid in the list as well, as the reference makes sure to.
    let name = CString::new(user.name.as_bytes())
        .map_err(|_| "Could not set groups of effective user".to_string())?;
    initgroups(&name, user.gid)
        .map_err(|_| "Could not set groups of effective user".to_string())?;
    setgid(Gid::from_raw(user.gid.as_raw()))
        .map_err(|_| "Could not set group id of effective user".to_string())?;
    // The reference lets this one raise; a clear message is kinder.
    setuid(user.uid).map_err(|_| "Could not set user id of effective user".to_string())
}

/// One limit the daemon needs: the resource, its name in logs, and the reference's refusal.
struct Limit {
    resource: Resource,
    name: &'static str,
    refusal: fn(u64, u64) -> String,
}

fn nofile_refusal(min_limit: u64, hard: u64) -> String {
    format!(
        "The minimum number of file descriptors required to run this process is {min_limit} as \
         per the \"minfds\" command-line argument or config file setting. The current \
         environment will only allow you to open {hard} file descriptors.  Either raise the \
         number of usable file descriptors in your environment (see README.rst) or lower the \
         minfds setting in the config file to allow the process to start."
    )
}

fn nproc_refusal(min_limit: u64, hard: u64) -> String {
    format!(
        "The minimum number of available processes required to run this program is {min_limit} \
         as per the \"minprocs\" command-line argument or config file setting. The current \
         environment will only allow you to open {hard} processes.  Either raise the number of \
         usable processes in your environment (see README.rst) or lower the minprocs setting in \
         the config file to allow the program to start."
    )
}

/// Raises the soft RLIMIT_NOFILE / RLIMIT_NPROC to `minfds` / `minprocs` when below (and the
/// hard limit with it when root may), queuing `Increased <name> limit to <n>`.
///
/// As in the reference, the refusal names the wanted value twice: it reports the hard limit
/// after raising it to the minimum, which is what the reference prints (source over spec).
pub fn set_rlimits_or_exit(
    minfds: i64,
    minprocs: i64,
    messages: &mut StartupMessages,
) -> Result<(), UsageError> {
    let limits = [
        (
            minfds,
            Limit {
                resource: Resource::RLIMIT_NOFILE,
                name: "RLIMIT_NOFILE",
                refusal: nofile_refusal,
            },
        ),
        (
            minprocs,
            Limit {
                resource: Resource::RLIMIT_NPROC,
                name: "RLIMIT_NPROC",
                refusal: nproc_refusal,
            },
        ),
    ];
    for (min_limit, limit) in limits {
        // A negative minimum is below any limit: nothing to raise.
        let Ok(min_limit) = u64::try_from(min_limit) else {
            continue;
        };
        let (soft, hard) = getrlimit(limit.resource)
            .map_err(|err| UsageError(format!("cannot read {}: {err}", limit.name)))?;
        let infinity = nix::libc::RLIM_INFINITY;
        if soft >= min_limit || soft == infinity {
            continue;
        }
        let hard = if hard < min_limit && hard != infinity {
            min_limit
        } else {
            hard
        };
        match setrlimit(limit.resource, min_limit, hard) {
            Ok(()) => messages
                .infos
                .push(format!("Increased {} limit to {min_limit}", limit.name)),
            Err(_) => return Err(UsageError((limit.refusal)(min_limit, hard))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_already_high_enough_are_left_alone() {
        let mut messages = StartupMessages::default();
        set_rlimits_or_exit(1, 1, &mut messages).expect("nothing to raise");
        assert!(messages.infos.is_empty(), "{messages:?}");
    }

    #[test]
    fn being_the_requested_user_already_succeeds() {
        let mut messages = StartupMessages::default();
        let me = getuid().as_raw();
        set_uid_or_exit(Some(me), &mut messages).expect("same uid");
        assert_eq!(
            messages.infos,
            vec![format!("Set uid to user {me} succeeded")]
        );
    }

    #[test]
    fn unknown_uid_is_refused_with_the_reference_text() {
        // uid 4294967294 is (uint32)-2, never allocated in practice.
        assert_eq!(
            drop_privileges(4_294_967_294),
            Err("Can't find uid 4294967294".to_string())
        );
    }
}
