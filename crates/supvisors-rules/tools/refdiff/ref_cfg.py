"""Loads every $REFDIFF_DIR/cfg/*.conf with the reference's ServerOptions.read_config (source
tree in $SUPERVISOR_SRC) and writes $REFDIFF_DIR/ref.json: the first error, or a dump."""
import glob, json, os, platform, sys

sys.path.insert(0, os.environ['SUPERVISOR_SRC'])
platform.node = lambda: 'node1'
from supervisor.options import ServerOptions  # noqa: E402
from supervisor.datatypes import Automatic  # noqa: E402

res = {}
for path in sorted(glob.glob(os.path.join(os.environ['REFDIFF_DIR'], 'cfg', '*.conf'))):
    o = ServerOptions()
    o.environ_expansions = {'ENV_HOME': '/tmp/refdiff-home', 'ENV_USER': 'alice'}
    o.configfile = path
    o.here = os.path.abspath(os.path.dirname(path))
    out = []
    try:
        s = o.read_config(path)
        for g in s.process_group_configs:
            out.append('G %s %s' % (g.name, g.priority))
            for p in g.process_configs:
                lf = 'AUTO' if p.stdout_logfile is Automatic else p.stdout_logfile
                out.append('  P %s %s %r %r %s %s %s %s %s' % (
                    p.name, p.priority, p.command, sorted(p.environment.items()), p.directory, lf,
                    p.stopsignal, p.uid, p.exitcodes))
        out.append('W %r' % (o.parse_warnings,))
    except Exception as e:
        out = ['ERR ' + str(e)]
    res[os.path.basename(path)] = out
with open(os.path.join(os.environ['REFDIFF_DIR'], 'ref.json'), 'w') as f:
    json.dump(res, f, indent=0)
