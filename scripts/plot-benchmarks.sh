#!/usr/bin/env bash
# Turns the Google Benchmark results of bench/ (kafkatrace_bench, JSON output) into SVG plots with
# gnuplot, for docs/benchmarks.md: the cost of a span, of propagation and of metric recording
# next to the opentelemetry-cpp 1.28 reference and the issues' targets.
#
#   scripts/plot-benchmarks.sh [INPUT] [OUTDIR] [REPETITIONS]
#   scripts/plot-benchmarks.sh                                   # runs build-bench/bench/kafkatrace_bench
#   scripts/plot-benchmarks.sh results.json docs/img              # plots results you already have
#
# INPUT is the benchmark binary (run with REPETITIONS repetitions, default 5, medians plotted) or
# a JSON file written with --benchmark_out=FILE --benchmark_out_format=json (with repetitions:
# the medians; without: each benchmark's single run). OUTDIR defaults to docs/img. Writes
# bench-tracing.svg and bench-metrics.svg there and prints their paths. Needs gnuplot (Debian
# package gnuplot-nox, listed in scripts/setup.d/docs.packages) and python3.
set -euo pipefail

input=${1:-build-bench/bench/kafkatrace_bench}
outdir=${2:-docs/img}
repetitions=${3:-5}

command -v gnuplot >/dev/null || {
  echo "plot-benchmarks: gnuplot is not installed (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
}
[[ -e $input ]] || {
  echo "plot-benchmarks: $input does not exist; build it with" \
       "cmake -B build-bench -DCMAKE_BUILD_TYPE=Release -DKAFKATRACE_BUILD_BENCH=ON" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir"

json=$input
load=""
if [[ -x $input && ! -d $input ]] && ! head -c 1 "$input" | grep -q '{'; then
  json=$work/bench.json
  load="load $(cut -d' ' -f1 /proc/loadavg)"
  echo "plot-benchmarks: running $input ($repetitions repetitions), load before: $load" >&2
  "$input" --benchmark_filter='Span|Extract|Inject|Counter|Histogram' \
    --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
    --benchmark_out="$json" --benchmark_out_format=json >/dev/null 2>&1
  load="$load-$(cut -d' ' -f1 /proc/loadavg)"
fi

# JSON -> one gnuplot data file per plot: label, kafkatrace ns, opentelemetry-cpp ns, target ns
# ("-" where there is none), plus a caption line.
python3 - "$json" "$work" "$load" <<'EOF'
import json, statistics, sys

path, work, load = sys.argv[1:4]
data = json.load(open(path))

# run name -> (label, opentelemetry-cpp 1.28 reference ns, target ns), in plot order.
TRACING = [
    ("BM_SampledProducerSpanBatch", "sampled span, batch", 1700, 200),
    ("BM_SampledProducerSpanSimple", "sampled span, simple", 892, None),
    ("BM_UnsampledSpan", "unsampled span", 144, 20),
    ("BM_UnsampledSpanRemoteParent", "unsampled child", None, 20),
    ("BM_NoopProviderSpan", "SDK disabled", None, None),
    ("BM_ExtractTraceparentFromMap", "extract traceparent", 297, 60),
    ("BM_InjectTraceparentIntoMap", "inject traceparent", 85, 40),
    ("BM_CompositeExtract", "extract + baggage", None, None),
]
METRICS = [
    ("BM_CounterAdd2Attributes", "counter, 2 attributes", 243, 40),
    ("BM_HistogramRecord2Attributes", "histogram, 2 attributes", 243, 50),
    ("BM_CounterAdd4Attributes", "counter, 4 attributes", None, None),
    ("BM_CounterAddTwoThreadsSameSeries/real_time/threads:2", "counter, 2 threads", None, None),
    ("BM_NoopCounterAdd", "no-op counter", None, None),
]

def nanoseconds(run):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[run.get("time_unit", "ns")]
    return run["cpu_time"] * scale

medians, samples = {}, {}
for run in data["benchmarks"]:
    name = run.get("run_name", run["name"])
    if run.get("aggregate_name") == "median":
        medians[name] = nanoseconds(run)
    elif run.get("run_type", "iteration") == "iteration":
        samples.setdefault(name, []).append(nanoseconds(run))
for name, values in samples.items():
    medians.setdefault(name, statistics.median(values))

def cell(value):
    return "-" if value is None else f"{value:.4g}"

def write(file, rows):
    with open(f"{work}/{file}", "w") as out:
        for name, label, reference, target in rows:
            if name in medians:
                out.write(f'"{label}" {cell(medians[name])} {cell(reference)} {cell(target)}\n')

write("tracing.dat", TRACING)
write("metrics.dat", METRICS)
context = data.get("context", {})
repetitions = next((r.get("repetitions") for r in data["benchmarks"] if "repetitions" in r), 1)
caption = (f"CPU time of the calling thread, median of {repetitions}; "
           f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
           f"{context.get('date', '')[:10]}{', ' + load if load else ''}")
open(f"{work}/caption.txt", "w").write(caption)
EOF

caption=$(cat "$work/caption.txt")
plot() {  # plot DATA OUTPUT TITLE
  gnuplot <<EOF
set terminal svg size 900,480 dynamic font "sans,12"
set output "$2"
set title "$3\n{/*0.8 $caption}"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set datafile missing "-"
set logscale y
set yrange [1:*]
set ylabel "ns per operation (log scale)"
set grid ytics
set xtics rotate by -25 scale 0 font ",11"
set key top right
set rmargin 8
set bmargin 6
plot "$1" using 2:xticlabels(1) title "kafkatrace" lc rgb "#1f77b4", \
     "" using 3 title "opentelemetry-cpp 1.28" lc rgb "#bbbbbb", \
     "" using 4 title "target" lc rgb "#2ca02c"
EOF
  echo "$2"
}

plot "$work/tracing.dat" "$outdir/bench-tracing.svg" "Tracing: span start+end, W3C propagation"
plot "$work/metrics.dat" "$outdir/bench-metrics.svg" "Metrics: one measurement"
