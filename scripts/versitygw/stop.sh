#!/usr/bin/env bash
# Stops the versitygw started by setup.sh (only that one, found by its pid file).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/pid-file.sh"
stop_by_pid_file versitygw "$dir/versitygw.pid"
