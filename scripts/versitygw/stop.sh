#!/usr/bin/env bash
# Stops the versitygw started by setup.sh (only that one, found by its pid file).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

pid_file="$dir/versitygw.pid"
if [ ! -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "versitygw: not running"
  rm -f "$pid_file"
  exit 0
fi
pid=$(cat "$pid_file")
kill "$pid"
for _ in $(seq 1 50); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
rm -f "$pid_file"
echo "versitygw: stopped (pid $pid)"
