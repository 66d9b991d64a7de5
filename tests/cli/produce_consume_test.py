#!/usr/bin/env python3
"""`kafkatrace produce` and `kafkatrace consume` end to end, on an embedded broker.

    produce_consume_test.py KAFKATRACE_BINARY

Starts `kafkatrace broker --topic ... --partitions 3` (bootstrap address: its first stdout line)
and checks the public interface of the two commands (issue #7):
  - round trip: 5 stdin values with -k, two -H headers, --json, --traces-file, --metrics-file and
    --service-name; `consume --json` gets each with the key, the headers (plus traceparent), the
    partition/offset produce reported, and a process span whose trace id is the one produce
    printed for it and whose parent is the produce span;
  - the OTLP/JSON files: `send TOPIC` spans (PRODUCER, 4) and `process TOPIC` spans (CONSUMER, 5)
    with matching traceId/parentSpanId and messaging.destination.name, service.name from
    --service-name, metrics messaging.client.sent.messages / messaging.client.consumed.messages;
  - `-n COUNT -s SIZE` with `-p PARTITION`: COUNT values of SIZE bytes, all on that partition;
  - consume commits only what it printed: -n 2 of 5 with group g, then group g again gets the
    other 3 (text output, parsed);
  - --timeout ends a consume that has nothing more to read (exit 0), and exits 1 when it ends
    before -n COUNT;
  - failures: a bogus -X property (exit 2, message on stderr), -p to a partition that does not
    exist (exit 1, an error in the --json line);
  - --help on every command exits 0 with usage on stdout; an unknown flag exits 2 with a message
    on stderr and nothing on stdout.
Consumers of independent checks run in parallel (joining a group on the mock broker takes ~3 s).
"""
import http.server
import json
import os
import pathlib
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

NAME = "produce_consume_test"
PARTITIONS = 3
TOPIC_ROUND_TRIP = "roundtrip"
TOPIC_COMMITS = "commits"
TOPIC_GENERATED = "generated"
TOPIC_ENVIRONMENT = "environment"
PRODUCER_SERVICE = "kt-test-producer"
CONSUMER_SERVICE = "kt-test-consumer"
KIND_PRODUCER = 4
KIND_CONSUMER = 5
# The mock broker keeps a group rebalancing for (session timeout - 1 s) after its last member
# left; a short session timeout keeps the second run of group g from waiting ~44 s to join.
GROUP_PROPERTIES = ["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000"]
TEXT_LINE = re.compile(
    r"^topic=(?P<topic>\S+) partition=(?P<partition>\d+) offset=(?P<offset>\d+) key=(?P<key>.*?) "
    r"trace_id=(?P<trace_id>[0-9a-f]{32}|-) span_id=(?P<span_id>[0-9a-f]{16}|-) "
    r"parent_span_id=(?P<parent_span_id>[0-9a-f]{16}|-) headers=\[(?P<headers>.*?)\] "
    r"value=(?P<value>.*)$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")

failures = []
failures_lock = threading.Lock()


def check(condition, message):
    if not condition:
        with failures_lock:
            failures.append(message)
        print(f"{NAME}: FAIL: {message}", file=sys.stderr, flush=True)
    return condition


def environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.pop("NO_COLOR", None)
    return env


def run(binary, *args, stdin=None, timeout=30, extra_env=None):
    """Runs `kafkatrace ARGS`; a CompletedProcess (returncode None when it timed out)."""
    try:
        return subprocess.run([binary, *args], input=stdin, capture_output=True, text=True,
                              timeout=timeout, env={**environment(), **(extra_env or {})})
    except subprocess.TimeoutExpired as expired:
        def text(data):
            return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
        check(False, f"`kafkatrace {' '.join(args)}` still running after {timeout} s; "
                     f"stderr: {text(expired.stderr)!r}")
        return subprocess.CompletedProcess(expired.cmd, None, text(expired.stdout),
                                           text(expired.stderr))


