#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (vitest browser mode drives it through
# playwright-core; playwright's own browser downloads are not used). Safe to run again: an
# installed Chromium is left alone. Prints the binary's path.
set -euo pipefail

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null; then
  echo "chromium: installing from Debian"
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium fonts-dejavu-core </dev/null
fi
echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
