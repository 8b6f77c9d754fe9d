#!/usr/bin/env bash
# Fetches Apache Kafka (KRaft) from Maven Central and runs it on loopback for the Kafka
# integration tests and bench. Safe to run again: nodes already running are left alone.
#
#   scripts/kafka/setup.sh               one broker+controller (node 1)
#   scripts/kafka/setup.sh --cluster 3   three broker+controllers, replication factor 3
#
# Listeners, all on 127.0.0.1 (cluster node i = 0,1,2 adds 10000 + 100*i to each port):
#   9092 PLAINTEXT (anonymous, a super user)   9094 SSL (server cert signed by our CA)
#   9093 SASL_PLAINTEXT, mechanisms PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
#   9095 CONTROLLER (KRaft quorum only)
# Test-only users (PLAIN and both SCRAM mechanisms): admin/admin-secret (super user),
# alice/alice-secret, bob/bob-secret. ACLs (StandardAuthorizer): bob may do nothing on
# topic "sinetstream-acl-denied"; everyone else may do anything anywhere.
# Topics are auto-created (Kafka's default) with 1 partition.
# Generated under ${SINETSTREAM_BROKERS_DIR:-<repo>/.brokers}/kafka/: libs/ (jars), m2/ (Maven
# cache), certs/{ca.crt,client.crt,client.key,server.p12}, single/ and cluster/node<N>/
# (server.properties, data/, server.log, kafka.pid).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
base="${SINETSTREAM_BROKERS_DIR:-$repo/.brokers}/kafka"
libs="$base/libs"
certs="$base/certs"
store_pass=sinetstream-test
heap="${SINETSTREAM_KAFKA_HEAP:-512m}"
users=(admin alice bob)

log() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

nodes=0
case "${1:-}" in
  '') ;;
  --cluster)
    nodes="${2:-}"
    [[ "$nodes" =~ ^[2-9]$ ]] || die "usage: $0 [--cluster N] (N from 2 to 9)"
    ;;
  *) die "usage: $0 [--cluster N]" ;;
esac

fetch_jars() {
  [ -f "$libs/.complete" ] && return
  log "fetching Kafka jars from Maven Central"
  rm -rf "$libs"
  mvn -B -q -f "$here/pom.xml" -Dmaven.repo.local="$base/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" </dev/null
  touch "$libs/.complete"
}