def describe(result):
    return f"exit {result.returncode}, stderr: {result.stderr.strip()!r}"


def json_lines(text, what):
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError as error:
            check(False, f"{what}: a stdout line is not JSON ({error}): {line!r}")
    return lines


class Broker:
    """`kafkatrace broker` for the test's lifetime."""

    def __init__(self, binary, topics):
        args = [binary, "broker", "--partitions", str(PARTITIONS)]
        for topic in topics:
            args += ["--topic", topic]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=environment())
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline().strip() if ready else ""
        if not re.fullmatch(r"[\w.\-]+:\d+(,[\w.\-]+:\d+)*", line):
            self.process.kill()
            _, stderr = self.process.communicate(timeout=10)
            raise RuntimeError(f"the broker printed {line!r} as its bootstrap line; "
                               f"stderr: {stderr!r}")
        self.bootstrap = line

    def stop(self):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate(timeout=10)
            return None
        return self.process.returncode


def in_parallel(*functions):
    """Runs the (name, function) pairs in threads; returns their results in order."""
    results = [None] * len(functions)

    def call(index, name, function):
        try:
            results[index] = function()
        except Exception as error:  # reported as a failure, not a traceback from a thread
            check(False, f"{name}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=call, args=(i, name, function))
               for i, (name, function) in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- OTLP/JSON files -------------------------------------------------------------------------

def resource_service_names(request, key):
    names = set()
    for resource in request.get(key, []):
        for attribute in resource.get("resource", {}).get("attributes", []):
            if attribute["key"] == "service.name":
                names.add(attribute["value"].get("stringValue"))
    return names


def load_spans(path, what):
    spans, services = [], set()
    if not check(os.path.exists(path), f"{what}: --traces-file {path} was not written"):
        return spans, services
    for number, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            check(False, f"{what}: line {number} of the traces file is not JSON: {error}")
            continue
        services |= resource_service_names(request, "resourceSpans")
        for resource_spans in request.get("resourceSpans", []):
            for scope_spans in resource_spans.get("scopeSpans", []):
                spans.extend(scope_spans.get("spans", []))
    return spans, services


def attribute(span, key):
    for item in span.get("attributes", []):
        if item["key"] == key:
            value = item["value"]
            return next(iter(value.values())) if value else None
    return None


def metric_totals(path, what):
    """{metric name: highest data point value} and the service names, from a --metrics-file."""
    totals, services = {}, set()
    if not check(os.path.exists(path), f"{what}: --metrics-file {path} was not written"):
        return totals, services
    for number, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            check(False, f"{what}: line {number} of the metrics file is not JSON: {error}")
            continue
        services |= resource_service_names(request, "resourceMetrics")
        for resource_metrics in request.get("resourceMetrics", []):
            for scope_metrics in resource_metrics.get("scopeMetrics", []):
                for metric in scope_metrics.get("metrics", []):
                    points = metric.get("sum", metric.get("gauge", {})).get("dataPoints", [])
                    for point in points:
                        value = float(point.get("asInt", point.get("asDouble", 0)))
                        totals[metric["name"]] = max(totals.get(metric["name"], 0), value)
                    totals.setdefault(metric["name"], 0)
    return totals, services


# --- the checks ------------------------------------------------------------------------------

def check_help_and_usage(binary):
    for command in ("broker", "demo", "produce", "consume", "bench"):
        result = run(binary, command, "--help", timeout=20)
        check(result.returncode == 0, f"{command} --help: {describe(result)}")
        check(result.stdout.startswith(f"usage: kafkatrace {command}"),
              f"{command} --help: stdout does not start with the usage: {result.stdout[:80]!r}")
        result = run(binary, command, "--no-such-flag", timeout=20)
        check(result.returncode == 2, f"{command} --no-such-flag: {describe(result)}")
        check("--no-such-flag" in result.stderr,
              f"{command} --no-such-flag: stderr does not name the flag: {result.stderr!r}")
        check(result.stdout == "", f"{command} --no-such-flag wrote to stdout: {result.stdout!r}")
    for command, args, expected in (
            ("produce", ["-t", "x"], "-b BOOTSTRAP is required"),
            ("produce", ["-b", "127.0.0.1:9"], "-t TOPIC is required"),
            ("produce", ["-b", "127.0.0.1:9", "-t", "x", "-H", "novalue"], "-H needs NAME=VALUE"),
            ("produce", ["-b", "127.0.0.1:9", "-t", "x", "-s", "10"], "-s SIZE needs -n COUNT"),
            ("produce", ["-b", "127.0.0.1:9", "-t", "x", "-X", "noequals"], "needs NAME=VALUE"),
            ("consume", ["-b", "127.0.0.1:9"], "-t TOPIC is required"),
            ("consume", ["-b", "127.0.0.1:9", "-t", "x", "-n", "0"], "-n needs a whole number"),
            ("consume", ["-b", "127.0.0.1:9", "-t", "x", "--timeout", "soon"],
             "--timeout needs a whole number")):
        result = run(binary, command, *args, timeout=20)
        check(result.returncode == 2 and expected in result.stderr and result.stdout == "",
              f"{command} {args}: expected exit 2 and {expected!r} on stderr, got "
              f"{describe(result)}, stdout {result.stdout!r}")


def produce_round_trip(binary, bootstrap, work):
    values = ["first", "second value", "third\tvalue", "héllo wörld", "fifth"]
    traces = os.path.join(work, "produce-traces.jsonl")
    metrics = os.path.join(work, "produce-metrics.jsonl")
    result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-k", "order-17",
                 "-H", "origin=produce-test", "-H", "tenant=a=b", "--json",
                 "--traces-file", traces, "--metrics-file", metrics,
                 "--service-name", PRODUCER_SERVICE, stdin="".join(v + "\n" for v in values))
    if not check(result.returncode == 0, f"round-trip produce: {describe(result)}"):
        return None
    reports = json_lines(result.stdout, "round-trip produce --json")
    check(len(reports) == len(values), f"round-trip produce printed {len(reports)} delivery "
                                       f"lines for {len(values)} values:\n{result.stdout}")
    check(sorted(r.get("sequence") for r in reports) == list(range(1, len(values) + 1)),
          f"round-trip produce: sequences {[r.get('sequence') for r in reports]}")
    for report in reports:
        check(report.get("topic") == TOPIC_ROUND_TRIP and report.get("key") == "order-17",
              f"round-trip produce line: {report}")
        check(isinstance(report.get("partition"), int) and 0 <= report["partition"] < PARTITIONS
              and isinstance(report.get("offset"), int) and report["offset"] >= 0,
              f"round-trip produce line without partition/offset: {report}")
        check(HEX32.match(str(report.get("trace_id"))) and HEX16.match(str(report.get("span_id")))
              and "error" not in report, f"round-trip produce line: {report}")
    check(len({r.get("trace_id") for r in reports}) == len(reports),
          "round-trip produce: the messages share trace ids")
    check("5 message(s) delivered" in result.stderr,
          f"round-trip produce: no summary on stderr: {result.stderr!r}")
    by_sequence = {r.get("sequence"): r for r in reports}
    return {"values": values, "reports": reports, "by_sequence": by_sequence,
            "traces": traces, "metrics": metrics}


