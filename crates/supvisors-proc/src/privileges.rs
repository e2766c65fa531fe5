//! The privilege change for `user=` (Supervisor's `drop_privileges`), decided in the parent.

use std::ffi::CString;

/// The privilege change a child performs before exec (Supervisor's `drop_privileges`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Privileges {
    /// No `user=`, or already running as that uid.
    #[default]
    Keep,
    /// setgroups(groups), setgid(gid), setuid(uid).
    Drop {
        /// Target uid.
        uid: u32,
        /// Primary gid.
        gid: u32,
        /// Supplementary groups, primary gid first.
        groups: Vec<u32>,
    },
    /// The change cannot be done; the child writes `couldn't setuid to <uid>: <reason>`.
    Refuse {
        /// The uid asked for.
        uid: u32,
        /// Supervisor's reason text, e.g. `Can't drop privilege as nonroot user`.
        reason: String,
    },
}

/// Decides in the parent how a child switches to `uid` (user database lookups are not
/// async-signal-safe, so they cannot run after `fork`).
pub fn privileges_for(uid: u32) -> Privileges {
    use nix::unistd::{Gid, Uid, User, getgrouplist};
    let user = match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(user)) => user,
        _ => {
            return Privileges::Refuse {
                uid,
                reason: format!("Can't find uid {uid}"),
            };
        }
    };
    let current = nix::unistd::getuid().as_raw();
    if current == uid {
        return Privileges::Keep;
    }
    if current != 0 {
        let reason = "Can't drop privilege as nonroot user".to_owned();
        return Privileges::Refuse { uid, reason };
    }
    let gid = user.gid.as_raw();
    let name = CString::new(user.name.as_bytes()).unwrap_or_default();
    let mut groups = vec![gid];
    if let Ok(list) = getgrouplist(&name, Gid::from_raw(gid)) {
        groups.extend(list.into_iter().map(Gid::as_raw).filter(|g| *g != gid));
    }
    Privileges::Drop { uid, gid, groups }
}
