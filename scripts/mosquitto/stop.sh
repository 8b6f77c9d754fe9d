#!/usr/bin/env bash
# Stops the Mosquitto started by setup.sh (only that one, found by its pid file).
set -euo pipefail

here=$(dirname "${BASH_SOURCE[0]}")
repo=$(cd "$here/../.." && pwd)
dir="${SINETSTREAM_BROKERS_DIR:-$repo/.brokers}/mosquitto"
source "$here/../lib/pid-file.sh"
stop_by_pid_file mosquitto "$dir/mosquitto.pid"
