#!/usr/bin/env bash
# The OpenTelemetry Collector's OTLP receiver accepts our OTLP/HTTP metrics (protobuf, gzip,
# JSON); what its file exporter wrote is compared with expected_metrics.json.
#   otelcol_metrics_test.sh METRICS_PEER
set -euo pipefail
test_name=otelcol_metrics
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
peer="${1:?usage: $0 METRICS_PEER}"
PYTHON3="$(tool PYTHON3 python3)"
if [[ -z "${OTELCOL_BIN:-}" ]]; then
  GO="${GO:-go}"; [[ "$GO" == *-NOTFOUND ]] && GO=go
  export GO
  OTELCOL_BIN="$("$repo/scripts/build-otelcol.sh" | tail -n 1)" ||
    fail "cannot build the OpenTelemetry Collector (needs Go and the Go module proxy)"
fi
export OTELCOL_BIN
work="$(mktemp -d "${TMPDIR:-/tmp}/kt-otelcol-metrics.XXXXXX")"
status=1
cleanup() {
  "$repo/scripts/otelcol-run.sh" stop "$work" >/dev/null 2>&1 || true
  if [[ $status -eq 0 ]]; then rm -rf "$work"; else
    echo "$test_name: artifacts kept in $work" >&2; fi
}
trap cleanup EXIT
"$repo/scripts/otelcol-run.sh" start "$work" >/dev/null || fail "the Collector did not start"
endpoint="$(cat "$work/endpoint")/v1/metrics"
for flavour in protobuf gzip json; do
  "$peer" otlp "$endpoint" "$flavour" || fail "export ($flavour) to the Collector failed"
done
"$repo/scripts/otelcol-run.sh" stop "$work" >/dev/null  # flushes the file exporter
[[ -s "$work/metrics.jsonl" ]] || fail "the Collector wrote no metrics"
"$PYTHON3" "$here/check_metrics.py" otlp-json "$work/metrics.jsonl" "$expected" 3 ||
  fail "the Collector's view of our metrics differs"
status=0
