//! Descriptors (name, signature, help) of the 37 `supervisor.*` methods of Supervisor 4.3.0.
//!
//! The handlers live with the process manager; this table only lets `system.listMethods`,
//! `methodHelp` and `methodSignature` answer like the reference. Help texts are our own.

use crate::dispatch::MethodInfo;

/// Every `supervisor` method, sorted by name.
pub const SUPERVISOR_METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "addProcessGroup",
        signature: &["boolean", "string"],
        help: " Activate a process group that is present in the configuration\n\n        @param string name  Name of the group to add\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "clearAllProcessLogs",
        signature: &["array"],
        help: " Clear the stdout and stderr logs of every process\n\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "clearLog",
        signature: &["boolean"],
        help: " Clear the main log of the daemon\n\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "clearProcessLog",
        signature: &["boolean", "string"],
        help: " Clear the stdout and stderr logs of one process (alias of clearProcessLogs)\n\n        @param string name  Process name (or group:name)\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "clearProcessLogs",
        signature: &["boolean", "string"],
        help: " Clear the stdout and stderr logs of one process\n\n        @param string name  Process name (or group:name)\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "getAPIVersion",
        signature: &["string"],
        help: " Give the version of the RPC API used by the daemon\n\n        @return string version  API version identifier\n        ",
    },
    MethodInfo {
        name: "getAllConfigInfo",
        signature: &["array"],
        help: " Give the configuration of every process, active or not\n\n        @return array result  One struct per configured process\n        ",
    },
    MethodInfo {
        name: "getAllProcessInfo",
        signature: &["array"],
        help: " Give the state of every process\n\n        @return array result  One process info struct per process\n        ",
    },
    MethodInfo {
        name: "getIdentification",
        signature: &["string"],
        help: " Give the identifier of this daemon\n\n        @return string identifier  The identifier option of the daemon\n        ",
    },
    MethodInfo {
        name: "getPID",
        signature: &["int"],
        help: " Give the process id of the daemon\n\n        @return int result  The pid\n        ",
    },
    MethodInfo {
        name: "getProcessInfo",
        signature: &["struct", "string"],
        help: " Give the state of one process\n\n        @param string name  Process name (or group:name)\n        @return struct result  The process info struct\n        ",
    },
    MethodInfo {
        name: "getState",
        signature: &["struct"],
        help: " Give the state of the daemon as a struct\n\n        @return struct result  A struct with keys int statecode, string statename\n        ",
    },
    MethodInfo {
        name: "getSupervisorVersion",
        signature: &["string"],
        help: " Give the version of the supervisor package\n\n        @return string version  Version identifier\n        ",
    },
    MethodInfo {
        name: "getVersion",
        signature: &["string"],
        help: " Give the version of the RPC API used by the daemon (alias of getAPIVersion)\n\n        @return string version  API version identifier\n        ",
    },
    MethodInfo {
        name: "readLog",
        signature: &["string", "int", "int"],
        help: " Read a slice of the main log (alias of readMainLog)\n\n        @param int offset  Where to start reading\n        @param int length  How many bytes to read\n        @return string result  The bytes read\n        ",
    },
    MethodInfo {
        name: "readMainLog",
        signature: &["string", "int", "int"],
        help: " Read a slice of the main log\n\n        @param int offset  Where to start reading\n        @param int length  How many bytes to read\n        @return string result  The bytes read\n        ",
    },
    MethodInfo {
        name: "readProcessLog",
        signature: &["string", "string", "int", "int"],
        help: " Read a slice of the stdout log of a process (alias of readProcessStdoutLog)\n\n        @param string name  Process name (or group:name)\n        @param int offset  Where to start reading\n        @param int length  How many bytes to read\n        @return string result  The bytes read\n        ",
    },
    MethodInfo {
        name: "readProcessStderrLog",
        signature: &["string", "string", "int", "int"],
        help: " Read a slice of the stderr log of a process\n\n        @param string name  Process name (or group:name)\n        @param int offset  Where to start reading\n        @param int length  How many bytes to read\n        @return string result  The bytes read\n        ",
    },
    MethodInfo {
        name: "readProcessStdoutLog",
        signature: &["string", "string", "int", "int"],
        help: " Read a slice of the stdout log of a process\n\n        @param string name  Process name (or group:name)\n        @param int offset  Where to start reading\n        @param int length  How many bytes to read\n        @return string result  The bytes read\n        ",
    },
    MethodInfo {
        name: "reloadConfig",
        signature: &["array"],
        help: " Read the configuration again and report the groups added, changed and removed\n\n        @return array result  [[added, changed, removed]]\n        ",
    },
    MethodInfo {
        name: "removeProcessGroup",
        signature: &["boolean", "string"],
        help: " Remove a stopped process group from the active configuration\n\n        @param string name  Name of the group to remove\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "restart",
        signature: &["boolean"],
        help: " Restart the daemon\n\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "sendProcessStdin",
        signature: &["boolean", "string", "string"],
        help: " Write characters to the stdin of a process\n\n        @param string name  Process name (or group:name)\n        @param string chars  The characters to write\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "sendRemoteCommEvent",
        signature: &["boolean", "string", "string"],
        help: " Emit a REMOTE_COMMUNICATION event to the event listeners\n\n        @param string type  Type key of the event\n        @param string data  Data of the event\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "shutdown",
        signature: &["boolean"],
        help: " Stop the processes, then the daemon\n\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "signalAllProcesses",
        signature: &["array", "string"],
        help: " Send a signal to every process\n\n        @param string signal  Signal name or number\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "signalProcess",
        signature: &["boolean", "string", "string"],
        help: " Send a signal to a process\n\n        @param string name  Process name (or group:name, or group:*)\n        @param string signal  Signal name or number\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "signalProcessGroup",
        signature: &["array", "string", "string"],
        help: " Send a signal to every process of a group\n\n        @param string name  Group name\n        @param string signal  Signal name or number\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "startAllProcesses",
        signature: &["array", "boolean"],
        help: " Start every process of the configuration\n\n        @param boolean wait  Wait for each process to be fully started\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "startProcess",
        signature: &["boolean", "string", "boolean"],
        help: " Start a process\n\n        @param string name  Process name (or group:name, or group:*)\n        @param boolean wait  Wait for the process to be fully started\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "startProcessGroup",
        signature: &["array", "string", "boolean"],
        help: " Start every process of a group\n\n        @param string name  Group name\n        @param boolean wait  Wait for each process to be fully started\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "stopAllProcesses",
        signature: &["array", "boolean"],
        help: " Stop every process\n\n        @param boolean wait  Wait for each process to be fully stopped\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "stopProcess",
        signature: &["boolean", "string", "boolean"],
        help: " Stop a process\n\n        @param string name  Process name (or group:name, or group:*)\n        @param boolean wait  Wait for the process to be fully stopped\n        @return boolean result  always true unless error\n        ",
    },
    MethodInfo {
        name: "stopProcessGroup",
        signature: &["array", "string", "boolean"],
        help: " Stop every process of a group\n\n        @param string name  Group name\n        @param boolean wait  Wait for each process to be fully stopped\n        @return array result  One result struct per process\n        ",
    },
    MethodInfo {
        name: "tailProcessLog",
        signature: &["array", "string", "int", "int"],
        help: " Read the end of the stdout log of a process (alias of tailProcessStdoutLog)\n\n        @param string name  Process name (or group:name)\n        @param int offset  Offset to start from\n        @param int length  Maximum number of bytes\n        @return array result  [string bytes, int offset, bool overflow]\n        ",
    },
    MethodInfo {
        name: "tailProcessStderrLog",
        signature: &["array", "string", "int", "int"],
        help: " Read the end of the stderr log of a process\n\n        @param string name  Process name (or group:name)\n        @param int offset  Offset to start from\n        @param int length  Maximum number of bytes\n        @return array result  [string bytes, int offset, bool overflow]\n        ",
    },
    MethodInfo {
        name: "tailProcessStdoutLog",
        signature: &["array", "string", "int", "int"],
        help: " Read the end of the stdout log of a process\n\n        @param string name  Process name (or group:name)\n        @param int offset  Offset to start from\n        @param int length  Maximum number of bytes\n        @return array result  [string bytes, int offset, bool overflow]\n        ",
    },
];

/// The descriptor of a `supervisor` method.
pub fn supervisor_method(name: &str) -> Option<&'static MethodInfo> {
    SUPERVISOR_METHODS.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The types named by the `@param`/`@return` lines of a help text, return type first.
    fn tags(help: &str) -> Vec<&str> {
        let mut ret = Vec::new();
        let mut params = Vec::new();
        for line in help.lines() {
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("@return"), Some(t)) => ret.push(t),
                (Some("@param"), Some(t)) => params.push(t),
                _ => {}
            }
        }
        ret.extend(params);
        ret
    }

    #[test]
    fn table_is_sorted_complete_and_consistent_with_help() {
        assert_eq!(SUPERVISOR_METHODS.len(), 37);
        assert!(SUPERVISOR_METHODS.windows(2).all(|w| w[0].name < w[1].name));
        for m in SUPERVISOR_METHODS {
            assert_eq!(tags(m.help), m.signature, "{}", m.name);
        }
        let start = supervisor_method("startProcess").map(|m| m.signature);
        assert_eq!(start, Some(&["boolean", "string", "boolean"][..]));
    }
}
