#!/usr/bin/env bash
# The official generated OTLP decoders on npm (@opentelemetry/otlp-transformer 0.52.1) decode
# our binary ExportMetricsServiceRequest; the result is compared with expected_metrics.json.
#   npm_decode_metrics_test.sh METRICS_PEER
set -euo pipefail
test_name=npm_decode_metrics
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
peer="${1:?usage: $0 METRICS_PEER}"
PYTHON3="$(tool PYTHON3 python3)"
NODE="$(tool NODE node)"
[[ -f "$here/../node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js" ]] ||
  fail "tests/interop/node_modules is missing: run 'npm ci' in tests/interop (scripts/setup.sh)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kt-npm-metrics.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$peer" protobuf "$work/request.bin" || fail "metrics_peer protobuf failed"
"$NODE" "$here/decode_metrics.js" "$work/request.bin" > "$work/decoded.json" ||
  fail "the npm decoder rejected our protobuf"
"$PYTHON3" "$here/check_metrics.py" otlp-json "$work/decoded.json" "$expected" 1 ||
  fail "decoded metrics differ"
