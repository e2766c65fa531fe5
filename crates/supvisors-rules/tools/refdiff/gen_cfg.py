"""Writes random supervisord.conf files to $REFDIFF_DIR/cfg/NNN.conf (argument: seed)."""
import os, random, shutil, sys

random.seed(int(sys.argv[1]))
out = os.path.join(os.environ['REFDIFF_DIR'], 'cfg')
os.makedirs(out, exist_ok=True)
shutil.rmtree(out)
os.makedirs(out)
VALUES = {
    'command': ['ls', 'echo %(program_name)s', 'x %(process_num)02d', '%(ENV_HOME)s/bin', 'a %(nope)s',
                'a %', 'b %(group_name)s-%(host_node_name)s', ''],
    'numprocs': ['1', '2', '3', '0', 'x', '-1'],
    'numprocs_start': ['0', '5', 'a'],
    'process_name': ['%(program_name)s', '%(program_name)s_%(process_num)d', 'p%(process_num)s', 'a b',
                     '%(process_num)x'],
    'priority': ['1', '999', '-5', 'p', ''],
    'autostart': ['true', 'no', 'maybe'],
    'autorestart': ['unexpected', 'TRUE', 'off', 'sometimes'],
    'startsecs': ['0', '10', '1.5'],
    'stopsignal': ['TERM', 'hup', 'KILL', '9', 'FOO', '40'],
    'exitcodes': ['0', '0,2', '256', ''],
    'stopasgroup': ['true', 'false'],
    'killasgroup': ['true', 'false'],
    'environment': ['A=1', 'A="x y",B=2', 'A=%(process_num)d', 'A=1 B', 'HOME=%(ENV_HOME)s', 'X=%(here)s'],
    'stdout_logfile': ['AUTO', 'NONE', '/tmp/%(program_name)s.log', '/nonexistent/x.log', 'syslog',
                       '%(ENV_A)s'],
    'stdout_logfile_maxbytes': ['0', '1MB', '1XB'],
    'redirect_stderr': ['true', 'false'],
    'stderr_logfile': ['/tmp/e.log', 'AUTO'],
    'user': ['root', '0', 'nosuchuser'],
    'umask': ['022', '9'],
    'directory': ['/tmp', '%(ENV_A)s'],
    'serverurl': ['AUTO', 'http://x:1'],
    'events': ['TICK_5', 'tick_60,PROCESS_STATE', 'NOPE', ''],
    'buffer_size': ['10', '0'],
    'socket': ['tcp://h:1', 'unix:///tmp/%(program_name)s.s', 'unix://rel', 'bad'],
    'programs': ['p1', 'p1,p2', 'p2,zz', ''],
    'stderr_logfile_maxbytes': ['0', '%(here)s'],
}
SECTIONS = ['program:p1', 'program:p2', 'program:p3', 'eventlistener:e1', 'fcgi-program:f1', 'group:g1',
            'group:g2']
for i in range(250):
    blocks = []
    for s in random.sample(SECTIONS, random.randint(1, 4)):
        lines = ['[%s]' % s]
        keys = random.sample(list(VALUES), random.randint(1, 6))
        if s.startswith(('program', 'event', 'fcgi')) and random.random() < 0.8 and 'command' not in keys:
            keys.append('command')
        for k in keys:
            if s.startswith('group') and k not in ('programs', 'priority'):
                continue
            lines.append('%s=%s' % (k, random.choice(VALUES[k])))
        blocks.append(lines)
    main = ['[supervisord]']
    if random.random() < 0.3:
        main.append('environment=A=%s' % random.choice(['1', '/tmp', '"a b"', '%(here)s']))
    if random.random() < 0.2:
        main[:0] = ['[DEFAULT]', random.choice(['autostart=false', 'stdout_logfile=%(here)s/d.log', 'priority=3'])]
    # Half of the files move some sections into included files (sections may be split too).
    if random.random() < 0.5:
        inc = os.path.join(out, '%03d.d' % i)
        os.makedirs(inc)
        main += ['[include]', 'files=%s' % random.choice(['%03d.d/*.ini' % i, '%(here)s/' + '%03d.d/*.ini nomatch/*' % i])]
        for n, lines in enumerate(blocks):
            if random.random() < 0.6:
                with open(os.path.join(inc, '%d.ini' % random.randint(0, 2)), 'a') as f:
                    f.write('\n'.join(lines) + '\n')
            else:
                main += lines
    else:
        for lines in blocks:
            main += lines
    with open(os.path.join(out, '%03d.conf' % i), 'w') as f:
        f.write('\n'.join(main) + '\n')
