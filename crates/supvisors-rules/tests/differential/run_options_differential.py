#!/usr/bin/env python3
"""Differential test of [rpcinterface:supvisors] option parsing against Supvisors 0.15.

Usage: python3 run_options_differential.py <supvisors-0.15 checkout> [count] [seed]
Random option values (valid and invalid), random supvisors_list items and host tables; both
implementations must agree on fatality and on every typed value.
"""

import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(os.path.dirname(HERE))

INTS = ['0', '1', '2', '5', '10', '14', '15', '600', '720', '721', '1200', '1201', '1500', '1501',
        '65535', '65536', '-1', ' 20 ', '1_000', 'x', '', '4.5', '+7', '9' * 25]
SIZES = ['1024', '1KB', '1kb', '2MB', '1GB', '512', '10TB', 'MB', '-1', ' 3kb', '0']
BOOLS = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', 'TRUE', 'On', 'y', ' true', '']
OPTIONS = {
    'internal_port': INTS, 'event_port': INTS, 'synchro_timeout': INTS, 'inactivity_ticks': INTS,
    'stats_histo': INTS, 'logfile_backups': INTS,
    'auto_fence': BOOLS, 'stats_enabled': BOOLS, 'stats_irix_mode': BOOLS,
    'tail_limit': SIZES, 'tailf_limit': SIZES, 'logfile_maxbytes': SIZES,
    'event_link': ['NONE', 'ZMQ', 'zmq', 'none', 'PUB', ''],
    'starting_strategy': ['CONFIG', 'config', 'LESS_LOADED', 'MOST_LOADED_NODE', 'LOCAL', 'X'],
    'conciliation_strategy': ['USER', 'SENICIDE', 'RUNNING_FAILURE', 'user', 'STOP'],
    'stats_periods': ['10', '720, 120,1800', '6, 3599', '1,2,3,4', '', '5,5', '3600', '3605', '15,x'],
    'loglevel': ['info', 'BLATHER', 'trace', 'warn', 'warning', 'critical', 'error', 'debug', 'x'],
    'logfile': ['AUTO', 'auto', 'NONE', 'off', 'syslog', '/tmp/s.log', '/no/dir/s.log', 's.log'],
    'core_identifiers': ['', 'a', 'rocky51, b', 'x,,rocky52:7777', 'rocky51,10.0.0.1:7000'],
}
HOSTS = {
    'rocky51': ['rocky51', ['r51'], ['192.168.1.70']],
    'rocky52': ['rocky52', [], ['192.168.1.72']],
    'r51': ['rocky51', ['r51'], ['192.168.1.70']],
    '10.0.0.1': ['10.0.0.1', [], ['10.0.0.1']],
    '192.168.1.70': ['rocky51', ['r51'], ['192.168.1.70']],
}
ITEM_HOSTS = list(HOSTS) + ['unknown', 'a.b-c_d']
PORTS = ['', '7000', '7777', '12000', '123', '123456', '0000', '65536']


def item(rng):
    good = rng.random() < 0.9
    text = rng.choice(['', '', '<a>', '<b_1>', '<rocky51>'] + ([] if good else ['<my id>', '<>']))
    text += rng.choice(list(HOSTS) if good else ITEM_HOSTS)
    ports = ['', '7000', '7777', '12000', '0000', '65536'] if good else PORTS
    shape = rng.random()
    if shape < 0.5:
        text += ':' + rng.choice(ports) + ':' + rng.choice(ports)
    elif not good and shape < 0.6:
        text += ':' + rng.choice(ports)
    return text


def main():
    checkout = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    build = subprocess.run(['cargo', 'build', '-q', '-p', 'supvisors-rules', '--example', 'parse_options'],
                           cwd=CRATE, capture_output=True, text=True)
    if build.returncode:
        sys.exit(build.stderr)
    target = os.environ.get('CARGO_TARGET_DIR', os.path.join(CRATE, '..', '..', 'target'))
    binary = os.path.join(target, 'debug', 'examples', 'parse_options')
    env = dict(os.environ, PYTHONPATH=checkout)
    differences = fatal = 0
    for i in range(count):
        entries = [[k, rng.choice(v)] for k, v in OPTIONS.items()
                   if rng.random() < (0.08 if k in ('logfile', 'loglevel', 'logfile_maxbytes', 'logfile_backups') else 0.3)]
        if rng.random() < 0.9:
            entries.append(['supvisors_list', ', '.join(item(rng) for _ in range(rng.randint(1, 4)))])
        spec = json.dumps({'entries': entries, 'host_node_name': rng.choice(['rocky51', 'rocky52', 'nowhere']),
                           'identifier': rng.choice(['supervisor', 'supervisor', 'a', 'rocky51']),
                           'http_port': rng.choice([60000] * 8 + [7777, None]), 'hosts': HOSTS})
        ref = subprocess.run([sys.executable, os.path.join(HERE, 'reference_options.py')], input=spec,
                             capture_output=True, text=True, env=env)
        ours = subprocess.run([binary], input=spec, capture_output=True, text=True)
        a, b = json.loads(ref.stdout), json.loads(ours.stdout)
        fatal += a['fatal']
        if a != b:
            differences += 1
            print(f'case {i}: spec={spec}')
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    print(f'  {key}: ref={a.get(key)!r} ours={b.get(key)!r}')
    print(f'{count} cases ({fatal} fatal), {differences} differences')


if __name__ == '__main__':
    main()
