#!/usr/bin/env bash
# Runs the tracing benchmarks with JSON output and prints a markdown table of medians next to the
# issue's targets and the opentelemetry-cpp 1.28 reference (see docs/benchmarks.md).
#
#   scripts/bench-report.sh [BENCH_BINARY] [REPETITIONS] [FILTER]
#   scripts/bench-report.sh build-bench/bench/kafkatrace_bench 9
set -euo pipefail

binary=${1:-build-bench/bench/kafkatrace_bench}
repetitions=${2:-7}
filter=${3:-Span|Extract|Inject|Baggage|Composite}
json=$(mktemp)
trap 'rm -f "$json"' EXIT

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$binary" --benchmark_filter="$filter" --benchmark_repetitions="$repetitions" \
  --benchmark_report_aggregates_only=true --benchmark_out="$json" \
  --benchmark_out_format=json >/dev/null 2>&1
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$json" <<'EOF'
import json, sys

# name: (target, opentelemetry-cpp 1.28 reference)
REFERENCE = {
    "BM_SampledProducerSpanBatch": ("<= 200 ns, <= 1 alloc", "1.7-2.0 us, 21 allocs"),
    "BM_SampledProducerSpanBatchDefaultQueue": ("<= 200 ns, <= 1 alloc", "1.7-2.0 us, 21 allocs"),
    "BM_SampledProducerSpanSimple": ("", "892 ns, 21 allocs"),
    "BM_UnsampledSpan": ("<= 20 ns, 0 allocs", "144 ns"),
    "BM_UnsampledSpanRemoteParent": ("<= 20 ns, 0 allocs", ""),
    "BM_ExtractTraceparentFromMap": ("<= 60 ns, 0 allocs", "297 ns, 10 allocs"),
    "BM_ExtractTraceparentFromVector": ("<= 60 ns, 0 allocs", "297 ns, 10 allocs"),
    "BM_InjectTraceparentIntoMap": ("<= 40 ns, 0 allocs", "~85 ns"),
    "BM_InjectTraceparentIntoVector": ("<= 40 ns, 0 allocs", "~85 ns"),
}

def number(value):
    return f"{value:.3g}" if value else "0"

data = json.load(open(sys.argv[1]))
print(f"Medians of {data['benchmarks'][0].get('repetitions', '?')} repetitions, CPU time of the "
      f"calling thread; {data['context'].get('num_cpus')} CPUs at "
      f"{data['context'].get('mhz_per_cpu')} MHz.\n")
print("| benchmark | CPU time | allocs/op | dropped/op | worker ns/op | target | "
      "opentelemetry-cpp 1.28 |")
print("|---|---:|---:|---:|---:|---|---|")
for run in data["benchmarks"]:
    if run.get("aggregate_name") != "median":
        continue
    name = run["run_name"]
    target, reference = REFERENCE.get(name, ("", ""))
    dropped = number(run["dropped/op"]) if "dropped/op" in run else ""
    worker = f"{run['worker_ns/op']:.1f}" if "worker_ns/op" in run else ""
    print(f"| {name} | {run['cpu_time']:.1f} {run['time_unit']} | {number(run.get('allocs/op', 0))} "
          f"| {dropped} | {worker} | {target} | {reference} |")
EOF
