#!/usr/bin/env bash
# Stops the Mosquitto started by setup.sh (only that one, found by its pid file).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="${SINETSTREAM_BROKERS_DIR:-$repo/.brokers}/mosquitto"
pid_file="$dir/mosquitto.pid"

if [ ! -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "mosquitto: not running"
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
echo "mosquitto: stopped (pid $pid)"
