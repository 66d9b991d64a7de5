#!/usr/bin/env python3
"""Jaeger as a real backend for `kafkatrace demo --otlp-endpoint`.

    jaeger_demo_test.py KAFKATRACE_BINARY

Starts the pinned Jaeger v2 (scripts/setup.d/jaeger.sh builds it; JAEGER_BIN overrides) with
in-memory storage, its OTLP/HTTP receiver and its query API on free loopback ports; runs the demo
against it; then reads the traces back through Jaeger's HTTP API (/api/traces?service=...) and
checks that one trace holds place_order -> send orders (producer) -> process orders (consumer) ->
process_order (internal) by parent references (the first reference of each span), and that the batch's process span refers to
the send spans. Jaeger is stopped at the end, on failure too. Exit 0 on success, 1 on failure
(a missing Jaeger is a failure, with what to do about it).
"""
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[3]
SERVICE = f"kafkatrace-demo-jaeger-{os.getpid()}"


class Failure(Exception):
    pass


def log(message):
    print(f"jaeger_demo: {message}", flush=True)


def locate_jaeger():
    if os.environ.get("JAEGER_BIN"):
        path = pathlib.Path(os.environ["JAEGER_BIN"])
        if not os.access(path, os.X_OK):
            raise Failure(f"JAEGER_BIN={path} is not an executable")
        return path
    script = REPO / "scripts" / "setup.d" / "jaeger.sh"
    found = subprocess.run(["bash", str(script), "--locate"], capture_output=True, text=True)
    if found.returncode != 0:
        raise Failure("Jaeger is missing: " + found.stderr.strip())
    return pathlib.Path(found.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(path, otlp_port, query_port, grpc_port):
    # Only what the test needs: nothing listens beyond these three loopback ports.
    path.write_text(f"""\
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 10000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:{query_port}
    grpc:
      endpoint: 127.0.0.1:{grpc_port}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{otlp_port}
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
""")


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Jaeger:
    def __init__(self, binary, work):
        self.binary, self.work, self.process = binary, work, None
        self.log_path = work / "jaeger.log"

    def start(self):
        for attempt in range(3):  # a port picked free may be taken before Jaeger binds it
            self.otlp_port, self.query_port = free_port(), free_port()
            config = self.work / "jaeger.yaml"
            write_config(config, self.otlp_port, self.query_port, free_port())
            with open(self.log_path, "w") as log_file:
                self.process = subprocess.Popen([str(self.binary), "--config", f"file:{config}"],
                                                stdin=subprocess.DEVNULL, stdout=log_file,
                                                stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and self.process.poll() is None:
                if port_open(self.otlp_port) and self.services() is not None:
                    return
                time.sleep(0.1)
            if self.process.poll() is None:
                raise Failure(f"Jaeger did not open its ports within 60 s\n{self.log_tail()}")
            if "address already in use" not in self.log_path.read_text():
                break
            log(f"port taken (attempt {attempt + 1}); retrying")
        raise Failure(f"Jaeger exited during start-up\n{self.log_tail()}")

    def services(self):
        try:
            return get_json(f"http://127.0.0.1:{self.query_port}/api/services").get("data") or []
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def traces(self, service):
        query = urllib.parse.urlencode({"service": service, "limit": 200, "lookback": "1h"})
        return get_json(f"http://127.0.0.1:{self.query_port}/api/traces?{query}").get("data") or []

    def log_tail(self, lines=30):
        text = self.log_path.read_text() if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def tag(span, key):
    for item in span.get("tags", []):
        if item["key"] == key:
            return item["value"]
    return None


def references(span, kind):
    return [ref["spanID"] for ref in span.get("references", []) if ref["refType"] == kind]


def parent_reference(span):
    """The span's parent as Jaeger's OTLP translator records it: the first reference, in the
    span's own trace. It is CHILD_OF, except when the span also links to its parent (our process
    spans do, by design): then the translator keeps one reference, of the link's type
    (FOLLOWS_FROM), still first."""
    refs = span.get("references", [])
    if refs and refs[0]["traceID"] == span["traceID"] and \
            refs[0]["refType"] in ("CHILD_OF", "FOLLOWS_FROM"):
        return refs[0]["spanID"]
    return None


def check_traces(traces, expected_orders):
    """The demo's story as Jaeger shows it; raises Failure with what is wrong."""
    complete = 0
    send_ids = set()
    batch_spans = []
    for trace in traces:
        spans = {span["spanID"]: span for span in trace["spans"]}
        for span in spans.values():
            if span["traceID"] != trace["traceID"]:
                raise Failure(f"span {span['spanID']} is in trace {trace['traceID']} but says "
                              f"{span['traceID']}")
            service = trace["processes"][span["processID"]]["serviceName"]
            if service != SERVICE:
                raise Failure(f"span {span['operationName']} has service {service}")
            if span["operationName"] == "send orders" and tag(span, "span.kind") == "producer":
                send_ids.add(span["spanID"])
            if span["operationName"] == "process orders" and tag(span, "span.kind") == "consumer" \
                    and tag(span, "messaging.batch.message_count") is not None:
                batch_spans.append(span)
        for work in (s for s in spans.values() if s["operationName"] == "process_order"):
            # process_order -> process orders -> send orders -> place_order, by parent refs
            chain = [work]
            while len(chain) < 4:
                parent = parent_reference(chain[-1])
                if parent is None or parent not in spans:
                    break
                chain.append(spans[parent])
            names = [(s["operationName"], tag(s, "span.kind")) for s in chain]
            want = [("process_order", None), ("process orders", "consumer"),
                    ("send orders", "producer"), ("place_order", None)]
            # Jaeger leaves span.kind out for INTERNAL spans (or says "internal").
            names = [(n, None if k == "internal" else k) for n, k in names]
            if names != want:
                raise Failure(f"trace {trace['traceID']}: process_order's ancestry is {names}, "
                              f"expected {want}")
            complete += 1
    if complete < expected_orders:
        raise Failure(f"{complete} complete place_order -> send -> process -> process_order "
                      f"traces in Jaeger, expected {expected_orders}")
    linked = set()
    for span in batch_spans:
        # Span links arrive as FOLLOWS_FROM references (to spans in the orders' traces).
        linked.update(references(span, "FOLLOWS_FROM"))
    delivered_sends = {s for s in linked if s in send_ids}
    if len(delivered_sends) < expected_orders:
        raise Failure(f"the batch process spans refer to {len(delivered_sends)} send spans, "
                      f"expected {expected_orders} (batch spans: {len(batch_spans)})")
    return complete, len(batch_spans)


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} KAFKATRACE_BINARY", file=sys.stderr)
        return 2
    kafkatrace = sys.argv[1]
    orders = 4
    work = pathlib.Path(tempfile.mkdtemp(prefix="kt-jaeger-"))
    jaeger = None
    try:
        jaeger = Jaeger(locate_jaeger(), work)
        started = time.monotonic()
        jaeger.start()
        log(f"Jaeger up in {time.monotonic() - started:.1f} s: OTLP/HTTP on "
            f"127.0.0.1:{jaeger.otlp_port}, query API on 127.0.0.1:{jaeger.query_port}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        demo = subprocess.run(
            [kafkatrace, "demo", "--orders", str(orders), "--service-name", SERVICE,
             "--otlp-endpoint", f"http://127.0.0.1:{jaeger.otlp_port}"],
            capture_output=True, text=True, timeout=120, env=env)
        if demo.returncode != 0:
            raise Failure(f"kafkatrace demo exited {demo.returncode}\n{demo.stderr}")
        log("demo: " + demo.stdout.strip().splitlines()[-1])
        deadline = time.monotonic() + 20
        while True:  # the receiver hands spans to storage asynchronously
            traces = jaeger.traces(SERVICE)
            try:
                complete, batches = check_traces(traces, orders)
                break
            except Failure:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        log(f"PASS: {len(traces)} traces in Jaeger, {complete} complete order traces, "
            f"{batches} batch span(s) referring to every send")
        return 0
    except Failure as failure:
        print(f"jaeger_demo: FAIL: {failure}", file=sys.stderr)
        if jaeger is not None and jaeger.log_path.exists():
            print(f"jaeger_demo: Jaeger log tail:\n{jaeger.log_tail()}", file=sys.stderr)
        return 1
    finally:
        if jaeger is not None:
            jaeger.stop()
        for path in sorted(work.glob("*")):
            path.unlink()
        work.rmdir()


if __name__ == "__main__":
    sys.exit(main())
