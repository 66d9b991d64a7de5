#!/usr/bin/env bash
# Installs what kafkatrace needs on Debian 12, idempotently and without questions.
#
#   scripts/setup.sh demo   build dependencies only (enough for `make demo`)
#   scripts/setup.sh test   also the test peers: kcat, Python confluent-kafka, Prometheus,
#                           clang-format, Google Benchmark, the pinned npm packages under
#                           tests/interop/, the pinned Apache Kafka broker (Maven Central) and
#                           the pinned OpenTelemetry Collector (built from the Go module proxy)
#
# Quick when everything is present: it only asks apt when a package is missing.
set -euo pipefail

mode=${1:-test}
case $mode in demo|test) ;; *) echo "usage: $0 [demo|test]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)

build_packages=(cmake ninja-build g++ make pkg-config librdkafka-dev libcurl4-openssl-dev
                zlib1g-dev googletest libgtest-dev)
test_packages=(kcat python3-confluent-kafka prometheus clang-format libbenchmark-dev
               maven openjdk-17-jre-headless)

wanted=("${build_packages[@]}")
if [ "$mode" = test ]; then
  wanted+=("${test_packages[@]}")
  # Extra Debian packages of individual test suites: scripts/setup.d/*.packages, one per line.
  for list in "$root"/scripts/setup.d/*.packages; do
    [ -f "$list" ] || continue
    while read -r package _; do
      [ -n "$package" ] && [ "${package:0:1}" != "#" ] && wanted+=("$package")
    done <"$list"
  done
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing from Debian: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup: node and npm are needed for the interop peers (Node 20 is expected)" >&2
    exit 1
  fi
  interop=$root/tests/interop
  stamp=$interop/node_modules/.kafkatrace-lock
  if [ ! -f "$stamp" ] || ! cmp -s "$interop/package-lock.json" "$stamp"; then
    echo "setup: installing pinned npm peers (tests/interop)" >&2
    (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$interop/package-lock.json" "$stamp"
  fi
  "$root/scripts/fetch-kafka.sh" >/dev/null
  command -v go >/dev/null || { echo "setup: go is needed to build the OpenTelemetry Collector" >&2; exit 1; }
  "$root/scripts/build-otelcol.sh" >/dev/null
  # Other pinned peers (each script is idempotent and caches under ~/.cache/kafkatrace).
  for step in "$root"/scripts/setup.d/*.sh; do
    [ -f "$step" ] || continue
    bash "$step" >/dev/null
  done
fi
echo "setup: $mode dependencies present" >&2
