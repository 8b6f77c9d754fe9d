#!/usr/bin/env bash
# Installs and starts, on loopback, every server the tests need: each scripts/<name>/setup.sh
# (brokers, and the reference Python SINETStream). Each one is idempotent. scripts/node is
# the Node.js runtime, not a server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for setup in "$here"/*/setup.sh; do
  name=$(basename "$(dirname "$setup")")
  [[ $name == node ]] && continue
  start=$(date +%s)
  echo "== $name: setting up"
  bash "$setup"
  echo "== $name: ready in $(( $(date +%s) - start )) s"
done
