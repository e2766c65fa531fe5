"""Loads a supervisord.conf with the real Supervisor 4.3.0 and Supvisors 0.15 code and prints, as
JSON, the options and the resolved rules of every application and process, as the reference would
compute them at startup. Used by the differential tests of `supvisorsd --check-config --json`.

Host facts are pinned so that both implementations see the same world:
  --host-node-name NAME     what platform.node() / gethostname() return
  --hosts FILE              JSON {host: [canonical, [aliases], [addresses]]} answering gethostbyaddr
  -i IDENTIFIER             the supervisord identifier, as supervisord's -i
"""
import argparse
import json
import platform
import socket
import sys
from types import SimpleNamespace


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-c', dest='config', required=True)
    ap.add_argument('--host-node-name', required=True)
    ap.add_argument('--hosts', required=True)
    ap.add_argument('-i', dest='identifier')
    args = ap.parse_args()
    with open(args.hosts) as f:
        table = json.load(f)

    def gethostbyaddr(host):
        if host in table:
            canonical, aliases, addresses = table[host]
            return canonical, list(aliases), list(addresses)
        raise socket.herror(1, 'Unknown host')

    # Pin host facts before any reference module reads them.
    platform.node = lambda: args.host_node_name
    socket.gethostname = lambda: args.host_node_name
    import supvisors.supvisorsmapper as mapper_module
    import supvisors.options as supvisors_options_module
    mapper_module.gethostbyaddr = gethostbyaddr
    mapper_module.gethostname = lambda: args.host_node_name
    supvisors_options_module.gethostname = lambda: args.host_node_name

    from supervisor.options import ServerOptions, make_namespec
    from supvisors.application import ApplicationRules
    from supvisors.options import SupvisorsOptions, SupvisorsServerOptions
    from supvisors.process import ProcessRules
    from supvisors.sparser import Parser
    from supvisors.supervisordata import SupervisorData
    from supvisors.supvisorsmapper import SupvisorsMapper

    messages = []

    class Logger:
        def _log(self, level):
            return lambda msg, *a, **k: messages.append([level, str(msg)])

        def __getattr__(self, name):
            return self._log(name.upper())

    logger = Logger()
    argv = ['-c', args.config] + (['-i', args.identifier] if args.identifier else [])
    options = ServerOptions()
    options.realize(argv)
    groups = {cfg.name: cfg.make_group() for cfg in options.process_group_configs}
    supervisord = SimpleNamespace(options=options, process_groups=groups)
    extras = {}
    for name, _factory, config in options.rpcinterface_factories:
        if name == 'supvisors':
            extras = config
    supvisors = SimpleNamespace(logger=logger)
    supvisors.options = SupvisorsOptions(supervisord, logger, **extras)
    supvisors.server_options = SupvisorsServerOptions(logger)
    supvisors.server_options.realize(argv, doc='')
    supvisors.supervisor_data = SupervisorData(supvisors, supervisord)
    supvisors.supvisors_mapper = SupvisorsMapper(supvisors)
    supvisors.supvisors_mapper.configure(supvisors.options.supvisors_list, supvisors.options.core_identifiers)
    try:
        parser = Parser(supvisors)
    except Exception as exc:  # the reference disables the rules engine on any parse failure
        messages.append(['WARN', f'cannot parse rules files: {exc}'])
        parser = None

    applications, processes = {}, {}
    for group_name in sorted(groups):
        app_rules = ApplicationRules(supvisors)
        if parser:
            app_rules.starting_strategy = supvisors.options.starting_strategy
            parser.load_application_rules(group_name, app_rules)
        applications[group_name] = {
            'managed': app_rules.managed,
            'distribution': app_rules.distribution.name,
            'identifiers': app_rules.identifiers,
            'hash_identifiers': app_rules.hash_identifiers,
            'start_sequence': app_rules.start_sequence,
            'stop_sequence': app_rules.stop_sequence,
            'starting_strategy': app_rules.starting_strategy.name,
            'starting_failure_strategy': app_rules.starting_failure_strategy.name,
            'running_failure_strategy': app_rules.running_failure_strategy.name,
        }
        for process_name in sorted(groups[group_name].processes):
            namespec = make_namespec(group_name, process_name)
            rules = ProcessRules(supvisors)
            rules.starting_failure_strategy = app_rules.starting_failure_strategy
            rules.running_failure_strategy = app_rules.running_failure_strategy
            if parser:
                parser.load_program_rules(namespec, rules)
            processes[namespec] = {
                'identifiers': rules.identifiers,
                'hash_identifiers': rules.hash_identifiers,
                'start_sequence': rules.start_sequence,
                'stop_sequence': rules.stop_sequence,
                'required': rules.required,
                'wait_exit': rules.wait_exit,
                'expected_loading': rules.expected_load,
                'starting_failure_strategy': rules.starting_failure_strategy.name,
                'running_failure_strategy': rules.running_failure_strategy.name,
                'autorestart': supvisors.supervisor_data.autorestart(namespec),
            }

    mapper = supvisors.supvisors_mapper
    opts = supvisors.options
    result = {
        'instances': [
            {'identifier': i.identifier, 'host_name': i.host_name, 'http_port': i.http_port,
             'internal_port': i.internal_port, 'event_port': i.event_port}
            for i in mapper.instances.values()],
        'local_identifier': mapper.local_identifier,
        'core_identifiers': sorted(mapper.core_identifiers),
        'options': {
            'synchro_timeout': opts.synchro_timeout,
            'inactivity_ticks': opts.inactivity_ticks,
            'auto_fence': opts.auto_fence,
            'event_link': opts.event_link.name,
            'starting_strategy': opts.starting_strategy.name,
            'conciliation_strategy': opts.conciliation_strategy.name,
            'stats_enabled': opts.stats_enabled,
            'stats_periods': list(opts.stats_periods),
            'stats_histo': opts.stats_histo,
            'stats_irix_mode': opts.stats_irix_mode,
            'tail_limit': opts.tail_limit,
            'tailf_limit': opts.tailf_limit,
            'rules_files': opts.rules_files,
        },
        'rules_engine': parser is not None,
        'applications': applications,
        'processes': processes,
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
