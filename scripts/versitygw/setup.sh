#!/usr/bin/env bash
# Builds the Versity S3 Gateway (versitygw) from the Go module proxy and runs it on loopback
# for the S3 integration and interop tests. Safe to run again: the binary is built once (about
# 3 to 7 minutes on two cores) and a gateway already running from this directory is left alone.
#
# Listeners (127.0.0.1): 7070 S3 (path-style, region us-east-1), 7071 its admin API, and 7072
# S3 over TLS: a second gateway on the same folders, its certificate signed by a CA
# generated here (certs/ca.crt; the server certificate names 127.0.0.1 and localhost).
# Generated under ${SINETSTREAM_BROKERS_DIR:-<repo>/.brokers}/versitygw/:
#   bin/versitygw, data/ (the posix backend: one folder per bucket), sidecar/ (object
#   metadata, so no xattr support is needed), iam/ (users), certs/, versitygw{,-tls}.pid and .log
# Users (test-only secrets): root "sinetstream" / "sinetstream-test-secret" owns the bucket
# "sinetstream-test"; "sinetstream-refused" / "sinetstream-refused-secret" is a plain user
# without access to it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

log() { echo "versitygw: $*"; }

install_versitygw() {
  [ -x "$bin" ] && [ "$(cat "$dir/bin/.version" 2>/dev/null)" = "$version" ] && return
  command -v go >/dev/null || { log "needs Go (go install) to build $version"; exit 1; }
  log "building $version with go install (takes a few minutes)"
  mkdir -p "$dir/bin"
  GOBIN="$dir/bin" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$version" </dev/null
  echo "$version" >"$dir/bin/.version"
}

running() {
  local pid_file="$dir/${1:-versitygw}.pid"
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

make_certs() {
  [ -f "$certs/server.key" ] && return
  command -v openssl >/dev/null || { log "needs openssl to make its test certificates"; exit 1; }
  log "generating a CA and a server certificate for $tls_address"
  local tmp="$certs/tmp"
  mkdir -p "$tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SINETStream S3 test CA" \
    -keyout "$certs/ca.key" -out "$certs/ca.crt" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tmp/server.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
  openssl x509 -req -in "$tmp/server.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" \
    -CAcreateserial -days 3650 -extfile "$tmp/server.ext" -out "$certs/server.crt" 2>/dev/null
  # Written last: its presence says the set is complete.
  mv "$tmp/server.key" "$certs/server.key"
  rm -rf "$tmp"
}

port_open() {
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

wait_ready() {
  for _ in $(seq 1 100); do
    port_open "$s3_address" && port_open "$admin_address" && port_open "$tls_address" && return 0
    running && running versitygw-tls || break
    sleep 0.1
  done
  log "did not come up; see $dir/versitygw.log"
  tail -n 20 "$dir/versitygw.log" >&2 || true
  return 1
}

admin() {
  "$bin" admin --access "$root_access" --secret "$root_secret" \
    --endpoint-url "http://$admin_address" "$@" </dev/null
}

start() {
  for address in "$s3_address" "$admin_address"; do
    if port_open "$address"; then
      log "$address is taken by another process; stop it first"
      exit 1
    fi
  done
  mkdir -p "$dir/data" "$dir/sidecar" "$dir/iam"
  rm -f "$dir/versitygw.pid"
  ROOT_ACCESS_KEY="$root_access" ROOT_SECRET_KEY="$root_secret" \
    nohup "$bin" --port "$s3_address" --admin-port "$admin_address" --iam-dir "$dir/iam" \
    posix --sidecar "$dir/sidecar" "$dir/data" </dev/null >"$dir/versitygw.log" 2>&1 &
  echo $! >"$dir/versitygw.pid"
}

start_tls() {
  if port_open "$tls_address"; then
    log "$tls_address is taken by another process; stop it first"
    exit 1
  fi
  rm -f "$dir/versitygw-tls.pid"
  ROOT_ACCESS_KEY="$root_access" ROOT_SECRET_KEY="$root_secret" \
    nohup "$bin" --port "$tls_address" --cert "$certs/server.crt" --key "$certs/server.key" \
    --iam-dir "$dir/iam" posix --sidecar "$dir/sidecar" "$dir/data" \
    </dev/null >"$dir/versitygw-tls.log" 2>&1 &
  echo $! >"$dir/versitygw-tls.pid"
}

add_users_and_bucket() {
  if ! admin list-users | grep -q "$refused_access"; then
    admin create-user --access "$refused_access" --secret "$refused_secret" --role user >/dev/null
  fi
  if ! admin list-buckets | grep -q "$bucket"; then
    admin create-bucket --owner "$root_access" --bucket "$bucket" >/dev/null
  fi
}

install_versitygw
mkdir -p "$dir"
if running; then
  log "already running (pid $(cat "$dir/versitygw.pid"))"
else
  start
fi
make_certs
if running versitygw-tls; then
  log "TLS gateway already running (pid $(cat "$dir/versitygw-tls.pid"))"
else
  start_tls
fi
wait_ready
add_users_and_bucket
log "ready on http://$s3_address (admin http://$admin_address, pid $(cat "$dir/versitygw.pid"))"
log "and on https://$tls_address (CA $certs/ca.crt, pid $(cat "$dir/versitygw-tls.pid"))"
log "bucket $bucket; users $root_access (root) and $refused_access (no access)"
