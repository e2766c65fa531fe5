"""Parses [rpcinterface:supvisors] entries with the real Supvisors 0.15 (SupvisorsOptions, then
SupvisorsMapper.configure), with pinned host facts, for many cases in one run.

Reads a JSON list of cases on stdin, each {"entries": [[key, value]...], "host_node_name",
"identifier", "http_port" (null: no [inet_http_server]), "hosts": {name: [canonical,
[aliases], [addresses]]}}, and prints a JSON list with, for each case, {"fatal": true} or every
typed option, the Supvisors instances and nodes, and the local identifier."""
import json
import socket
import sys
from types import SimpleNamespace

import supvisors.options as options_module
import supvisors.supvisorsmapper as mapper_module
from supervisor.datatypes import Automatic, Syslog
from supvisors.options import SupvisorsOptions, get_logger_configuration
from supvisors.supvisorsmapper import SupvisorsMapper


class Quiet:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def parse(case):
    hosts = case['hosts']

    def gethostbyaddr(host):
        if host not in hosts:
            raise socket.herror(host)
        canonical, aliases, addresses = hosts[host]
        return canonical, list(aliases), list(addresses)

    mapper_module.gethostbyaddr = gethostbyaddr
    mapper_module.gethostname = lambda: case['host_node_name']
    options_module.gethostname = lambda: case['host_node_name']
    config = {k: v for k, v in case['entries']}
    try:
        logger_config = get_logger_configuration(**config)
        if case['http_port'] is None:
            raise ValueError('no inet_http_server')
        supervisord = SimpleNamespace(options=SimpleNamespace(here='/etc', environ_expansions={'ENV_HOME': '/root'}))
        options = SupvisorsOptions(supervisord, Quiet(), **config)
        supvisors = SimpleNamespace(logger=Quiet(), options=options,
                                    supervisor_data=SimpleNamespace(serverport=case['http_port'],
                                                                    identifier=case['identifier']))
        mapper = SupvisorsMapper(supvisors)
        mapper.configure(options.supvisors_list, options.core_identifiers)
        if options.disabilities_file:
            raise ValueError('disabilities not compared')
    except Exception:
        return {'fatal': True}
    logfile = logger_config['logfile']
    return {
        'fatal': False, 'supvisors_list': options.supvisors_list,
        'internal_port': options.internal_port, 'event_port': options.event_port,
        'event_link': options.event_link.name, 'auto_fence': options.auto_fence,
        'synchro_timeout': options.synchro_timeout, 'inactivity_ticks': options.inactivity_ticks,
        'core_identifiers': sorted(mapper.core_identifiers),
        'conciliation_strategy': options.conciliation_strategy.name,
        'starting_strategy': options.starting_strategy.name,
        'stats_enabled': options.stats_enabled, 'stats_periods': options.stats_periods,
        'stats_histo': options.stats_histo, 'stats_irix_mode': options.stats_irix_mode,
        'tail_limit': options.tail_limit, 'tailf_limit': options.tailf_limit,
        'logfile': 'AUTO' if logfile is Automatic else 'SYSLOG' if logfile is Syslog
        else 'NONE' if logfile is None else logfile,
        'logfile_maxbytes': logger_config['logfile_maxbytes'],
        'logfile_backups': logger_config['logfile_backups'], 'loglevel': logger_config['loglevel'],
        'instances': [[i.identifier, i.host_name, i.http_port, i.internal_port, i.event_port, i.ip_address]
                      for i in mapper.instances.values()],
        'nodes': [[k, v] for k, v in mapper.nodes.items()],
        'local_identifier': mapper.local_identifier,
    }


json.dump([parse(case) for case in json.load(sys.stdin)], sys.stdout, indent=1, sort_keys=True)
