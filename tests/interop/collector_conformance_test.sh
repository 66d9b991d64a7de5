#!/usr/bin/env bash
# Conformance of our OTLP/HTTP trace export against the OpenTelemetry Collector (a peer we did not
# write): starts the pinned Collector (scripts/build-otelcol.sh, scripts/otelcol-run.sh), sends
# otlp_trace_emitter's spans four ways — protobuf, protobuf+gzip, protobuf+gzip in one batched
# request, and OTLP/JSON — and compares what the Collector's file exporter wrote with the
# emitter's manifests field by field (check_collector_output.py).
#
#   collector_conformance_test.sh EMITTER [WORK_DIR]
#
# Environment: PYTHON3, GO (tools found by CMake; PATH is used when unset or NOTFOUND),
# OTELCOL_BIN (use this Collector instead of building it). Exit 0 on success; on failure the
# work directory (manifests, traces.jsonl, otelcol.log) is kept and its path printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
emitter="${1:?usage: $0 EMITTER [WORK_DIR]}"
start_time=$(date +%s.%N)

fail() { echo "collector_conformance: FAIL: $*" >&2; exit 1; }
elapsed() { awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2fs", e - s }'; }
tool() {  # tool VAR default: the CMake-found path, else PATH; fails when neither exists
  local value="${!1:-}"
  [[ -z "$value" || "$value" == *-NOTFOUND ]] && value="$2"
  command -v "$value" >/dev/null 2>&1 ||
    fail "$2 is required but not installed (scripts/setup.sh installs it)"
  echo "$value"
}

PYTHON3="$(tool PYTHON3 python3)"
if [[ -z "${OTELCOL_BIN:-}" ]]; then
  GO="${GO:-go}"; [[ "$GO" == *-NOTFOUND ]] && GO=go
  export GO
  OTELCOL_BIN="$("$repo/scripts/build-otelcol.sh" | tail -n 1)" ||
    fail "cannot build the OpenTelemetry Collector (needs Go and the Go module proxy)"
fi
export OTELCOL_BIN
[[ -x "$emitter" ]] || fail "emitter not found: $emitter"

work="${2:-$(mktemp -d "${TMPDIR:-/tmp}/kt-collector-conformance.XXXXXX")}"
keep_work="${2:+yes}"   # a WORK_DIR given by the caller is never deleted
mkdir -p "$work"
state="$work/collector"
status=1
cleanup() {
  "$repo/scripts/otelcol-run.sh" stop "$state" >/dev/null 2>&1 || true
  if [[ $status -eq 0 && -z "$keep_work" ]]; then rm -rf "$work"; else
    echo "collector_conformance: artifacts kept in $work" >&2; fi
}
trap cleanup EXIT

"$repo/scripts/otelcol-run.sh" start "$state" >/dev/null || fail "the Collector did not start"
endpoint="$(cat "$state/endpoint")/v1/traces"
echo "collector_conformance: Collector up at $endpoint after $(elapsed)"

lines() { [[ -f "$state/traces.jsonl" ]] && grep -c . "$state/traces.jsonl" || echo 0; }
expected=0
manifests=()
for run in "plain:" "gzip:--gzip" "gzip-batch:--gzip --batch" "json:--json"; do
  name="${run%%:*}"
  read -r -a flags <<< "${run#*:}"
  manifest="$work/manifest-$name.json"
  "$emitter" --manifest "$manifest" --otlp-http "$endpoint" "${flags[@]}" ||
    fail "emitter run '$name' reported export failures (see above and $state/otelcol.log)"
  requests="$("$PYTHON3" -c 'import json, sys; print(json.load(open(sys.argv[1]))["expectedRequests"])' "$manifest")"
  expected=$((expected + requests))
  manifests+=("$manifest")
  deadline=$(( $(date +%s) + 30 ))   # the file exporter flushes every 100 ms
  while (( $(lines) < expected )); do
    (( $(date +%s) < deadline )) || fail "run '$name': $(lines) of $expected requests written after 30 s"
    sleep 0.05
  done
  echo "collector_conformance: run '$name' ($requests requests) received after $(elapsed)"
done

# Stopping flushes the file exporter, so requests that should not exist would show up now.
"$repo/scripts/otelcol-run.sh" stop "$state"
"$PYTHON3" "$here/check_collector_output.py" "$state/traces.jsonl" "${manifests[@]}" ||
  fail "the Collector's view differs from the manifests (differences above)"
status=0
echo "collector_conformance: PASS in $(elapsed)"
