# Shared by setup.sh and stop.sh: where the Versity S3 Gateway lives and how it is reached.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="${SINETSTREAM_BROKERS_DIR:-$repo/.brokers}/versitygw"
version=v1.8.0
bin="$dir/bin/versitygw"
s3_address=127.0.0.1:7070
admin_address=127.0.0.1:7071
# A second gateway on the same folders, over TLS (certificates in $dir/certs).
tls_address=127.0.0.1:7072
certs="$dir/certs"
# Test-only secrets. The root user owns the test bucket; the refused user exists but has no
# access to it.
root_access=sinetstream
root_secret=sinetstream-test-secret
refused_access=sinetstream-refused
refused_secret=sinetstream-refused-secret
bucket=sinetstream-test