def consume_round_trip(binary, bootstrap, work):
    traces = os.path.join(work, "consume-traces.jsonl")
    metrics = os.path.join(work, "consume-metrics.jsonl")
    result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-g", "round-trip",
                 "-n", "5", "--json", "--traces-file", traces, "--metrics-file", metrics,
                 "--service-name", CONSUMER_SERVICE, timeout=40)
    check(result.returncode == 0, f"round-trip consume: {describe(result)}")
    return {"messages": json_lines(result.stdout, "round-trip consume --json"),
            "traces": traces, "metrics": metrics}


def check_round_trip(produced, consumed):
    values = produced["values"]
    messages = consumed["messages"]
    check(len(messages) == len(values),
          f"round-trip consume printed {len(messages)} messages, expected {len(values)}")
    reports_by_trace = {r["trace_id"]: r for r in produced["reports"]}
    seen_values = []
    for message in messages:
        report = reports_by_trace.get(message.get("trace_id"))
        if not check(report is not None, f"consumed message with a trace id produce did not "
                                         f"print: {message}"):
            continue
        expected_value = values[report["sequence"] - 1]
        seen_values.append(message.get("value"))
        check(message.get("value") == expected_value,
              f"message {report['sequence']}: value {message.get('value')!r}, "
              f"expected {expected_value!r}")
        check(message.get("topic") == TOPIC_ROUND_TRIP and message.get("key") == "order-17",
              f"consumed topic/key: {message}")
        check((message.get("partition"), message.get("offset")) ==
              (report["partition"], report["offset"]),
              f"message {report['sequence']}: consumed at partition {message.get('partition')} "
              f"offset {message.get('offset')}, produce reported {report['partition']}/"
              f"{report['offset']}")
        check(message.get("parent_span_id") == report["span_id"],
              f"message {report['sequence']}: process span parent {message.get('parent_span_id')}"
              f", produce span {report['span_id']}")
        check(HEX16.match(str(message.get("span_id"))) and
              message.get("span_id") != report["span_id"],
              f"message {report['sequence']}: process span id {message.get('span_id')}")
        headers = [(h.get("name"), h.get("value")) for h in message.get("headers", [])]
        check(headers == [("origin", "produce-test"), ("tenant", "a=b"),
                          ("traceparent",
                           f"00-{report['trace_id']}-{report['span_id']}-01")],
              f"message {report['sequence']}: headers {headers}")
        check(isinstance(message.get("timestamp_ms"), int), f"no timestamp_ms: {message}")
    check(sorted(seen_values) == sorted(values), f"consumed values {seen_values}")

    # The traces files.
    sends, producer_services = load_spans(produced["traces"], "produce")
    processes, consumer_services = load_spans(consumed["traces"], "consume")
    check(producer_services == {PRODUCER_SERVICE},
          f"produce traces: service.name {producer_services}, expected {PRODUCER_SERVICE}")
    check(consumer_services == {CONSUMER_SERVICE},
          f"consume traces: service.name {consumer_services}, expected {CONSUMER_SERVICE}")
    send_spans = {s["spanId"]: s for s in sends
                  if s.get("name") == f"send {TOPIC_ROUND_TRIP}" and s.get("kind") == KIND_PRODUCER}
    check(len(send_spans) == len(values),
          f"produce traces: {len(send_spans)} 'send {TOPIC_ROUND_TRIP}' PRODUCER spans, expected "
          f"{len(values)} (spans: {[(s.get('name'), s.get('kind')) for s in sends]})")
    for report in produced["reports"]:
        span = send_spans.get(report["span_id"])
        if check(span is not None, f"no send span {report['span_id']} in the traces file"):
            check(span.get("traceId") == report["trace_id"],
                  f"send span {report['span_id']}: trace {span.get('traceId')}, produce printed "
                  f"{report['trace_id']}")
            check(attribute(span, "messaging.destination.name") == TOPIC_ROUND_TRIP,
                  f"send span: messaging.destination.name "
                  f"{attribute(span, 'messaging.destination.name')!r}")
    process_spans = [s for s in processes if s.get("name") == f"process {TOPIC_ROUND_TRIP}" and
                     s.get("kind") == KIND_CONSUMER]
    check(len(process_spans) == len(values),
          f"consume traces: {len(process_spans)} 'process {TOPIC_ROUND_TRIP}' CONSUMER spans, "
          f"expected {len(values)} (spans: {[(s.get('name'), s.get('kind')) for s in processes]})")
    printed = {m.get("span_id"): m for m in messages}
    for span in process_spans:
        send = send_spans.get(span.get("parentSpanId"))
        if check(send is not None, f"process span {span.get('spanId')}: parent "
                                   f"{span.get('parentSpanId')} is not a send span"):
            check(span.get("traceId") == send.get("traceId"),
                  f"process span {span.get('spanId')} is not in its send span's trace")
        check(attribute(span, "messaging.destination.name") == TOPIC_ROUND_TRIP,
              f"process span: messaging.destination.name "
              f"{attribute(span, 'messaging.destination.name')!r}")
        message = printed.get(span.get("spanId"))
        check(message is not None and message.get("trace_id") == span.get("traceId"),
              f"process span {span.get('spanId')} is not the one consume printed")

    # The metrics files.
    totals, services = metric_totals(produced["metrics"], "produce")
    check(services == {PRODUCER_SERVICE}, f"produce metrics: service.name {services}")
    check(totals.get("messaging.client.sent.messages", 0) >= len(values),
          f"produce metrics: messaging.client.sent.messages "
          f"{totals.get('messaging.client.sent.messages')} (metrics: {sorted(totals)})")
    totals, services = metric_totals(consumed["metrics"], "consume")
    check(services == {CONSUMER_SERVICE}, f"consume metrics: service.name {services}")
    check(totals.get("messaging.client.consumed.messages", 0) >= len(values),
          f"consume metrics: messaging.client.consumed.messages "
          f"{totals.get('messaging.client.consumed.messages')} (metrics: {sorted(totals)})")


