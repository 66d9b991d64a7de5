#!/usr/bin/env python3
"""`kafkatrace demo` end to end.

    demo_test.py KAFKATRACE_BINARY

One demo run with --traces-file and --html, then checks:
  - exit 0; the waterfall on stdout (parsed) has a trace place_order -> send orders (PRODUCER)
    -> process orders (CONSUMER) -> process_order (INTERNAL), a retried order (two send spans,
    the second with attempt=2) and a batch trace; no colour codes (stdout is not a terminal);
    the summary line counts every order and no dropped span;
  - the OTLP/JSON traces file says the same with ids: send span PRODUCER, process span CONSUMER
    child of it, process_order child of that, one trace id; the batch process span links to the
    send spans of every order;
  - the --html page exists and is self-contained;
  - usage errors exit 2 with a message on stderr and nothing on stdout; --help exits 0.
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ORDERS = 4
ROW = re.compile(
    r"^(?P<tree>(?:[│ ]  |[├└]─ )*)(?P<name>\S.*?)\s+"
    r"(?P<kind>INTERNAL|SERVER|CLIENT|PRODUCER|CONSUMER)\s+"
    r"(?P<duration>[\d.]+ (?:ns|µs|ms|s)|\d+m \d\ds)\s+"
    r"│(?P<bar>[█ ]+)│(?: (?P<attributes>.*))?$")
HEADING = re.compile(r"^trace (?P<id>[0-9a-f]{32})  (?P<count>\d+) spans?, .+$")
SPAN_KIND = {"SPAN_KIND_INTERNAL": 1, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"demo_test: FAIL: {message}", file=sys.stderr)
    return condition


def run(binary, *args, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.pop("NO_COLOR", None)
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout, env=env)


def parse_waterfall(text):
    """{trace id: [row dict with name, kind, depth, parent (row index or None), attributes]}"""
    traces, current, stack = {}, None, []
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = traces.setdefault(heading["id"], [])
            stack = []
            continue
        row = ROW.match(line)
        if current is None or not row:
            continue
        depth = len(row["tree"]) // 3
        del stack[depth:]
        attributes = dict(re.findall(r"(\w+)=(\S+)", row["attributes"] or ""))
        current.append({"name": row["name"], "kind": row["kind"], "depth": depth,
                        "parent": stack[-1] if stack else None, "bar": row["bar"],
                        "attributes": attributes})
        stack.append(len(current) - 1)
    return traces


def check_waterfall(stdout):
    check("\x1b[" not in stdout, "colour codes on a stdout that is not a terminal")
    traces = parse_waterfall(stdout)
    full = 0
    retried = 0
    batch = 0
    for rows in traces.values():
        check(len({len(r["bar"]) for r in rows}) == 1, "bars of one trace differ in width")
        for row in rows:
            chain = [row]
            while chain[-1]["parent"] is not None:
                chain.append(rows[chain[-1]["parent"]])
            shape = [(r["name"], r["kind"]) for r in chain]
            if shape == [("process_order", "INTERNAL"), ("process orders", "CONSUMER"),
                         ("send orders", "PRODUCER"), ("place_order", "INTERNAL")]:
                full += 1
            if row["name"] == "send orders" and row["attributes"].get("attempt") == "2":
                siblings = [r for r in rows if r["parent"] == row["parent"] and
                            r["name"] == "send orders"]
                retried += check(len(siblings) >= 2 and "error" in siblings[0]["attributes"],
                                 "the retried send has no failed first attempt beside it")
            if row["name"] == "process orders" and "batch" in row["attributes"]:
                batch += int(row["attributes"]["batch"])
                check(row["parent"] is not None and rows[row["parent"]]["name"] == "poll orders"
                      and rows[row["parent"]]["kind"] == "CLIENT",
                      "the batch process span is not a child of a poll span")
                check("links" in row["attributes"], "the batch process span shows no links")
    check(full == ORDERS, f"{full} place_order -> send -> process -> process_order chains in the "
                          f"waterfall, expected {ORDERS}:\n{stdout}")
    check(retried >= 1, "no retried order (attempt=2) in the waterfall")
    check(batch == ORDERS, f"batches cover {batch} messages, expected {ORDERS}")
    summary = [line for line in stdout.splitlines() if line.startswith("kafkatrace demo: ")]
    check(len(summary) == 1, "no summary line")
    if summary:
        check(re.search(rf"\b{ORDERS} orders produced \(\d+ retried\), {ORDERS} processed",
                        summary[0]), f"summary: {summary[0]}")
        check(f"{len(traces)} traces" in summary[0], f"summary counts traces: {summary[0]}")
        check("0 spans dropped, 0 failed to export" in summary[0], f"summary: {summary[0]}")


def load_spans(path):
    spans, services = [], set()
    for line in pathlib.Path(path).read_text().splitlines():
        if not line.strip():
            continue
        for resource_spans in json.loads(line).get("resourceSpans", []):
            for attribute in resource_spans.get("resource", {}).get("attributes", []):
                if attribute["key"] == "service.name":
                    services.add(attribute["value"]["stringValue"])
            for scope_spans in resource_spans.get("scopeSpans", []):
                spans.extend(scope_spans.get("spans", []))
    return spans, services


def kind(span):
    value = span.get("kind", 0)
    return SPAN_KIND.get(value, value) if isinstance(value, str) else value


def check_traces_file(path):
    spans, services = load_spans(path)
    check(services == {"kafkatrace-demo"}, f"service.name in the traces file: {services}")
    by_id = {span["spanId"]: span for span in spans}
    check(len(by_id) == len(spans), "span ids repeat in the traces file")
    chains = 0
    for work in (s for s in spans if s["name"] == "process_order"):
        process = by_id.get(work.get("parentSpanId", ""))
        send = by_id.get(process.get("parentSpanId", "")) if process else None
        if not check(process and send, "process_order without process and send ancestors"):
            continue
        check(kind(work) == 1, "process_order is not INTERNAL")
        check(process["name"] == "process orders" and kind(process) == 5,
              f"process_order's parent is {process['name']} kind {kind(process)}")
        check(send["name"] == "send orders" and kind(send) == 4,
              f"the process span's parent is {send['name']} kind {kind(send)}")
        check(work["traceId"] == process["traceId"] == send["traceId"],
              "send, process and process_order are not in one trace")
        chains += 1
    check(chains == ORDERS, f"{chains} send -> process -> process_order chains, expected {ORDERS}")
    sends = {s["spanId"] for s in spans if s["name"] == "send orders" and kind(s) == 4}
    delivered = {s["parentSpanId"] for s in spans if s["name"] == "process orders" and
                 kind(s) == 5 and s.get("parentSpanId") in sends}
    linked = set()
    batches = [s for s in spans if any(a["key"] == "messaging.batch.message_count"
                                       for a in s.get("attributes", []))
               and s["name"] == "process orders"]
    check(batches, "no batch process span in the traces file")
    for span in batches:
        check(kind(span) == 5, "the batch process span is not CONSUMER")
        for link in span.get("links", []):
            check(link["spanId"] in sends, "a batch link does not point at a send span")
            check(by_id.get(link["spanId"], {}).get("traceId") == link["traceId"],
                  "a batch link's trace id is not its send span's")
            linked.add(link["spanId"])
    check(linked == delivered, f"batch links reach {len(linked)} sends, the processed orders "
                               f"came from {len(delivered)}")


def check_html(path):
    page = pathlib.Path(path).read_text(encoding="utf-8")
    check(page.startswith("<!DOCTYPE html>"), "the HTML page has no doctype")
    check("process_order" in page and "send orders" in page, "the HTML page lacks the spans")
    for external in ("<script", "<link", "src=", "@import", "url(", "http:", "https:"):
        check(external not in page, f"the HTML page refers to something outside it: {external}")


def check_usage_errors(binary):
    for args, expected in ((["--bogus"], "unknown option '--bogus'"),
                           (["extra"], "unknown option 'extra'"),
                           (["--orders", "0"], "--orders needs a whole number"),
                           (["--orders"], "--orders needs a value"),
                           (["--html="], "--html is empty"),
                           (["--traces-file"], "--traces-file needs a value")):
        result = run(binary, "demo", *args, timeout=20)
        check(result.returncode == 2, f"demo {args}: exit {result.returncode}, expected 2")
        check(expected in result.stderr, f"demo {args}: stderr {result.stderr!r}")
        check(result.stdout == "", f"demo {args}: wrote to stdout")
    result = run(binary, "demo", "--help", timeout=20)
    check(result.returncode == 0 and result.stdout.startswith("usage: kafkatrace demo"),
          "demo --help")
    check("--otlp-endpoint" in result.stdout, "demo --help does not list the telemetry flags")
    result = run(binary, "demo", "--html", "/nonexistent-dir/demo.html", timeout=20)
    check(result.returncode == 1 and "cannot write /nonexistent-dir/demo.html" in result.stderr,
          f"an unwritable --html path: exit {result.returncode}, {result.stderr!r}")


def main():
    binary = sys.argv[1]
    check_usage_errors(binary)
    with tempfile.TemporaryDirectory(prefix="kt-demo-test-") as work:
        traces_file = os.path.join(work, "traces.jsonl")
        html_file = os.path.join(work, "demo.html")
        started = time.monotonic()
        result = run(binary, "demo", "--orders", str(ORDERS), "--traces-file", traces_file,
                     "--html", html_file)
        took = time.monotonic() - started
        print(f"demo_test: demo took {took:.1f} s")
        if not check(result.returncode == 0, f"demo exited {result.returncode}:\n{result.stderr}"):
            print(result.stdout)
        else:
            check_waterfall(result.stdout)
            check_traces_file(traces_file)
            check_html(html_file)
    if failures:
        print(f"demo_test: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("demo_test: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
