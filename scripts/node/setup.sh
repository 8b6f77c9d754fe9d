#!/usr/bin/env bash
# Installs a Node.js build from the npm registry (the node-linux-<arch> package carries the
# binary) into a per-user cache, and prints its bin directory, for use as:
#   export PATH="$(bash scripts/node/setup.sh 24):$PATH"
# The argument is a supported LTS major (22, 24, 26) or an exact version such as 24.22.3.
set -euo pipefail

# The tested release of each supported line; CI and developers run the same builds.
declare -A tested=([22]=22.23.5 [24]=24.22.3 [26]=26.12.1)

want="${1:?usage: setup.sh 22|24|26|<exact version>}"
version="${tested[$want]:-$want}"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "setup.sh: '$want' is neither a supported major (${!tested[*]}) nor an exact version" >&2
  exit 2
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "setup.sh: no Node.js package for $(uname -m)" >&2; exit 2 ;;
esac

cache="${SINETSTREAM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sinetstream/node}/$version"
bin="$cache/node_modules/node-linux-$arch/bin"
if [[ ! -x "$bin/node" ]] || [[ "$("$bin/node" --version)" != "v$version" ]]; then
  rm -rf "$cache"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "node-linux-$arch@$version" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
