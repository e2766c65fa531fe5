#!/usr/bin/env bash
# Creates (or refreshes) the project's Python venv with the reference implementations used by
# the differential tests: Supervisor 4.3.0, Supvisors 0.15, pyzmq (event interface subscribers) and lxml (which makes Supvisors
# validate rules files against its XSD, the behaviour we reproduce). Idempotent: a stamp file
# records what was installed, and nothing is downloaded when it matches.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SUPVISORS_VENV:-$root/.venv}"
requirements="supervisor==4.3.0 supvisors==0.15 lxml pyzmq"
stamp="$venv/.supvisors-rs-requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$requirements" ]; then
  exit 0
fi
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "setup-python: python3 with venv and ensurepip is required; installing python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
python3 -m venv "$venv"
# shellcheck disable=SC2086
"$venv/bin/pip" install --quiet --disable-pip-version-check $requirements
printf '%s' "$requirements" > "$stamp"
echo "setup-python: venv ready at $venv"
