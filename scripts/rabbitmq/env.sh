# Sourced by setup.sh and stop.sh: where this RabbitMQ keeps its state, and how its
# command-line tools find the node. Everything lives under one directory so several
# checkouts (or a CI run) never touch the system-wide RabbitMQ.
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${SINETSTREAM_BROKERS_DIR:-$REPO_DIR/.brokers}/rabbitmq"
RABBIT_BIN=/usr/lib/rabbitmq/bin
export HOME="$STATE_DIR/home" # the Erlang cookie shared by the server and the CLI
export RABBITMQ_NODENAME=sinetstream@localhost
export RABBITMQ_CONFIG_FILE="$STATE_DIR/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$STATE_DIR/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$STATE_DIR/mnesia"
export RABBITMQ_LOG_BASE="$STATE_DIR/log"
export RABBITMQ_PID_FILE="$STATE_DIR/rabbitmq.pid"
export RABBITMQ_DIST_PORT=25682
# Two cores are shared with other brokers: no busy-waiting schedulers.
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+S 2:2 +sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}"
export ERL_EPMD_ADDRESS=127.0.0.1
