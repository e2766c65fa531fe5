"""Says, for each rules file given, whether Supvisors 0.15 accepts it: the reference's own
procedure (lxml parse, then validation against the rules.xsd shipped in the package).
Prints one JSON object {file: "valid" | "invalid: <reason>"}."""
import json
import sys
from os import path

import supvisors.sparser
from lxml.etree import XMLSchema, parse

schema = XMLSchema(parse(path.join(path.dirname(supvisors.sparser.__file__), 'rules.xsd')))
verdicts = {}
for filename in sys.argv[1:]:
    try:
        tree = parse(filename)
        if schema.validate(tree):
            verdicts[filename] = 'valid'
        else:
            verdicts[filename] = 'invalid: ' + str(schema.error_log.last_error)
    except Exception as exc:  # not well-formed, unreadable, entity limits...
        verdicts[filename] = 'invalid: ' + str(exc)
json.dump(verdicts, sys.stdout, indent=1, sort_keys=True)
