#!/bin/sh
# Differential test of supvisors-rules against Python's configparser and Supervisor 4.3.0.
# Needs python3 (3.11) and the reference source tree:
#   git -C <supervisor repo> archive 4.3.0 supervisor | tar -x -C /tmp/supref
#   SUPERVISOR_SRC=/tmp/supref crates/supvisors-rules/tools/refdiff/run.sh [seeds...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
: "${SUPERVISOR_SRC:?set SUPERVISOR_SRC to an extracted Supervisor 4.3.0 source tree}"
export REFDIFF_DIR="${REFDIFF_DIR:-$(mktemp -d)}"
status=0
for seed in ${*:-1 2 3}; do
  python3 "$here/gen_ini.py" "$seed"
  for dialect in sup cp; do
    python3 "$here/ref_ini.py" "$dialect" > "$REFDIFF_DIR/ref_ini.txt"
    (cd "$root" && REFDIFF_DIALECT=$dialect cargo test -q -p supvisors-rules --test refdiff -- --ignored ini_dump >"$REFDIFF_DIR/cargo.log" 2>&1) || { cat "$REFDIFF_DIR/cargo.log"; exit 2; }
    if diff "$REFDIFF_DIR/ref_ini.txt" "$REFDIFF_DIR/mine_ini.txt"; then echo "ini seed $seed $dialect: same"; else status=1; fi
  done
  python3 "$here/gen_cfg.py" "$seed"
  python3 "$here/ref_cfg.py"
  (cd "$root" && cargo test -q -p supvisors-rules --test refdiff -- --ignored cfg_dump >"$REFDIFF_DIR/cargo.log" 2>&1) || { cat "$REFDIFF_DIR/cargo.log"; exit 2; }
  python3 "$here/cmp_cfg.py" || status=1
done
exit $status