make_certs() {
  [ -f "$certs/server.p12" ] && return
  log "generating a CA and server/client certificates"
  local tmp="$certs/tmp"
  mkdir -p "$tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SINETStream Kafka test CA" \
    -keyout "$certs/ca.key" -out "$certs/ca.crt" 2>/dev/null
  local name
  for name in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$([ $name = server ] && echo localhost || echo sinetstream-client)" \
      -keyout "$certs/$name.key" -out "$tmp/$name.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tmp/$name.ext"
    openssl x509 -req -in "$tmp/$name.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" \
      -CAcreateserial -days 3650 -extfile "$tmp/$name.ext" -out "$certs/$name.crt" 2>/dev/null
  done
  openssl pkcs12 -export -in "$certs/server.crt" -inkey "$certs/server.key" -name kafka \
    -passout "pass:$store_pass" -out "$certs/server.p12"
  rm -rf "$tmp"
  chmod 600 "$certs"/*.key
}

port() { echo $(($2 + ($1 > 0 ? 10000 + 100 * ($1 - 1) : 0))); } # port <node, 0 = single> <base>

node_dir() { if [ "$1" -eq 0 ]; then echo "$base/single"; else echo "$base/cluster/node$1"; fi; }

write_config() { # write_config <node> <voters> <replication factor>
  local node=$1 voters=$2 rf=$3 dir
  dir=$(node_dir "$node")
  local plain sasl ssl ctl jaas=''
  plain=$(port "$node" 9092) sasl=$(port "$node" 9093) ssl=$(port "$node" 9094) ctl=$(port "$node" 9095)
  local user
  for user in "${users[@]}"; do jaas+=" user_$user=\"$user-secret\""; done
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=$((node > 0 ? node : 1))
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$plain,SASL_PLAINTEXT://127.0.0.1:$sasl,SSL://127.0.0.1:$ssl,CONTROLLER://127.0.0.1:$ctl
advertised.listeners=PLAINTEXT://127.0.0.1:$plain,SASL_PLAINTEXT://127.0.0.1:$sasl,SSL://127.0.0.1:$ssl
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$jaas;
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$certs/server.p12
ssl.keystore.password=$store_pass
ssl.key.password=$store_pass
ssl.truststore.type=PEM
ssl.truststore.location=$certs/ca.crt
ssl.client.auth=requested
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:admin
allow.everyone.if.no.acl.found=true
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$((rf > 1 ? 2 : 1))
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$((rf > 1 ? 2 : 1))
group.initial.rebalance.delay.ms=0
EOF
  # Kafka logs through reload4j; without a config file it would print to stdout only.
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=1
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

tool() { # runs a Kafka command-line class quietly
  java -Xmx256m -Dlog4j.configuration="file:$here/tools-log4j.properties" -cp "$libs/*" "$@" </dev/null
}

format_storage() { # format_storage <node> <cluster id>
  local dir scram=() user mech
  dir=$(node_dir "$1")
  [ -f "$dir/data/meta.properties" ] && return
  for user in "${users[@]}"; do
    for mech in SCRAM-SHA-256 SCRAM-SHA-512; do
      scram+=(--add-scram "$mech=[name=$user,password=$user-secret]")
    done
  done
  tool kafka.tools.StorageTool format --ignore-formatted -t "$2" -c "$dir/server.properties" "${scram[@]}" >/dev/null
}

running() { # running <node>: the node's JVM from this directory is alive
  local pidfile
  pidfile="$(node_dir "$1")/kafka.pid"
  [ -f "$pidfile" ] && grep -q kafka.Kafka "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null
}

start_node() {
  local dir
  dir=$(node_dir "$1")
  running "$1" && return
  log "starting node ${1/#0/1} (PLAINTEXT 127.0.0.1:$(port "$1" 9092))"
  # setsid: the broker outlives this script and the shell that ran it.
  setsid java "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$libs/*" \
    kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
}

# Prints how many live brokers the node lists in a Metadata (v0) response: a port check would
# pass while the broker is still catching up with the quorum and fenced.
metadata_brokers() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    # size 19; api key 3 (Metadata), version 0, correlation id 1, client id "ready", all topics
    printf "\0\0\0\x13\0\x03\0\0\0\0\0\x01\0\x05ready\0\0\0\0" >&3
    bytes=($(head -c 12 <&3 | od -An -tu1))
    [ ${#bytes[@]} -eq 12 ] || exit 1
    echo $(( (bytes[8] << 24) + (bytes[9] << 16) + (bytes[10] << 8) + bytes[11] ))
  ' _ "$1" 2>/dev/null
}

wait_ready() { # wait_ready <node> <expected brokers>
  local plain count deadline=$((SECONDS + 120))
  plain=$(port "$1" 9092)
  until count=$(metadata_brokers "$plain") && [ "${count:-0}" -ge "$2" ]; do
    running "$1" || die "node ${1/#0/1} exited; see $(node_dir "$1")/server.log and stdout.log"
    [ $SECONDS -lt $deadline ] || die "node ${1/#0/1} not ready after 120 s; see $(node_dir "$1")/server.log"
    sleep 0.5
  done
}

# The ACLs live in the cluster metadata, so they are added once per formatted storage.
add_acls() { # add_acls <node>
  local marker
  marker="$(node_dir "$1")/data/.acls-added"
  [ -f "$marker" ] && return
  tool kafka.admin.AclCommand --bootstrap-server "127.0.0.1:$(port "$1" 9092)" --add \
    --allow-principal 'User:*' --deny-principal User:bob --operation All \
    --topic sinetstream-acl-denied >/dev/null
  touch "$marker"
}

cluster_id() { # a stable id per layout, in Kafka's 22-character base64url form
  local file="$1/cluster.id" id
  # Not starting with '-', which the storage tool would read as an option (Kafka's own
  # random ids avoid it too).
  if [ ! -f "$file" ] || [[ $(cat "$file") == -* ]]; then
    id=-
    while [[ $id == -* ]]; do id=$(openssl rand 16 | base64 | tr '+/' '-_' | tr -d '=\n'); done
    printf '%s' "$id" >"$file"
  fi
  cat "$file"
}

command -v java >/dev/null || die "java (17+) is required"
mkdir -p "$base"
fetch_jars
make_certs

if [ "$nodes" -eq 0 ]; then
  write_config 0 "1@127.0.0.1:9095" 1
  format_storage 0 "$(cluster_id "$(node_dir 0)")"
  start_node 0
  wait_ready 0 1
  add_acls 0
  log "ready: PLAINTEXT 127.0.0.1:9092, SASL_PLAINTEXT :9093, SSL :9094"
else
  voters=''
  for ((n = 1; n <= nodes; n++)); do voters+="${voters:+,}$n@127.0.0.1:$(port "$n" 9095)"; done
  mkdir -p "$base/cluster"
  id=$(cluster_id "$base/cluster")
  for ((n = 1; n <= nodes; n++)); do
    write_config "$n" "$voters" "$((nodes < 3 ? nodes : 3))"
    format_storage "$n" "$id"
    start_node "$n"
  done
  for ((n = 1; n <= nodes; n++)); do wait_ready "$n" "$nodes"; done
  add_acls 1
  brokers=''
  for ((n = 1; n <= nodes; n++)); do brokers+="${brokers:+,}127.0.0.1:$(port "$n" 9092)"; done
  log "ready: $nodes nodes, PLAINTEXT $brokers"
fi
