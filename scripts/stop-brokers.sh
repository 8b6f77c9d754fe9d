#!/usr/bin/env bash
# Stops every test server: first through each scripts/<name>/stop.sh, then any left running
# by another checkout of this repository (a CI clone must not find the ports taken by a
# broker whose certificates and pid files live elsewhere).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for stop in "$here"/*/stop.sh; do
  bash "$stop" || true
done

stray() { pgrep -f "$1" >/dev/null 2>&1; }
stop_stray() {
  local pattern=$1
  stray "$pattern" || return 0
  echo "stopping a leftover server: $pattern"
  pkill -TERM -f "$pattern"
  for _ in $(seq 1 60); do stray "$pattern" || return 0; sleep 0.5; done
  pkill -KILL -f "$pattern"
}
stop_stray '^mosquitto -c .*/mosquitto/mosquitto.conf'
stop_stray 'java .* kafka\.Kafka '
stop_stray 'java .*scripts/artemis/Broker.java'
stop_stray 'beam.smp .*rabbit'
stop_stray 'versitygw .*--iam-dir .*posix'
exit 0
