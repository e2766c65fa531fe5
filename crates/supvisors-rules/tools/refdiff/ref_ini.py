"""Prints, per file of $REFDIFF_DIR/ini, what Python's configparser makes of it (argument:
sup for Supervisor's RawConfigParser settings, cp for ConfigParser defaults)."""
import configparser, glob, io, os, sys

for path in sorted(glob.glob(os.path.join(os.environ['REFDIFF_DIR'], 'ini', '*.ini'))):
    if sys.argv[1] == 'sup':
        p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    else:
        p = configparser.ConfigParser(interpolation=None)
    try:
        with open(path) as f:
            p.read_file(f, path)
        out = repr(({s: list(p._sections[s].items()) for s in p._sections}, list(p._defaults.items())))
        if sys.argv[1] == 'cp':
            written = io.StringIO()
            p.write(written)
            out += ' ' + repr(written.getvalue())
    except configparser.MissingSectionHeaderError as e:
        out = 'ERR [%d]' % e.lineno
    except configparser.ParsingError as e:
        out = 'ERR ' + repr(sorted(set(line for line, _ in e.errors)))
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as e:
        out = 'ERR [%d]' % e.lineno
    print(os.path.basename(path), out)
