#!/usr/bin/env bash
# Build kafkatrace's pinned OpenTelemetry Collector (tests/interop/otelcol)
# from the Go module proxy. Idempotent: the binary is cached under
#   ${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}/otelcol-<version>/otelcol
# and rebuilt only when go.mod, go.sum or main.go change (stamp = sha256 of
# the three). The binary path is printed as the last line of stdout.
#
# Environment: KAFKATRACE_CACHE (cache root), GO (go command, default "go").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../tests/interop/otelcol" && pwd)"
GO="${GO:-go}"

# The collector release is the version of go.opentelemetry.io/collector/otelcol in go.mod.
version="$(awk '$1 == "go.opentelemetry.io/collector/otelcol" { sub(/^v/, "", $2); print $2; exit }' "$src/go.mod")"
if [[ -z "$version" ]]; then
  echo "build-otelcol: cannot find go.opentelemetry.io/collector/otelcol in $src/go.mod" >&2
  exit 2
fi

cache="${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}"
outdir="$cache/otelcol-$version"
bin="$outdir/otelcol"
stamp="$outdir/.stamp"

hash="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)"

if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
  echo "$bin"
  exit 0
fi

if ! command -v "$GO" >/dev/null 2>&1; then
  echo "build-otelcol: cannot build $bin: the Go toolchain ('$GO') is not installed" >&2
  echo "build-otelcol: or not on PATH. Install Go >= 1.26 (go.mod needs it) or set GO=/path/to/go." >&2
  exit 2
fi

mkdir -p "$outdir"
echo "build-otelcol: building OpenTelemetry Collector v$version (cold builds take minutes) ..." >&2
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(
  cd "$src"
  # Be gentle with the shared machine; -mod=readonly keeps go.mod/go.sum as committed.
  GOMAXPROCS="${GOMAXPROCS:-2}" CGO_ENABLED=0 \
    nice -n 10 "$GO" build -mod=readonly -buildvcs=false -trimpath -ldflags='-s -w' -o "$tmp" .
) >&2
mv -f "$tmp" "$bin"
trap - EXIT
echo "$hash" > "$stamp"
echo "build-otelcol: built $bin in $(( $(date +%s) - start ))s" >&2
echo "$bin"
