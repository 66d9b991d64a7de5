#!/usr/bin/env python3
"""`kafkatrace bench`, small: two produce rounds of each mode on its own child broker.

    bench_test.py KAFKATRACE_BINARY

Checks: exit 0; stdout is the table then exactly one JSON line, whose figures agree with the
table (msgs/s per mode, the traced run's ratio against tracing off) and, over two rounds, with
the per-run lines (the geometric mean of the ratios and its 95% interval); --traces-file holds the
traced runs' send spans as OTLP/JSON (PRODUCER, `send <topic>`) and nothing from the untraced
runs; --metrics-file holds messaging.client.sent.messages with the run's count; --service-name
names the resource; every mode reports its loop thread's CPU, above zero and no more than the
process's; usage errors exit 2 with nothing on stdout; the consume half runs the plain loop with
and without reading the traceparent header. Then, against a broker of its
own, the librdkafka and librdkafka_traceparent modes: the records of the second, and only
those, carry a W3C traceparent header (read back with kcat).
"""
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

NAME = "bench_test"
COUNT = 3000
ROUNDS = 2  # of the produce half: two give the report a confidence interval
SERVICE = "bench-under-test"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"{NAME}: FAIL: {message}", file=sys.stderr)
    return condition


def run(binary, *args, timeout=150):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    return subprocess.run([binary, "bench", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def otlp_lines(path, key):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line)[key] for line in lines if line.strip()]


def check_traces(path):
    spans, services = [], set()
    for resources in otlp_lines(path, "resourceSpans"):
        for resource in resources:
            for attribute in resource.get("resource", {}).get("attributes", []):
                if attribute["key"] == "service.name":
                    services.add(attribute["value"]["stringValue"])
            for scope in resource["scopeSpans"]:
                spans.extend(scope["spans"])
    sends = [s for s in spans if s["kind"] == 4 and s["name"].startswith("send kafkatrace-bench-")]
    # Exactly the traced run's records (plus at most a warm-up record): none from the others.
    expected = ROUNDS * COUNT
    check(expected <= len(sends) <= expected + ROUNDS,
          f"{len(sends)} send spans in --traces-file, expected {expected} (the traced_100 runs)")
    check(services == {SERVICE}, f"service.name {services}, expected {SERVICE}")


def check_metrics(path):
    sent = 0
    for resources in otlp_lines(path, "resourceMetrics"):
        for resource in resources:
            for scope in resource["scopeMetrics"]:
                for metric in scope["metrics"]:
                    if metric["name"] == "messaging.client.sent.messages":
                        sent += sum(int(p["asInt"]) for p in metric["sum"]["dataPoints"])
    expected = ROUNDS * COUNT
    check(expected <= sent <= expected + ROUNDS,
          f"messaging.client.sent.messages = {sent}, expected {expected}")


def close_ratio(reported, recomputed):
    """A reported ratio against one recomputed from the printed (whole) msgs/s: the rounding
    error scales with the ratio, which a short run can make large."""
    return abs(reported - recomputed) < 0.01 + 0.001 * abs(recomputed)


T95 = {1: 12.706, 2: 4.303, 3: 3.182}


