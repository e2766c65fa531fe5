#!/usr/bin/env python3
"""Differential test of rules resolution against the reference Supvisors 0.15.

Usage: python3 run_differential.py <supvisors-0.15 checkout> [count] [seed]
Mutates the reference fixtures (values, identifiers, names), resolves random local processes
with both implementations (reference_resolve.py and `--example resolve_rules`), and prints
every difference. Needs `pip install supervisor==4.3.0 lxml`.
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(CRATE, 'tests', 'fixtures', 'reference')

VALUES = {
    'start_sequence': ['1', '-1', '+1', '0', '127', '-128', '007', ' 5 ', '3'],
    'stop_sequence': ['1', '-1', '0', '2', ' 4 '],
    'required': ['true', 'false', '1', '0', ' true '],
    'wait_exit': ['true', 'false', '1', '0'],
    'expected_loading': ['0', '100', '5', ' 7 ', '+3'],
    'identifiers': ['', ' ', '#', '*', '#,*', '#,a,b', 'a, b, a', 'b,zz', 'alias1', 'alias1,alias2',
                    '#,alias2', 'c,#', 'd,b', '#,zz'],
    'reference': ['', 'disk_01', 'disk_02', 'converter', 'dummy_model_01', 'dummy_model_05', 'unknown'],
    'starting_failure_strategy': ['ABORT', 'STOP', 'CONTINUE'],
    'running_failure_strategy': ['CONTINUE', 'RESTART_PROCESS', 'STOP_APPLICATION', 'RESTART_APPLICATION',
                                 'SHUTDOWN', 'RESTART'],
    'distribution': ['ALL_INSTANCES', 'SINGLE_INSTANCE', 'SINGLE_NODE'],
    'starting_strategy': ['CONFIG', 'LESS_LOADED', 'MOST_LOADED', 'LOCAL', 'LESS_LOADED_NODE', 'MOST_LOADED_NODE'],
}
INVALID = ['', 'x', '200', 'yes', 'config']
NAMES = ['a', 'b', 'c', 'd']


def mutate(rng, doc):
    matches = list(re.finditer(r'<(\w+)>([^<]*)</\1>', doc))
    for _ in range(rng.randint(0, 4)):
        m = rng.choice(matches)
        choices = VALUES.get(m.group(1), ['x']) if rng.random() < 0.95 else INVALID
        doc = doc[:m.start(2)] + rng.choice(choices) + doc[m.end(2):]
        matches = list(re.finditer(r'<(\w+)>([^<]*)</\1>', doc))
    aliases = ('<alias name="alias1">a,alias2</alias><alias name="alias2">c,#</alias>'
               if rng.random() < 0.5 else '<alias name="alias2">c</alias><alias name="alias1">alias2,d</alias>')
    return doc.replace('<root>', '<root>' + aliases, 1)


def names_in(doc):
    found = re.findall(r'(?:name|pattern)="([^"]+)"', doc)
    out = set()
    for n in found:
        plain = re.sub(r'[\^\$\\d\+\*\.\(\)\[\]]', '', n)
        out.update({n, plain, plain + '_01', 'x_' + plain, plain + '_0'})
    return sorted(out)


def main():
    checkout = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    bases = [open(os.path.join(FIXTURES, f)).read() for f in ('my_movies.xml', 'xml_test.xml')]
    env = dict(os.environ, PYTHONPATH=checkout)
    example = subprocess.run(['cargo', 'build', '-q', '-p', 'supvisors-rules', '--example', 'resolve_rules',
                              '--message-format=short'], cwd=CRATE, capture_output=True, text=True)
    if example.returncode:
        sys.exit(example.stderr)
    target = os.environ.get('CARGO_TARGET_DIR', os.path.join(CRATE, '..', '..', 'target'))
    binary = os.path.join(target, 'debug', 'examples', 'resolve_rules')
    differences = 0
    engines = 0
    managed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            files = []
            for j in range(rng.randint(1, 2)):
                path = os.path.join(tmp, f'r{i}_{j}.xml')
                doc = mutate(rng, rng.choice(bases))
                open(path, 'w').write(doc)
                files.append(path)
            names = sorted(set(sum((names_in(open(f).read()) for f in files), [])))
            groups = sorted(set(sum((re.findall(r'<application (?:name|pattern)="([^"]+)"', open(f).read())
                                     for f in files), [])))
            groups = [g.replace('^', '') + rng.choice(['', '_1', '_2', '-3', '_0']) for g in groups] + ['other']
            processes = []
            for _ in range(rng.randint(1, 12)):
                processes.append({'group': rng.choice(groups), 'process': rng.choice(names),
                                  'procnumber': rng.randint(0, 6), 'autorestart': rng.random() < 0.7})
            spec = json.dumps({'files': files, 'identifiers': rng.sample(NAMES, rng.randint(1, 4)),
                               'starting_strategy': rng.choice(['CONFIG', 'LESS_LOADED']),
                               'processes': processes})
            ref = subprocess.run([sys.executable, os.path.join(HERE, 'reference_resolve.py')], input=spec,
                                 capture_output=True, text=True, env=env)
            ours = subprocess.run([binary], input=spec, capture_output=True, text=True)
            if ref.returncode:
                print(f'case {i}: reference failed: {ref.stderr.strip().splitlines()[-1]}')
                continue
            a, b = json.loads(ref.stdout), json.loads(ours.stdout)
            engines += a['engine']
            managed += sum(app['managed'] for app in a['applications'].values())
            if a != b:
                differences += 1
                print(f'case {i}: difference\n spec={spec}')
                for key in ('engine', 'autorestart_forced_off'):
                    if a[key] != b[key]:
                        print(f'  {key}: ref={a[key]} ours={b[key]}')
                for kind in ('applications', 'processes'):
                    for name in a[kind]:
                        if a[kind][name] != b[kind].get(name):
                            print(f'  {kind} {name}: ref={a[kind][name]}\n  {" " * len(kind)} ours={b[kind].get(name)}')
    print(f'{count} cases ({engines} with a rules engine, {managed} managed applications), '
          f'{differences} differences')


if __name__ == '__main__':
    main()
