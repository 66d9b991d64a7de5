#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs each for a while
# on a copy of its seed corpus.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      # default 30
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (build parallelism, default 2),
# FUZZ_TARGETS (space-separated subset, default all). Needs clang and libFuzzer's runtime
# (Debian: the packages in scripts/setup.d/fuzz.packages).
# Prints per target: executions, crashes, corpus growth; then the totals. Exits 1 when any
# target crashed (a broken invariant aborts; the input is saved under
# $FUZZ_BUILD_DIR/fuzz-work/<target>/artifacts/ and the log tail is printed), 2 on set-up errors.
set -euo pipefail

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${FUZZ_JOBS:-2}"
targets="${FUZZ_TARGETS:-traceparent tracestate baggage kafka_headers otlp_roundtrip}"

for tool in clang clang++ cmake ninja; do
  if ! command -v "$tool" >/dev/null; then
    echo "fuzz.sh: $tool not found (install: apt-get install \$(cat scripts/setup.d/fuzz.packages))" >&2
    exit 2
  fi
done

echo "fuzz.sh: configuring $build (clang, libFuzzer, ASan+UBSan)" >&2
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKAFKATRACE_FUZZ=ON -DKAFKATRACE_SANITIZE=address,undefined -DKAFKATRACE_REAL_KAFKA=OFF \
  -DKAFKATRACE_BUILD_TOOLS=OFF -DKAFKATRACE_BUILD_EXAMPLES=OFF >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 2; }
rm -f "$build.configure.log"
echo "fuzz.sh: building the fuzzers" >&2
cmake --build "$build" -j "$jobs" --target kafkatrace_fuzz >&2

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
total_runs=0
total_crashes=0
printf '%-16s %12s %8s %16s\n' target executions crashes "corpus (files)"
for target in $targets; do
  work="$build/fuzz-work/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$root/tests/fuzz/corpus/$target/"* "$work/corpus/"
  seeds=$(find "$work/corpus" -type f | wc -l)
  status=0
  "$build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" "$work/corpus" \
    >"$work/fuzz.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
  runs="${runs:-0}"
  crashes=$(find "$work/artifacts" -type f | wc -l)
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi  # died without an artifact
  files=$(find "$work/corpus" -type f | wc -l)
  printf '%-16s %12s %8s %16s\n' "$target" "$runs" "$crashes" "$seeds -> $files"
  total_runs=$((total_runs + runs))
  total_crashes=$((total_crashes + crashes))
  if [ "$crashes" -ne 0 ]; then
    echo "--- $target: exit status $status; last lines of $work/fuzz.log:" >&2
    tail -40 "$work/fuzz.log" >&2
    find "$work/artifacts" -type f -printf '    reproduce: %p\n' >&2
  fi
done
printf '%-16s %12s %8s\n' total "$total_runs" "$total_crashes"
[ "$total_crashes" -eq 0 ]
