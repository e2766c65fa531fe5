#!/usr/bin/env bash
# Installs the system tools the end-to-end tests need, idempotently: iproute2 (`ip netns`,
# veth, bridges) for the partition tests. Nothing is installed when the tools are present.
set -euo pipefail
missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system: installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