def check_ratios(report, stdout, stderr):
    """traced_100's ratios against traced_off, recomputed from the per-run lines on stderr (each
    round's traced run against the tracing-off run of the same round), agree with the JSON line
    (median, geometric mean and its 95% interval) and with the summary line under the table."""
    rates = {}
    for line in stderr.splitlines():
        found = re.match(r"produce (\S+)\s+round (\d+)/\d+\s+(\d+) msgs/s", line)
        if found:
            rates[(found.group(1), int(found.group(2)))] = int(found.group(3))
    logs = [math.log(rates[("traced_100", i)] / rates[("traced_off", i)])
            for i in range(1, ROUNDS + 1)
            if ("traced_100", i) in rates and ("traced_off", i) in rates]
    if not check(len(logs) == ROUNDS, f"per-run lines of {ROUNDS} rounds on stderr: {rates}"):
        return
    mean = sum(logs) / len(logs)
    deviation = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
    half = T95[len(logs) - 1] * deviation / math.sqrt(len(logs))
    expected = [math.exp(mean), math.exp(mean - half), math.exp(mean + half)]
    figures = report.get("produce", {}).get("traced_100", {})
    median = statistics.median(math.exp(x) for x in logs)
    check(close_ratio(figures.get("ratio_vs_off", 0), median),
          f"ratio_vs_off {figures.get('ratio_vs_off')}, the runs give {median:.4f}")
    reported = [figures.get("ratio_geo_mean", 0)] + list(figures.get("ratio_ci95", [0, 0]))
    check(all(close_ratio(r, e) for r, e in zip(reported, expected)),
          f"traced_100: geometric mean and interval {reported}, the runs give {expected}")
    summary = [line for line in stdout.splitlines()
               if line.startswith(f"  over {ROUNDS} rounds, traced_100 against traced_off: ")]
    check(len(summary) == 1 and f"{expected[0]:.3f}x" in summary[0],
          f"no summary line with {expected[0]:.3f}x in {stdout!r}")


def check_thread_cpu(mode, figures):
    """The loop's thread is part of the process: it ran, and used no more CPU than the process
    (both are per message; the process figure is in microseconds, rounded by getrusage)."""
    thread, process = figures.get("thread_cpu_us_per_msg"), figures.get("cpu_us_per_msg")
    check(thread is not None and 0 < thread <= process + 0.01,
          f"{mode}: thread CPU {thread} us/msg against the process's {process}")


def check_propagation(report, side):
    """The JSON line's propagation figures are the traceparent loop's against the plain one."""
    figures = report.get(side, {})
    plain, with_header = figures.get("librdkafka"), figures.get("librdkafka_traceparent")
    floor = report.get("propagation", {}).get(side)
    if not check(plain and with_header and floor, f"{side}: no propagation figures in {report}"):
        return
    ratio = with_header["msgs_per_s"] / plain["msgs_per_s"]
    added = with_header["cpu_us_per_msg"] - plain["cpu_us_per_msg"]
    check(close_ratio(floor["ratio"], ratio) and abs(floor["added_cpu_us_per_msg"] - added) < 0.01,
          f"{side}: propagation {floor}, but the runs give {ratio:.4f}x and {added:+.4f} us")


