#!/usr/bin/env bash
# Builds the Versity S3 Gateway (versitygw) from the Go module proxy and runs it on loopback
# for the S3 integration and interop tests. Safe to run again: the binary is built once (about
# 3 to 7 minutes on two cores) and a gateway already running from this directory is left alone.
#
# Listeners (127.0.0.1): 7070 S3 (path-style, region us-east-1), 7071 its admin API.
# Generated under ${SINETSTREAM_BROKERS_DIR:-<repo>/.brokers}/versitygw/:
#   bin/versitygw, data/ (the posix backend: one folder per bucket), sidecar/ (object
#   metadata, so no xattr support is needed), iam/ (users), versitygw.pid, versitygw.log
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
  [ -f "$dir/versitygw.pid" ] && kill -0 "$(cat "$dir/versitygw.pid")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

wait_ready() {
  for _ in $(seq 1 100); do
    port_open "$s3_address" && port_open "$admin_address" && return 0
    running || break
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
wait_ready
add_users_and_bucket
log "ready on http://$s3_address (admin http://$admin_address, pid $(cat "$dir/versitygw.pid"))"
log "bucket $bucket; users $root_access (root) and $refused_access (no access)"