def check_commits(binary, bootstrap):
    """-n 2 of 5 with group g, then group g again: the other 3, never the first 2 again."""
    values = [f"commit-{i}" for i in range(1, 6)]
    # The last line has no newline: it is a value all the same.
    result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_COMMITS, "-H", "stage=commits",
                 stdin="\n".join(values))
    if not check(result.returncode == 0, f"commits produce: {describe(result)}"):
        return
    check(result.stdout == "", f"produce without --json wrote to stdout: {result.stdout!r}")
    check("5 message(s) delivered" in result.stderr,
          f"commits produce (last line without newline): {result.stderr!r}")

    def consume(*extra):
        result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_COMMITS, "-g", "g",
                     *GROUP_PROPERTIES, *extra, timeout=45)
        lines = []
        for line in result.stdout.splitlines():
            match = TEXT_LINE.match(line)
            if check(match, f"consume text line does not parse: {line!r}"):
                lines.append(match.groupdict())
        return result, lines

    first, first_lines = consume("-n", "2")
    check(first.returncode == 0, f"consume -n 2 -g g: {describe(first)}")
    check(len(first_lines) == 2, f"consume -n 2 printed {len(first_lines)} messages")
    for line in first_lines:
        check(line["topic"] == TOPIC_COMMITS and line["key"] == "(null)",
              f"consume text line: {line}")
        check(line["headers"].startswith("stage=commits, traceparent=00-" + line["trace_id"] +
                                         "-" + line["parent_span_id"] + "-01"),
              f"consume text line: headers {line['headers']!r}")
        check(line["trace_id"] != "-" and line["parent_span_id"] != "-" and line["span_id"] != "-",
              f"consume text line without trace context: {line}")
    second, second_lines = consume("-n", "3", "--timeout", "20")
    check(second.returncode == 0, f"second consume -n 3 -g g: {describe(second)}")
    first_values = [line["value"] for line in first_lines]
    second_values = [line["value"] for line in second_lines]
    check(not set(first_values) & set(second_values),
          f"group g got {sorted(set(first_values) & set(second_values))} again after "
          f"committing them (first run {first_values}, second run {second_values})")
    check(sorted(first_values + second_values) == sorted(values),
          f"group g's two runs got {first_values} and {second_values}, expected the 5 values "
          f"{values} between them")
    positions = {(line["partition"], line["offset"]) for line in first_lines + second_lines}
    check(len(positions) == len(first_lines) + len(second_lines),
          "group g's two runs printed one partition/offset twice")


