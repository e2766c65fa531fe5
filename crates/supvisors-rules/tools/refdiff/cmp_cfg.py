"""Compares $REFDIFF_DIR/ref.json with mine.json; exits 1 on any disagreement."""
import json, os, sys

d = os.environ['REFDIFF_DIR']
ref = json.load(open(os.path.join(d, 'ref.json')))
mine = json.load(open(os.path.join(d, 'mine.json')))
same = first = bad = 0
for k in sorted(ref):
    r, m = ref[k], mine[k]
    if r == m:
        same += 1
    elif r[0].startswith('ERR') and m and r[0] == m[0]:
        first += 1
    else:
        bad += 1
        print(k, '\n  reference:', r[:3], '\n  ours:     ', m[:3])
print('identical', same, 'same first error', first, 'different', bad)
sys.exit(1 if bad else 0)
