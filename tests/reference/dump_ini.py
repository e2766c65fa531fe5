"""Reads INI files with Python's own configparser, in the two dialects the project reproduces,
and prints what each makes of every file as JSON: {file: {"supervisor": R, "configparser": R}}.

- "supervisor": Supervisor 4.3.0's settings (RawConfigParser, inline comments ';' and '#',
  strict=False), as its UnhosedConfigParser reads supervisord.conf;
- "configparser": ConfigParser defaults (no interpolation), as supvisors_breed reads and
  writes files; R also holds the text ConfigParser.write produces.

R is {"sections": [[name, [[key, value]...]]...], "defaults": [[key, value]...]} or
{"error_lines": [line...]}: the line of a missing header or duplicate, else every bad line.
Usage: dump_ini.py FILE..."""
import configparser
import io
import json
import sys


def read(path, dialect):
    if dialect == 'supervisor':
        parser = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    else:
        parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding='utf-8') as f:
            parser.read_file(f, path)
    except (configparser.MissingSectionHeaderError, configparser.DuplicateSectionError,
            configparser.DuplicateOptionError) as exc:
        return {'error_lines': [exc.lineno]}
    except configparser.ParsingError as exc:
        return {'error_lines': sorted({line for line, _ in exc.errors})}
    out = {'sections': [[name, [[k, v] for k, v in section.items()]]
                        for name, section in parser._sections.items()],
           'defaults': [[k, v] for k, v in parser._defaults.items()]}
    if dialect == 'configparser':
        written = io.StringIO()
        parser.write(written)
        out['written'] = written.getvalue()
    return out


json.dump({f: {d: read(f, d) for d in ('supervisor', 'configparser')} for f in sys.argv[1:]},
          sys.stdout, indent=1, sort_keys=True)
