#!/usr/bin/env bash
# Creates the Python venv the interop tests run SINETStream 1.10 in: the codec-level suite
# (test/interop), the broker suite (test/interop/brokers, through Mosquitto and Kafka) and
# the S3 suite (test/interop/s3, through versitygw).
# Idempotent and non-interactive (CI runs it as root without a terminal, on a fresh machine).
# Usage: scripts/python/setup.sh [venv-dir]   (default: <repo>/.venv/sinetstream,
# or $SINETSTREAM_PY_VENV)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-${SINETSTREAM_PY_VENV:-$repo/.venv/sinetstream}}"
python="${PYTHON:-python3}"

# The versions the TypeScript port is byte-compatible with; bump them together.
# The broker plugins' client libraries are pinned to versions checked with them:
# sinetstream-mqtt 1.10.0 needs paho-mqtt < 2 (2.x changed the Client constructor), and
# sinetstream-kafka 1.10.0 runs on kafka-python-ng (the maintained kafka-python fork);
# sinetstream-s3 1.10.0 takes any boto3. sinetstream-type-image 1.10.0 requires opencv-python
# by name (opencv-python-headless does not satisfy it); its wheel needs libGL.so.1.
packages=(
  sinetstream==1.10.0 sinetstream-iostream==1.10.0 sinetstream-comp-lz4==1.10.0
  sinetstream-mqtt==1.10.0 paho-mqtt==1.6.1
  sinetstream-kafka==1.10.0 kafka-python-ng==2.2.3
  sinetstream-s3==1.10.0 boto3==1.44.5
  sinetstream-type-ndarray==1.10.0 sinetstream-type-image==1.10.0
  numpy==2.4.6 opencv-python==5.0.0.93
)

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

make_venv() {
  "$python" -m venv "$venv" </dev/null && return
  # Debian ships venv (ensurepip) separately; a failed attempt leaves a venv without pip.
  rm -rf "$venv"
  command -v apt-get >/dev/null || { echo "python: '$python -m venv' failed" >&2; exit 1; }
  version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "python$version-venv" </dev/null ||
    run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3-venv </dev/null
  "$python" -m venv "$venv" </dev/null
}

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  make_venv
fi

# A marker records what was installed so a second run does not hit the network.
marker="$venv/.sinetstream-installed"
wanted="${packages[*]}"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$wanted" ]; then
  echo "sinetstream venv ready: $venv"
  exit 0
fi

# opencv-python's wheel links libGL and GLib's libgthread, which slim machines lack.
libs="$(ldconfig -p 2>/dev/null || true)"
if command -v apt-get >/dev/null &&
  ! { grep -q 'libGL\.so\.1' <<<"$libs" && grep -q 'libgthread-2\.0\.so\.0' <<<"$libs"; }; then
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    libgl1 libglib2.0-0 </dev/null
fi

"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
  "${packages[@]}" </dev/null
# Importing the plugins checks that their client libraries fit (paho's 1.x API, kafka's).
"$venv/bin/python" - <<'EOF'
import sinetstream
import sinetstreamplugin.compression.lz4
import sinetstreamplugin.kafka
import sinetstreamplugin.mqtt
import sinetstreamplugin.s3
import sinetstreamplugin.valuetype.image  # imports cv2: fails without libGL.so.1
import sinetstreamplugin.valuetype.ndarray
import paho.mqtt.client as paho

paho.Client(client_id="setup-check")  # paho-mqtt 2.x would need a CallbackAPIVersion
EOF
echo "$wanted" > "$marker"
echo "sinetstream venv ready: $venv"