def check_traceparent_mode(binary):
    """librdkafka_traceparent writes the plain loop's records plus a traceparent header."""
    broker = subprocess.Popen([binary, "broker"], stdout=subprocess.PIPE, text=True)
    try:
        bootstrap = broker.stdout.readline().strip()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        bench = subprocess.Popen([binary, "bench", "--bootstrap", bootstrap, "--only", "produce",
                                  "-r", "1", "-n", str(COUNT), "--serial", "0", "--modes",
                                  "librdkafka,librdkafka_traceparent"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        out, err = bench.communicate(timeout=150)
        if not check(bench.returncode == 0, f"traceparent mode: exit {bench.returncode}: {err}"):
            return
        report = json.loads(out.strip().splitlines()[-1])
        produce = report.get("produce", {})
        check(set(produce) == {"librdkafka", "librdkafka_traceparent"},
              f"modes in the JSON line: {sorted(produce)}")
        check_propagation(report, "produce")
        check(any(line.startswith("  propagation alone (") for line in out.splitlines()),
              f"no 'propagation alone' line in {out!r}")
        topic = f"kafkatrace-bench-{bench.pid}"
        read = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning",
                               "-e", "-q", "-f", "%h\n"], capture_output=True, text=True,
                              timeout=60)
        headers = [line for line in read.stdout.splitlines() if line.strip()]
        traced = [h for h in headers if "traceparent=00-" in h]
        # Each mode writes a warm-up record, then COUNT.
        check(len(headers) == 2 * (COUNT + 1),
              f"{len(headers)} records in {topic}, expected {2 * (COUNT + 1)}")
        check(len(traced) == COUNT + 1,
              f"{len(traced)} records with a traceparent, expected {COUNT + 1}")
        check(all(h.startswith("app=kafkatrace-bench,run=plain") for h in headers),
              f"unexpected headers: {headers[:2]}")
        # Fresh ids on every record, as a tracing producer writes them (constant ones would
        # compress away under lz4 and understate the cost).
        ids = [re.search(r"traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-01$", h) for h in traced]
        check(all(ids), f"malformed traceparent among {traced[:3]}")
        check(len({m.group(1) for m in ids if m}) == len(traced)
              and len({m.group(2) for m in ids if m}) == len(traced),
              "the traceparent headers repeat ids")
    finally:
        broker.terminate()
        broker.wait(timeout=30)


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} KAFKATRACE_BINARY", file=sys.stderr)
        return 2
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as work:
        traces, metrics = os.path.join(work, "t.jsonl"), os.path.join(work, "m.jsonl")
        result = run(binary, "--only", "produce", "-r", str(ROUNDS), "-n", str(COUNT),
                     "--serial", "0",
                     "--modes", "librdkafka,traced_off,traced_100", "--service-name", SERVICE,
                     "--traces-file", traces, "--metrics-file", metrics)
        if check(result.returncode == 0, f"bench exited {result.returncode}: {result.stderr}"):
            lines = result.stdout.strip().splitlines()
            check(len(lines) >= 4 and lines[-1].startswith("{"),
                  f"expected a table then one JSON line, got {lines}")
            report = json.loads(lines[-1])
            produce = report.get("produce", {})
            check(set(produce) == {"librdkafka", "traced_off", "traced_100"},
                  f"modes in the JSON line: {sorted(produce)}")
            table = {line.split()[0]: line.split() for line in lines[:-1]
                     if line.split() and line.split()[0] in produce}
            for mode, figures in produce.items():
                check(figures["msgs_per_s"] > 0, f"{mode}: {figures['msgs_per_s']} msgs/s")
                check_thread_cpu(mode, figures)
                check(mode in table and int(table[mode][1]) == round(figures["msgs_per_s"]),
                      f"{mode}: table row {table.get(mode)} and JSON {figures} disagree")
            check_ratios(report, result.stdout, result.stderr)
            check_traces(traces)
            check_metrics(metrics)
        usage = run(binary, "-n", "many", timeout=20)
        check(usage.returncode == 2 and usage.stdout == "" and usage.stderr,
              f"bench -n many: exit {usage.returncode}, stdout {usage.stdout!r}")
        both = run(binary, "--traces-file", traces, "--otlp-endpoint", "http://127.0.0.1:1",
                   timeout=20)
        check(both.returncode == 2, f"--traces-file with --otlp-endpoint: exit {both.returncode}")
        consume = run(binary, "--only", "consume", "-r", "1", "-n", str(COUNT), "--modes",
                      "librdkafka,librdkafka_traceparent")
        if check(consume.returncode == 0,
                 f"--only consume --modes librdkafka,librdkafka_traceparent: exit "
                 f"{consume.returncode}: {consume.stderr}"):
            consumed = json.loads(consume.stdout.strip().splitlines()[-1])
            figures = consumed.get("consume", {})
            check_propagation(consumed, "consume")
            check(set(figures) == {"librdkafka", "librdkafka_traceparent"},
                  f"consume modes in the JSON line: {sorted(figures)}")
            check(all(f["msgs_per_s"] > 0 and f["failed"] == 0 for f in figures.values()),
                  f"consume figures: {figures}")
            for mode, mode_figures in figures.items():
                check_thread_cpu(f"consume {mode}", mode_figures)
        bad_modes = run(binary, "--modes", "librdkafka,bogus", timeout=20)
        check(bad_modes.returncode == 2 and bad_modes.stdout == "",
              f"--modes librdkafka,bogus: exit {bad_modes.returncode}")
    check_traceparent_mode(binary)
    if failures:
        print(f"{NAME}: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"{NAME}: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
