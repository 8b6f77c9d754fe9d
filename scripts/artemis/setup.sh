#!/usr/bin/env bash
# Runs ActiveMQ Artemis (jars from Maven Central, see pom.xml) on loopback for the AMQP 1.0
# tests: 127.0.0.1:5682 AMQP, 127.0.0.1:5681 AMQP over TLS (certs made here, CA in
# $STATE_DIR/tls/ca.pem, server name localhost). Users: see Broker.java.
# Idempotent: returns at once when the broker is already up.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/env.sh"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$AMQP_PORT") 2>/dev/null; }
if up; then
  echo "Artemis is already up on 127.0.0.1:$AMQP_PORT"
  exit 0
fi

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=600 </dev/null
  apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends \
    openjdk-17-jdk-headless maven openssl </dev/null
fi

mkdir -p "$STATE_DIR/tls" "$STATE_DIR/data"
if [ ! -f "$STATE_DIR/lib/artemis-server-2.31.2.jar" ]; then
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$STATE_DIR/lib" </dev/null
fi

TLS="$STATE_DIR/tls"
if [ ! -f "$TLS/server.p12" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SINETStream test CA" \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$TLS/san.ext"
  openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -CAcreateserial -days 3650 -extfile "$TLS/san.ext" -out "$TLS/server.pem" 2>/dev/null
  openssl pkcs12 -export -in "$TLS/server.pem" -inkey "$TLS/server.key" \
    -passout pass:sinetstream -out "$TLS/server.p12"
  chmod 600 "$TLS"/*.key "$TLS/server.p12"
fi

# Small heap and one GC thread: the machine is shared with other brokers.
setsid nohup java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$STATE_DIR/lib/*" "$HERE/Broker.java" "$STATE_DIR/data" "$AMQP_PORT" "$AMQPS_PORT" \
  "$TLS/server.p12" sinetstream >"$STATE_DIR/artemis.log" 2>&1 </dev/null &
echo $! >"$PID_FILE"
for _ in $(seq 1 90); do
  if up; then
    echo "Artemis is up: amqp://127.0.0.1:$AMQP_PORT, amqps://localhost:$AMQPS_PORT (CA $TLS/ca.pem)"
    exit 0
  fi
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break
  sleep 1
done
echo "Artemis did not start; see $STATE_DIR/artemis.log" >&2
tail -n 30 "$STATE_DIR/artemis.log" >&2 || true
exit 1
