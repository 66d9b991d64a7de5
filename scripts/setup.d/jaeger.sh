#!/usr/bin/env bash
# Builds the pinned Jaeger (v2, `github.com/jaegertracing/jaeger/cmd/jaeger`, the module version
# in tests/interop/jaeger/tool/go.mod) from the Go module proxy, for the interop test
# tests/interop/jaeger. Idempotent: the binary is cached under
#   ${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}/jaeger-<version>/jaeger
# and rebuilt only when tool/go.mod or tool/go.sum change. Prints the binary's path as the last
# line of stdout; progress goes to stderr.
#
#   scripts/setup.d/jaeger.sh            build if needed, print the path
#   scripts/setup.d/jaeger.sh --locate   print the path if the binary is built and current;
#                                        otherwise say what is missing and exit 3 (no build)
#
# Environment: KAFKATRACE_CACHE (cache root), GO (go command, default "go"; /usr/local/go/bin
# is tried when go is not on PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../../tests/interop/jaeger/tool" && pwd)"
mode="${1:-build}"
case "$mode" in build|--locate) ;; *) echo "usage: $0 [--locate]" >&2; exit 2 ;; esac

version="$(awk '$1 == "github.com/jaegertracing/jaeger" { sub(/^v/, "", $2); print $2; exit }' "$src/go.mod")"
if [[ -z "$version" ]]; then
  echo "jaeger.sh: cannot find github.com/jaegertracing/jaeger in $src/go.mod" >&2
  exit 2
fi

cache="${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}"
outdir="$cache/jaeger-$version"
bin="$outdir/jaeger"
stamp="$outdir/.stamp"
hash="$(cat "$src/go.mod" "$src/go.sum" | sha256sum | cut -d' ' -f1)"

if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
  echo "$bin"
  exit 0
fi
if [[ "$mode" == --locate ]]; then
  echo "jaeger.sh: Jaeger v$version is not built at $bin (or is out of date):" \
       "run scripts/setup.sh test or scripts/setup.d/jaeger.sh (needs Go and the Go module proxy)" >&2
  exit 3
fi

GO="${GO:-go}"
if ! command -v "$GO" >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if ! command -v "$GO" >/dev/null 2>&1; then
  echo "jaeger.sh: cannot build Jaeger v$version: the Go toolchain ('$GO') is not installed" >&2
  exit 2
fi

mkdir -p "$outdir"
echo "jaeger.sh: building Jaeger v$version (a cold build takes several minutes) ..." >&2
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(
  cd "$src"
  # Gentle on the shared 2-core machine; -mod=readonly keeps go.mod/go.sum as committed.
  GOMAXPROCS="${GOMAXPROCS:-2}" CGO_ENABLED=0 nice -n 10 "$GO" build -mod=readonly \
    -buildvcs=false -trimpath -ldflags='-s -w' -o "$tmp" github.com/jaegertracing/jaeger/cmd/jaeger
) >&2
mv -f "$tmp" "$bin"
trap - EXIT
echo "$hash" > "$stamp"
echo "jaeger.sh: built $bin in $(( $(date +%s) - start ))s" >&2
echo "$bin"