def check_generated(binary, bootstrap):
    """-n COUNT -s SIZE -p 1: COUNT values of SIZE bytes on partition 1."""
    count, size = 4, 37
    result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_GENERATED, "-n", str(count),
                 "-s", str(size), "-p", "1", "--json")
    if not check(result.returncode == 0, f"produce -n {count} -s {size}: {describe(result)}"):
        return
    reports = json_lines(result.stdout, "produce -n --json")
    check(len(reports) == count, f"produce -n {count} printed {len(reports)} lines")
    check(all(r.get("partition") == 1 and r.get("key") is None for r in reports),
          f"produce -p 1: {reports}")
    result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_GENERATED, "-n", str(count),
                 "--json", timeout=40)
    check(result.returncode == 0, f"consume of the generated values: {describe(result)}")
    messages = json_lines(result.stdout, "consume --json (generated)")
    check(len(messages) == count, f"consumed {len(messages)} generated values, expected {count}")
    for message in messages:
        value = message.get("value", "")
        check(isinstance(value, str) and len(value.encode()) == size,
              f"generated value of {len(str(value).encode())} bytes, expected {size}: {value!r}")
        check(message.get("partition") == 1, f"generated value on partition "
                                             f"{message.get('partition')}, -p 1 was given")
        check(message.get("key") is None, f"generated value with a key: {message}")
    check(sorted(m.get("value", "").split(":")[0] for m in messages) ==
          [str(i) for i in range(1, count + 1)],
          f"generated values do not start with their numbers: {[m.get('value') for m in messages]}")


