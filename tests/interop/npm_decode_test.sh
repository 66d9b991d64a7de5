#!/usr/bin/env bash
# Conformance of our OTLP trace encodings against the official generated decoders on npm
# (@opentelemetry/otlp-transformer 0.52.x, a peer we did not write): otlp_trace_emitter writes
# one binary-protobuf ExportTraceServiceRequest (encoding API), the same spans as OTLP/JSON (encoding API,
# and our file exporter's JSON lines) and its manifest; check_npm_decode.js decodes them and
# compares every field with the manifest.
#
#   npm_decode_test.sh EMITTER [WORK_DIR]
#
# Environment: NODE (found by CMake; PATH is used when unset or NOTFOUND). Needs
# tests/interop/node_modules (npm ci, done by scripts/setup.sh). Exit 0 on success; on failure
# the work directory is kept and its path printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
emitter="${1:?usage: $0 EMITTER [WORK_DIR]}"
start_time=$(date +%s.%N)

fail() { echo "npm_decode: FAIL: $*" >&2; exit 1; }
NODE="${NODE:-node}"; [[ "$NODE" == *-NOTFOUND ]] && NODE=node
command -v "$NODE" >/dev/null 2>&1 || fail "Node.js is required but not installed (scripts/setup.sh installs it)"
package="$here/node_modules/@opentelemetry/otlp-transformer/package.json"
[[ -f "$package" ]] || fail "$package missing: run 'npm ci' in tests/interop (scripts/setup.sh does)"
version="$("$NODE" -p "require(process.argv[1]).version" "$package")"
[[ "$version" == 0.52.* ]] || fail "@opentelemetry/otlp-transformer is $version; the test needs 0.52.x (later versions dropped the generated decoders)"
[[ -x "$emitter" ]] || fail "emitter not found: $emitter"

work="${2:-$(mktemp -d "${TMPDIR:-/tmp}/kt-npm-decode.XXXXXX")}"
keep_work="${2:+yes}"   # a WORK_DIR given by the caller is never deleted
mkdir -p "$work"
status=1
cleanup() {
  if [[ $status -eq 0 && -z "$keep_work" ]]; then rm -rf "$work"; else
    echo "npm_decode: artifacts kept in $work" >&2; fi
}
trap cleanup EXIT

rm -f "$work/spans.jsonl"   # the file exporter appends
"$emitter" --manifest "$work/manifest.json" --otlp-file "$work/spans.jsonl" \
  --protobuf-out "$work/request.pb" --json-out "$work/request.json" || fail "emitter failed"
"$NODE" "$here/check_npm_decode.js" "$work/manifest.json" --protobuf "$work/request.pb" \
  --json "$work/request.json" --json "$work/spans.jsonl" ||
  fail "a decoded field differs from the manifest (differences above)"
status=0
echo "npm_decode: PASS (otlp-transformer $version) in $(awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2fs", e - s }')"
