#!/usr/bin/env bash
# Stops the Kafka nodes scripts/kafka/setup.sh started, waiting for each to shut down cleanly
# so its storage is consistent on the next start.
#   scripts/kafka/stop.sh [--single | --cluster]   (default: both)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
base="${SINETSTREAM_BROKERS_DIR:-$repo/.brokers}/kafka"

alive() { grep -q kafka.Kafka "/proc/$1/cmdline" 2>/dev/null; }

case "${1:-}" in
  '') pidfiles=("$base"/single/kafka.pid "$base"/cluster/node*/kafka.pid) ;;
  --single) pidfiles=("$base"/single/kafka.pid) ;;
  --cluster) pidfiles=("$base"/cluster/node*/kafka.pid) ;;
  *) echo "usage: $0 [--single | --cluster]" >&2; exit 1 ;;
esac

pids=()
for pidfile in "${pidfiles[@]}"; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    kill -TERM "$pid"
    pids+=("$pid")
  fi
  rm -f "$pidfile"
done

# A KRaft node may wait for its quorum on shutdown; after 60 s it is killed.
deadline=$((SECONDS + 60))
for pid in "${pids[@]}"; do
  while alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "kafka: pid $pid did not stop in 60 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
done
echo "kafka: stopped ${#pids[@]} node(s)"
