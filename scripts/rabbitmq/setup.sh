#!/usr/bin/env bash
# Installs RabbitMQ from Debian and runs it on loopback for the AMQP tests:
#   127.0.0.1:5672 AMQP 0.9.1 and 1.0, 127.0.0.1:5671 the same over TLS (certs made here).
# Users (as in the AMQP sample the tests follow):
#   guest/guest  vhost /        everything (loopback only, RabbitMQ's default)
#   alice/alice123 vhost domain1 configure, write, read everything
#   bob/bob123   vhost domain1  read only: may not declare or publish
# The vhost `reconnect` (guest) is where tests cut connections with ctl.sh.
# Idempotent: a second run finds the node up, re-applies users and returns.
# Usage: scripts/rabbitmq/setup.sh   (state under ${SINETSTREAM_BROKERS_DIR:-.brokers}/rabbitmq)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [ ! -x "$RABBIT_BIN/rabbitmq-server" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=600 </dev/null
  # policy-rc.d (present in containers) keeps the system service from starting; ours runs
  # from the state directory instead.
  apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends rabbitmq-server openssl </dev/null
fi

mkdir -p "$HOME" "$RABBITMQ_LOG_BASE" "$RABBITMQ_MNESIA_BASE" "$STATE_DIR/tls"
TLS="$STATE_DIR/tls"
if [ ! -f "$TLS/server.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SINETStream test CA" \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$TLS/san.ext"
  openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -CAcreateserial -days 3650 -extfile "$TLS/san.ext" -out "$TLS/server.pem" 2>/dev/null
fi
chmod 600 "$TLS"/*.key

cat >"$RABBITMQ_CONFIG_FILE" <<CONF
listeners.tcp.default = 127.0.0.1:5672
listeners.ssl.default = 127.0.0.1:5671
ssl_options.cacertfile = $TLS/ca.pem
ssl_options.certfile = $TLS/server.pem
ssl_options.keyfile = $TLS/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
vm_memory_high_watermark.absolute = 512MiB
disk_free_limit.absolute = 50MB
CONF
echo '[rabbitmq_amqp1_0].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"

ctl() { "$RABBIT_BIN/rabbitmqctl" -q "$@" </dev/null; }

if ! ctl status >/dev/null 2>&1; then
  setsid nohup "$RABBIT_BIN/rabbitmq-server" >"$RABBITMQ_LOG_BASE/server.out" 2>&1 </dev/null &
  server=$!
  for _ in $(seq 1 120); do
    if ctl await_startup --timeout 5 >/dev/null 2>&1; then break; fi
    kill -0 "$server" 2>/dev/null || break # it died: no point waiting
    sleep 1
  done
  ctl await_startup --timeout 10 || {
    echo "RabbitMQ did not start; see $RABBITMQ_LOG_BASE" >&2
    tail -n 40 "$RABBITMQ_LOG_BASE/server.out" >&2 || true
    exit 1
  }
fi

user() { # name password: creates or resets the user
  ctl add_user "$1" "$2" >/dev/null 2>&1 || ctl change_password "$1" "$2" >/dev/null
}
ctl add_vhost domain1 >/dev/null 2>&1 || true
ctl add_vhost reconnect >/dev/null 2>&1 || true
user alice alice123
user bob bob123
ctl set_permissions --vhost domain1 alice '.*' '.*' '.*'
ctl set_permissions --vhost domain1 bob '' '' '.*'
ctl set_permissions --vhost / guest '.*' '.*' '.*'
ctl set_permissions --vhost reconnect guest '.*' '.*' '.*'
echo "RabbitMQ is up: amqp://127.0.0.1:5672, amqps://localhost:5671 (CA $TLS/ca.pem)"
