//! Differential compatibility suite: the reference `supervisord` 4.3.0 and the subject daemon
//! (`$COMPAT_SUBJECT`, else `supvisorsd`) on the same configurations, driven by the real
//! `supervisorctl` and `xmlrpc.client`; see `supvisors_tests::compat`.

mod programs;
mod server;

/// No credentials for the XML-RPC client.
const NO_AUTH: (&str, &str) = ("", "");
