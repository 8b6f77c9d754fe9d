#!/usr/bin/env bash
# Creates the Python venv the interop tests run SINETStream 1.10 in.
# Idempotent and non-interactive (CI runs it as root without a terminal).
# Usage: scripts/python/setup.sh [venv-dir]   (default: <repo>/.venv/sinetstream,
# or $SINETSTREAM_PY_VENV)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-${SINETSTREAM_PY_VENV:-$repo/.venv/sinetstream}}"
python="${PYTHON:-python3}"

# The versions the TypeScript port is byte-compatible with; bump them together.
packages=(sinetstream==1.10.0 sinetstream-iostream==1.10.0 sinetstream-comp-lz4==1.10.0)

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi

# A marker records what was installed so a second run does not hit the network.
marker="$venv/.sinetstream-installed"
wanted="${packages[*]}"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$wanted" ]; then
  echo "sinetstream venv ready: $venv"
  exit 0
fi

"$venv/bin/python" -m pip install --quiet --no-input "${packages[@]}"
"$venv/bin/python" -c 'import sinetstream, sinetstreamplugin.compression.lz4' 
echo "$wanted" > "$marker"
echo "sinetstream venv ready: $venv"
