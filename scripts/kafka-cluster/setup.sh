#!/usr/bin/env bash
# Starts the three-node Kafka cluster for the failover tests (test/integration/kafka/
# failover.test.ts): scripts/kafka/setup.sh --cluster 3, beside (not instead of) the single
# node on 9092. PLAINTEXT 127.0.0.1:19092,19192,19292; replication factor 3,
# min.insync.replicas 2; node n's pid in .brokers/kafka/cluster/node<n>/kafka.pid.
# Idempotent: only nodes that are not running are started, so after one node was killed this
# call restarts just that node and returns once all three answer again.
# SINETSTREAM_KAFKA_HEAP sets each node's JVM heap (default 512m).
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/kafka/setup.sh" --cluster 3
