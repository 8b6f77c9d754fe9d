#!/usr/bin/env bash
# rabbitmqctl for the node setup.sh started, e.g. `ctl.sh close_all_connections --vhost reconnect bye`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$RABBIT_BIN/rabbitmqctl" -q "$@" </dev/null
