#!/usr/bin/env bash
# Stops the three-node Kafka cluster scripts/kafka-cluster/setup.sh started; the single node on
# 9092 (scripts/kafka/stop.sh --single) is left running.
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/kafka/stop.sh" --cluster
