#!/usr/bin/env bash
# Stops the two versitygw gateways setup.sh started (only those, found by their pid files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/pid-file.sh"
stop_by_pid_file versitygw "$dir/versitygw.pid"
stop_by_pid_file versitygw-tls "$dir/versitygw-tls.pid"
