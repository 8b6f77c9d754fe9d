#!/usr/bin/env bash
# Stops the RabbitMQ started by setup.sh; its state stays for the next start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if "$RABBIT_BIN/rabbitmqctl" -q status >/dev/null 2>&1 </dev/null; then
  "$RABBIT_BIN/rabbitmqctl" -q stop </dev/null
fi
