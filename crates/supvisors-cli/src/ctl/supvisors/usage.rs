//! The usage lines of the Supvisors commands. They are printed after argument errors, where
//! scripts compare them with the reference client's output, so they keep its layout.

/// The usage lines of a Supvisors read command.
pub fn read(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "sversion" => "sversion\t\t\t\tGet the API version of Supvisors.",
        "sstate" => "sstate\t\t\t\t\tGet the Supvisors state.",
        "master" => "master\t\t\t\t\tGet the Master Supvisors instance.",
        "strategies" => "strategies\t\t\t\t\tGet the Supvisors strategies.",
        "instance_status" => {
            "instance_status <identifier>\t\t\tGet the status of the Supvisors instance.\n\
             instance_status <identifier> <identifier>\t\tGet the status for multiple Supvisors instances\n\
             instance_status\t\t\t\tGet the status of all remote Supvisors instances."
        }
        "application_info" => {
            "application_info <appli>\t\tGet the status of application named appli.\n\
             application_info <appli> <appli>\tGet the status for multiple named application\n\
             application_info\t\t\tGet the status of all applications."
        }
        "application_rules" => {
            "application_rules <appli>\t\t\tGet the rules of the application named appli.\n\
             application_rules <appli> <appli>\t\tGet the rules for multiple named applications\n\
             application_rules\t\t\t\tGet the rules of all applications."
        }
        "sstatus" => {
            "sstatus <proc>\t\t\t\tGet the status of the process named proc.\n\
             sstatus <appli>:*\t\t\tGet the process status of application named appli.\n\
             sstatus <proc> <proc>\t\t\tGet the status for multiple named processes\n\
             sstatus\t\t\t\t\tGet the status of all processes."
        }
        "local_status" => {
            "local_status <proc>\t\t\tGet the local status of the process named proc.\n\
             local_status <appli>:*\t\t\tGet the local status of all processes in the application named appli.\n\
             local_status <proc> <proc>\t\tGet the local status for multiple named processes\n\
             local_status\t\t\t\tGet the local status of all processes."
        }
        "process_rules" => {
            "process_rules <proc>\t\t\tGet the rules of the process named proc.\n\
             process_rules <appli>:*\t\t\tGet the rules of all processes in the application named appli.\n\
             process_rules <proc> <proc>\t\tGet the rules for multiple named processes\n\
             process_rules\t\t\t\tGet the rules of all processes."
        }
        "conflicts" => "conflicts\t\t\t\tGet the Supvisors conflicts.",
        _ => return None,
    })
}

/// The usage lines of the commands that act.
pub fn acting(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "loglevel" => "loglevel lvl\t\t\t\tChange the level of local Supvisors' logger to lvl.",
        "conciliate" => {
            "conciliate <strategy>\t\t\t\t\tConciliate process conflicts using strategy"
        }
        "restart_sequence" => "restart_sequence\t\t\t\t\tTrigger the whole start sequence",
        "sreload" => "sreload\t\t\t\t\tRestart Supvisors on all instances",
        "sshutdown" => "sshutdown\t\t\t\tShutdown Supvisors on all instances",
        "start_application" => {
            "start_application <strategy> <appli>\t\tStart the managed application named appli with strategy.\n\
             start_application <strategy> <appli> <appli>\tStart multiple managed named applications with strategy\n\
             start_application <strategy>\t\t\tStart all managed applications with strategy."
        }
        "restart_application" => {
            "restart_application <strategy> <appli>\t\tRestart the managed application named appli with strategy.\n\
             restart_application <strategy> <appli> <appli>\tRestart multiple managed named applications with strategy\n\
             restart_application <strategy> \t\t\tRestart all managed applications with strategy."
        }
        "stop_application" => {
            "stop_application <appli>\t\t\tStop the managed application named appli.\n\
             stop_application <appli> <appli>\t\tStop multiple managed named applications.\n\
             stop_application\t\t\t\tStop all managed applications."
        }
        "start_process" => {
            "start_process <strategy> <proc>\t\t\tStart the process named proc with strategy.\n\
             start_process <strategy> <proc> <proc>\t\tStart multiple named processes with strategy.\n\
             start_process <strategy>\t\t\tStart all processes with strategy."
        }
        "restart_process" => {
            "restart_process <strategy> <proc>\t\tRestart the process named proc using strategy.\n\
             restart_process <strategy> <proc> <proc>\tRestart multiple named processes using strategy.\n\
             restart_process <strategy> \t\t\tRestart all processes using strategy."
        }
        "stop_process" => {
            "stop_process <proc>\t\tStop the process named proc.\n\
             stop_process <proc> <proc>\tStop multiple named processes.\n\
             stop_process\t\t\tStop all named processes."
        }
        "start_any_process" => {
            "start_any_process <strategy> <regex>\t\t\tStart a process whose namespec matches the regular expression and with a starting strategy.\n\
             start_any_process <strategy> <regex> <regex>\t\tStart multiple processes whose namespec matches the regular expressions and with a starting strategy."
        }
        "start_any_process_args" => {
            "start_any_process_args <strategy> <regex> <arg_list>\tStart a process whose namespec matches the regular expression, using a starting strategy and additional arguments arg_list."
        }
        "start_args" => {
            "start_args <proc> <arg_list>\t\t\tStart the local process named proc with additional arguments arg_list."
        }
        "start_process_args" => {
            "start_process <strategy> <proc> <arg_list>\tStart the process named proc with additional arguments arg_list."
        }
        "all_start" => {
            "all_start <proc>\t\t\tStart the process named proc on all RUNNING Supvisors instances."
        }
        "all_start_args" => {
            "all_start_args <proc> <arg_list>\t\t\tStart the process named proc on all RUNNING Supvisors instances with additional arguments arg_list."
        }
        "update_numprocs" => {
            "update_numprocs program_name numprocs\t\t\t\tUpdate the program numprocs."
        }
        "enable" => "enable program_name\t\t\t\tEnable the program.",
        "disable" => "disable program_name\t\t\t\tDisable the program.",
        _ => return None,
    })
}