def check_telemetry_environment(binary, bootstrap, work):
    """The OTEL_* variables next to the flags: a service.name from OTEL_RESOURCE_ATTRIBUTES is
    kept (no --service-name), OTEL_TRACES_EXPORTER=NONE (any case) still lets --traces-file
    write, and --otlp-endpoint wins over a per-signal endpoint variable (nothing listens on the
    variable's port; the flag's receiver must get the spans)."""
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            received.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            dead_port = unused.getsockname()[1]
        traces = os.path.join(work, "environment-traces.jsonl")
        result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_ENVIRONMENT, "-n", "2",
                     "--traces-file", traces, "--metrics-file", os.path.join(work, "env-m.jsonl"),
                     "--otlp-endpoint", f"http://127.0.0.1:{server.server_port}",
                     extra_env={"OTEL_RESOURCE_ATTRIBUTES": "team=a, service.name=from-resource",
                                "OTEL_TRACES_EXPORTER": "NONE",
                                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":
                                    f"http://127.0.0.1:{dead_port}/v1/traces",
                                "OTEL_EXPORTER_OTLP_TIMEOUT": "2000"})
        check(result.returncode == 0, f"produce with OTEL_* variables: {describe(result)}")
        spans, services = load_spans(traces, "produce (OTEL_* variables)")
        check(len(spans) == 2, f"OTEL_TRACES_EXPORTER=NONE + --traces-file: {len(spans)} spans "
                               f"in the file, expected 2")
        check(services == {"from-resource"},
              f"service.name {services}, expected the one of OTEL_RESOURCE_ATTRIBUTES")
        check("/v1/traces" in received,
              f"--otlp-endpoint did not receive the spans (requests: {received})")
    finally:
        server.shutdown()


