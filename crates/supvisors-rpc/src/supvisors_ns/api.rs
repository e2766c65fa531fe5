//! Descriptors (name, signature, help) of the 31 `supvisors.*` methods of Supvisors 0.15.
//!
//! Signatures are the ones 0.15 derives from its Sphinx tags (interfaces §1.2); help texts are
//! our own, in the same tag style since `system.methodHelp` returns them raw.

use crate::dispatch::MethodInfo;

/// Every `supvisors` method, sorted by name.
pub const SUPVISORS_METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "change_log_level",
        signature: &["bool", "Union[str, int]"],
        help: " Change the level of the Supvisors logger of this instance (and of the Supervisor\n        logger when they share the log file).\n\n        :param Union[str, int] level_param: a Supervisor level name (lower case) or number\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "conciliate",
        signature: &["bool", "ConciliationStrategies"],
        help: " Solve every current conflict once with the given strategy (CONCILIATION state only).\n        USER does nothing.\n\n        :param ConciliationStrategies strategy: a strategy name or value\n        :return: True when a strategy was applied, False for USER\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "disable",
        signature: &["bool", "str", "bool"],
        help: " Disable a program on this instance: its processes are stopped here and cannot be\n        started until enabled again. The choice is kept across restarts.\n\n        :param str program_name: the program section name\n        :param bool wait: wait until the processes are stopped and seen disabled\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "enable",
        signature: &["bool", "str", "bool"],
        help: " Enable a program on this instance again.\n\n        :param str program_name: the program section name\n        :param bool wait: wait until the processes are seen enabled\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "get_all_applications_info",
        signature: &["list[dict[str, Any]]"],
        help: " Give the status of every application known to Supvisors, managed or not.\n\n        :return: one status per application\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_all_instances_info",
        signature: &["list[dict[str, Any]]"],
        help: " Give the status of every Supvisors instance, sorted by identifier.\n\n        :return: one status per instance\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_all_local_process_info",
        signature: &["list[dict[str, Any]]"],
        help: " Give the local Supervisor information of every process of this instance.\n\n        :return: one entry per local process\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_all_process_info",
        signature: &["list[dict[str, Any]]"],
        help: " Give the synthetic status of every process known to Supvisors.\n\n        :return: one status per process\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_api_version",
        signature: &["str"],
        help: " Give the version of the Supvisors XML-RPC API.\n\n        :return: the version\n        :rtype: str\n        ",
    },
    MethodInfo {
        name: "get_application_info",
        signature: &["dict[str, Any]", "str"],
        help: " Give the status of one application.\n\n        :param str application_name: the application (Supervisor group) name\n        :return: the application status\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "get_application_rules",
        signature: &["dict[str, Any]", "str"],
        help: " Give the rules applied to one application.\n\n        :param str application_name: the application (Supervisor group) name\n        :return: the application rules\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "get_conflicts",
        signature: &["list[dict[str, Any]]"],
        help: " Give the processes of managed applications running on more than one instance.\n\n        :return: one status per conflicting process\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_instance_info",
        signature: &["dict[str, Any]", "str"],
        help: " Give the status of one Supvisors instance.\n\n        :param str identifier: the instance identifier\n        :return: the instance status\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "get_local_process_info",
        signature: &["dict[str, Any]", "str"],
        help: " Give the local Supervisor information of one process of this instance.\n\n        :param str namespec: the process namespec\n        :return: the process information\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "get_master_identifier",
        signature: &["str"],
        help: " Give the identifier of the Master instance (empty before the election).\n\n        :return: the Master identifier\n        :rtype: str\n        ",
    },
    MethodInfo {
        name: "get_process_info",
        signature: &["list[dict[str, Any]]", "str"],
        help: " Give the synthetic status of one process, or of every process of an application\n        with 'group:*'.\n\n        :param str namespec: the process namespec\n        :return: the process statuses\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_process_rules",
        signature: &["list[dict[str, Any]]", "str"],
        help: " Give the rules applied to one process, or to every process of an application\n        with 'group:*'.\n\n        :param str namespec: the process namespec\n        :return: the process rules\n        :rtype: list[dict[str, Any]]\n        ",
    },
    MethodInfo {
        name: "get_strategies",
        signature: &["dict[str, Any]"],
        help: " Give the strategies configured for auto-fencing, starting and conciliation.\n\n        :return: the strategies\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "get_supvisors_state",
        signature: &["dict[str, Any]"],
        help: " Give the state of Supvisors and the instances having jobs in progress.\n\n        :return: the state and the job lists\n        :rtype: dict[str, Any]\n        ",
    },
    MethodInfo {
        name: "restart",
        signature: &["bool"],
        help: " Stop every application then restart every Supvisors instance.\n\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "restart_application",
        signature: &["bool", "StartingStrategies", "str", "bool"],
        help: " Stop an application, then start it again with the given strategy.\n\n        :param StartingStrategies strategy: a strategy name or value\n        :param str application_name: the application name\n        :param bool wait: wait until the application is stopped then started\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "restart_process",
        signature: &["bool", "StartingStrategies", "str", "str", "bool"],
        help: " Stop a process (or every process of 'group:*'), then start it again with the given\n        strategy.\n\n        :param StartingStrategies strategy: a strategy name or value\n        :param str namespec: the process namespec\n        :param str extra_args: extra arguments added to the command line\n        :param bool wait: wait until the processes are stopped then started\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "restart_sequence",
        signature: &["bool", "bool"],
        help: " Run the whole start sequence again (back to DEPLOYMENT).\n\n        :param bool wait: wait until OPERATION is reached again\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "shutdown",
        signature: &["bool"],
        help: " Stop every application then shut every Supvisors instance down.\n\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "start_any_process",
        signature: &["str", "StartingStrategies", "str", "str", "bool"],
        help: " Start the first stopped process whose namespec matches a regular expression and\n        that the strategy can place.\n\n        :param StartingStrategies strategy: a strategy name or value\n        :param str regex: the pattern searched in the namespecs\n        :param str extra_args: extra arguments added to the command line\n        :param bool wait: wait until the process is started\n        :return: the namespec of the process started\n        :rtype: str\n        ",
    },
    MethodInfo {
        name: "start_application",
        signature: &["bool", "StartingStrategies", "str", "bool"],
        help: " Start a managed application with the given strategy and its rules.\n\n        :param StartingStrategies strategy: a strategy name or value\n        :param str application_name: the application name\n        :param bool wait: wait until the application is started\n        :return: True when jobs were created (False: nothing to start)\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "start_args",
        signature: &["bool", "str", "str", "bool"],
        help: " Start a process of the local Supervisor with extra arguments on its command line.\n\n        :param str namespec: the process namespec\n        :param str extra_args: extra arguments added to the command line ('' for none)\n        :param bool wait: wait until the process is started\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "start_process",
        signature: &["bool", "StartingStrategies", "str", "str", "bool"],
        help: " Start a process (or every process of 'group:*') with the given strategy and its\n        rules.\n\n        :param StartingStrategies strategy: a strategy name or value\n        :param str namespec: the process namespec\n        :param str extra_args: extra arguments added to the command line\n        :param bool wait: wait until the processes are started\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "stop_application",
        signature: &["bool", "str", "bool"],
        help: " Stop a managed application wherever its processes run.\n\n        :param str application_name: the application name\n        :param bool wait: wait until the application is stopped\n        :return: True when jobs were created\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "stop_process",
        signature: &["bool", "str", "bool"],
        help: " Stop a process (or every process of 'group:*') wherever it runs.\n\n        :param str namespec: the process namespec\n        :param bool wait: wait until the processes are stopped\n        :return: True unless error\n        :rtype: bool\n        ",
    },
    MethodInfo {
        name: "update_numprocs",
        signature: &["bool", "str", "int", "bool"],
        help: " Change the number of processes of a program of the local Supervisor.\n\n        :param str program_name: the program section name\n        :param int numprocs: the new number of processes (> 0)\n        :param bool wait: wait until Supvisors has seen the change\n        :return: True unless error\n        :rtype: bool\n        ",
    },
];
