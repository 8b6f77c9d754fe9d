#!/usr/bin/env bash
# Creates the Python venv holding upstream's command line, sinetstream-cli 1.10
# (`sinetstream_cli`), which the CLI comparison tests (test/integration/cli/upstream-*.test.ts)
# run beside ours. It is a venv of its own because sinetstream-cli 1.10 needs Python >= 3.12,
# newer than the interop venv's. Idempotent and non-interactive, like scripts/python/setup.sh.
# Usage: scripts/python-cli/setup.sh [venv-dir]   (default: <repo>/.venv/sinetstream-cli,
# or $SINETSTREAM_CLI_VENV). $PYTHON_CLI names the interpreter; otherwise the newest
# python3.13/python3.12 found on PATH or under pyenv is used.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-${SINETSTREAM_CLI_VENV:-$repo/.venv/sinetstream-cli}}"
# The real path: a worktree's .venv may be a link, and a venv's scripts keep the path made with.
venv="$(realpath -m "$venv")"

# The same plugin pins as the interop venv (see scripts/python/setup.sh for why).
packages=(
  sinetstream-cli==1.10.0 sinetstream==1.10.0
  sinetstream-mqtt==1.10.0 paho-mqtt==1.6.1
  sinetstream-kafka==1.10.0 kafka-python-ng==2.2.3
)

is_new_enough() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null
}

find_python() {
  local candidate
  if [ -n "${PYTHON_CLI:-}" ]; then
    echo "$PYTHON_CLI"
    return
  fi
  # pyenv's shims refuse a version that is not selected: take its interpreters directly.
  local pyenv_root
  pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for candidate in python3.13 python3.12 \
    $(ls -d "$pyenv_root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if is_new_enough "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  echo "python-cli: sinetstream-cli 1.10 needs Python >= 3.12; none found (set PYTHON_CLI)" >&2
  exit 1
}

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  python="$(find_python)"
  rm -rf "$venv"
  "$python" -m venv "$venv" </dev/null
fi

# A marker records what was installed so a second run does not hit the network.
marker="$venv/.sinetstream-cli-installed"
wanted="${packages[*]}"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$wanted" ]; then
  echo "sinetstream-cli venv ready: $venv"
  exit 0
fi

"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
  "${packages[@]}" </dev/null
# Without a command it prints its usage and exits 1: check that it got that far.
{ "$venv/bin/python" -m sinetstream_cli 2>&1 || true; } | grep -q "write|read|ping"
echo "$wanted" > "$marker"
echo "sinetstream-cli venv ready: $venv"
