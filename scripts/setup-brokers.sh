#!/usr/bin/env bash
# Installs and starts, on loopback, every server the tests need: each scripts/<name>/setup.sh
# (brokers, and the reference Python SINETStream). Each one is idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for setup in "$here"/*/setup.sh; do
  name=$(basename "$(dirname "$setup")")
  start=$(date +%s)
  echo "== $name: setting up"
  bash "$setup"
  echo "== $name: ready in $(( $(date +%s) - start )) s"
done
