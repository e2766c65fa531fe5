"""Resolves application and process rules with the real Supvisors 0.15 parser (lxml, so
validating against rules.xsd), for many cases in one run.

Reads a JSON list of cases on stdin, each {"files": [rules file...], "identifiers": [...],
"starting_strategy": "CONFIG", "processes": [{"group", "process", "procnumber",
"autorestart"}...]}, and prints a JSON list with, for each case, {"engine": bool (the rules
files parsed), "applications": {group: rules}, "processes": {namespec: rules},
"autorestart_forced_off": [namespec...]}."""
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


def resolve(case):
    logger = Quiet()
    mapper = SupvisorsMapper.__new__(SupvisorsMapper)
    mapper._instances = OrderedDict((i, None) for i in case['identifiers'])
    mapper.logger = logger
    local = {make_namespec(p['group'], p['process']): p for p in case['processes']}
    forced = []
    supvisors = SimpleNamespace(
        logger=logger,
        supvisors_mapper=mapper,
        options=SimpleNamespace(rules_files=case['files'],
                                starting_strategy=StartingStrategies[case['starting_strategy']]),
        server_options=SimpleNamespace(procnumbers={p['process']: p['procnumber'] for p in case['processes']}),
        supervisor_data=SimpleNamespace(autorestart=lambda namespec: local[namespec]['autorestart'],
                                        disable_autorestart=forced.append))
    try:
        parser = Parser(supvisors)
    except Exception:  # the reference runs without a rules engine when the files do not parse
        parser = None
    out = {'engine': parser is not None, 'applications': {}, 'processes': {}, 'autorestart_forced_off': forced}
    apps = {}
    for p in case['processes']:
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
    return out


json.dump([resolve(case) for case in json.load(sys.stdin)], sys.stdout, indent=1, sort_keys=True)