def check_timeout(binary, bootstrap):
    """--timeout ends the command once nothing new comes; before -n COUNT it is a failure."""
    started = time.monotonic()
    result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "--timeout", "2",
                 "--json", timeout=40)
    took = time.monotonic() - started
    check(result.returncode == 0, f"consume --timeout 2: {describe(result)}")
    check(len(json_lines(result.stdout, "consume --timeout")) == 5,
          f"consume --timeout 2 printed {len(result.stdout.splitlines())} messages, expected 5")
    check(took < 25, f"consume --timeout 2 took {took:.1f} s")
    result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-n", "10",
                 "--timeout", "2", timeout=40)
    check(result.returncode == 1, f"consume -n 10 --timeout 2 of 5 messages: {describe(result)}"
                                  ", expected 1 (timed out before COUNT)")
    check(len(result.stdout.splitlines()) == 5,
          f"consume -n 10 --timeout 2 printed {len(result.stdout.splitlines())} messages")
    check("timed out" in result.stderr, f"consume -n 10 --timeout 2: {result.stderr!r}")


def check_failures(binary, bootstrap):
    result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-X",
                 "no.such.property=1", "--json", stdin="never sent\n")
    check(result.returncode == 2, f"produce -X no.such.property=1: {describe(result)}, "
                                  "expected 2 (a property librdkafka rejects, as --help says)")
    check("no.such.property" in result.stderr,
          f"produce -X no.such.property=1: stderr does not name it: {result.stderr!r}")
    check(result.stdout == "", f"produce -X no.such.property=1 wrote {result.stdout!r}")
    result = run(binary, "consume", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-X",
                 "no.such.property=1")
    check(result.returncode == 2, f"consume -X no.such.property=1: {describe(result)}")
    check("no.such.property" in result.stderr,
          f"consume -X no.such.property=1: stderr does not name it: {result.stderr!r}")
    check(result.stdout == "", f"consume -X no.such.property=1 wrote {result.stdout!r}")

    partition = PARTITIONS + 4
    result = run(binary, "produce", "-b", bootstrap, "-t", TOPIC_ROUND_TRIP, "-p", str(partition),
                 "--json", "-X", "message.timeout.ms=5000", stdin="nowhere\n")
    check(result.returncode == 1, f"produce -p {partition} (no such partition): "
                                  f"{describe(result)}, expected 1")
    reports = json_lines(result.stdout, f"produce -p {partition}")
    if check(len(reports) == 1, f"produce -p {partition}: {len(reports)} --json lines"):
        check(reports[0].get("error") and reports[0].get("offset") is None
              and reports[0].get("error_message"),
              f"produce -p {partition}: the --json line has no error: {reports[0]}")
    check("not delivered" in result.stderr and "1 failed" in result.stderr,
          f"produce -p {partition}: stderr {result.stderr!r}")


def main():
    if len(sys.argv) < 2:
        print(f"usage: {sys.argv[0]} KAFKATRACE_BINARY", file=sys.stderr)
        return 2
    binary = sys.argv[1]
    started = time.monotonic()
    check_help_and_usage(binary)
    try:
        broker = Broker(binary, [TOPIC_ROUND_TRIP, TOPIC_COMMITS, TOPIC_GENERATED,
                                 TOPIC_ENVIRONMENT])
    except (RuntimeError, OSError) as error:
        check(False, f"cannot start the embedded broker: {error}")
        print(f"{NAME}: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="kt-produce-consume-") as work:
            produced = produce_round_trip(binary, broker.bootstrap, work)
            if produced:
                consumed, *_ = in_parallel(
                    ("round-trip consume",
                     lambda: consume_round_trip(binary, broker.bootstrap, work)),
                    ("commits", lambda: check_commits(binary, broker.bootstrap)),
                    ("generated", lambda: check_generated(binary, broker.bootstrap)),
                    ("timeout", lambda: check_timeout(binary, broker.bootstrap)),
                    ("failures", lambda: check_failures(binary, broker.bootstrap)),
                    ("environment",
                     lambda: check_telemetry_environment(binary, broker.bootstrap, work)))
                if consumed:
                    check_round_trip(produced, consumed)
    finally:
        code = broker.stop()
        check(code == 0, f"the broker exited {code} on SIGTERM, expected 0")
    print(f"{NAME}: took {time.monotonic() - started:.1f} s")
    if failures:
        print(f"{NAME}: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"{NAME}: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
