# Sourced by setup.sh and stop.sh.
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${SINETSTREAM_BROKERS_DIR:-$REPO_DIR/.brokers}/artemis"
AMQP_PORT=5682
AMQPS_PORT=5681
PID_FILE="$STATE_DIR/artemis.pid"
