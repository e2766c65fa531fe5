#!/usr/bin/env python3
"""Resolve rules with the reference Supvisors 0.15 parser, for differential testing.

Usage: PYTHONPATH=<supvisors 0.15 checkout> python3 reference_resolve.py < spec.json
(needs `pip install supervisor==4.3.0 lxml`). The spec is the JSON read by
`cargo run -p supvisors-rules --example resolve_rules`: {"files": [...], "identifiers": [...],
"starting_strategy": "CONFIG", "processes": [{"group", "process", "procnumber", "autorestart"}]}.
Prints {"engine": bool, "applications": {...}, "processes": {...}, "autorestart_forced_off": [...]}.
"""

import json
import sys
from collections import OrderedDict
from types import SimpleNamespace

from supervisor.options import make_namespec
from supvisors.application import ApplicationRules
from supvisors.process import ProcessRules
from supvisors.sparser import Parser
from supvisors.supvisorsmapper import SupvisorsMapper
from supvisors.ttypes import StartingStrategies


class Quiet:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def main():
    spec = json.load(sys.stdin)
    logger = Quiet()
    mapper = SupvisorsMapper.__new__(SupvisorsMapper)
    mapper._instances = OrderedDict((i, None) for i in spec['identifiers'])
    mapper.logger = logger
    local = {make_namespec(p['group'], p['process']): p for p in spec['processes']}
    forced = []

    def autorestart(namespec):
        return local[namespec]['autorestart']

    supvisors = SimpleNamespace(
        logger=logger,
        supvisors_mapper=mapper,
        options=SimpleNamespace(rules_files=spec['files'],
                                starting_strategy=StartingStrategies[spec['starting_strategy']]),
        server_options=SimpleNamespace(procnumbers={p['process']: p['procnumber'] for p in spec['processes']}),
        supervisor_data=SimpleNamespace(autorestart=autorestart, disable_autorestart=forced.append))
    try:
        parser = Parser(supvisors)
    except Exception:
        parser = None
    out = {'engine': parser is not None, 'applications': {}, 'processes': {}, 'autorestart_forced_off': forced}
    apps = {}
    for p in spec['processes']:
        group = p['group']
        if group not in apps:
            rules = ApplicationRules(supvisors)
            if parser:
                rules.starting_strategy = supvisors.options.starting_strategy
                parser.load_application_rules(group, rules)
            apps[group] = rules
            out['applications'][group] = {
                'managed': rules.managed, 'distribution': rules.distribution.name,
                'identifiers': rules.identifiers, 'hash_identifiers': rules.hash_identifiers,
                'start_sequence': rules.start_sequence, 'stop_sequence': rules.stop_sequence,
                'starting_strategy': rules.starting_strategy.name,
                'starting_failure_strategy': rules.starting_failure_strategy.name,
                'running_failure_strategy': rules.running_failure_strategy.name}
        namespec = make_namespec(group, p['process'])
        rules = ProcessRules(supvisors)
        rules.starting_failure_strategy = apps[group].starting_failure_strategy
        rules.running_failure_strategy = apps[group].running_failure_strategy
        if parser:
            parser.load_program_rules(namespec, rules)
        out['processes'][namespec] = {
            'identifiers': rules.identifiers, 'hash_identifiers': rules.hash_identifiers,
            'start_sequence': rules.start_sequence, 'stop_sequence': rules.stop_sequence,
            'required': rules.required, 'wait_exit': rules.wait_exit, 'expected_load': rules.expected_load,
            'starting_failure_strategy': rules.starting_failure_strategy.name,
            'running_failure_strategy': rules.running_failure_strategy.name}
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main()
