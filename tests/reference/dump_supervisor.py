"""Parses supervisord.conf files with the real Supervisor 4.3.0 option parser and prints, for
each, either the error supervisord would exit with, or the groups and processes it would run
(every field of ProcessConfig) and the parse warnings, as JSON:
{file: {"error": msg} | {"groups": [...], "warnings": [...]}}.
Usage: dump_supervisor.py FILE... (host name pinned with SUPVISORS_HOST_NODE_NAME)."""
import json
import os
import platform
import sys

if 'SUPVISORS_HOST_NODE_NAME' in os.environ:
    platform.node = lambda: os.environ['SUPVISORS_HOST_NODE_NAME']

from supervisor.datatypes import Automatic, RestartUnconditionally, RestartWhenExitUnexpected
from supervisor.options import ServerOptions


def logfile(value):
    if value is Automatic:
        return 'AUTO'
    if value is None:
        return 'NONE'
    return value


def autorestart(value):
    if value is RestartUnconditionally:
        return 'true'
    if value is RestartWhenExitUnexpected:
        return 'unexpected'
    return 'false'


def process(p):
    return {
        'name': p.name, 'command': p.command, 'directory': p.directory, 'umask': p.umask,
        'priority': p.priority, 'autostart': p.autostart, 'autorestart': autorestart(p.autorestart),
        'startsecs': p.startsecs, 'startretries': p.startretries, 'uid': p.uid,
        'stopsignal': int(p.stopsignal), 'stopwaitsecs': p.stopwaitsecs,
        'stopasgroup': p.stopasgroup, 'killasgroup': p.killasgroup,
        'exitcodes': list(p.exitcodes), 'redirect_stderr': p.redirect_stderr,
        'stdout_logfile': logfile(p.stdout_logfile), 'stdout_logfile_maxbytes': p.stdout_logfile_maxbytes,
        'stdout_logfile_backups': p.stdout_logfile_backups,
        'stdout_capture_maxbytes': p.stdout_capture_maxbytes,
        'stdout_events_enabled': p.stdout_events_enabled, 'stdout_syslog': p.stdout_syslog,
        'stderr_logfile': logfile(p.stderr_logfile), 'stderr_logfile_maxbytes': p.stderr_logfile_maxbytes,
        'stderr_logfile_backups': p.stderr_logfile_backups,
        'stderr_capture_maxbytes': p.stderr_capture_maxbytes,
        'stderr_events_enabled': p.stderr_events_enabled, 'stderr_syslog': p.stderr_syslog,
        'environment': sorted([k, v] for k, v in (p.environment or {}).items()),
        'serverurl': p.serverurl,
    }


def dump(filename):
    options = ServerOptions()
    # realize() prints usage and exits on errors; read the config the way it does instead.
    options.configfile = filename
    try:
        options.process_config(do_usage=False)
    except ValueError as exc:
        return {'error': str(exc)}
    groups = []
    for g in options.process_group_configs:
        groups.append({'name': g.name, 'priority': g.priority,
                       'processes': [process(p) for p in g.process_configs]})
    return {'groups': groups, 'warnings': list(options.parse_warnings)}


json.dump({f: dump(f) for f in sys.argv[1:]}, sys.stdout, indent=1, sort_keys=True)
