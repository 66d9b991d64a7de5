"""interop.chain_js: C++ -> kafkajs -> C++ in one trace, on the real Apache Kafka broker.

    chain_js_test.py KAFKATRACE_CLI [WORK_DIR]

`kafkatrace produce` sends one message to T1; relay.js (kafkajs 2.2.4 + the official
@opentelemetry/instrumentation-kafkajs 0.32.0 + the OpenTelemetry JS SDK 2.12.0) consumes it in
eachMessage and sends a reply to T2 from the handler, while a second kafkajs consumer reads the
same message through eachBatch; `kafkatrace consume` reads T2. Checked: one trace id across
all four hops, each hop's parent span id and span kind, the traceparent on the wire both ways,
and what eachBatch does instead (a new trace linked to ours). Environment: NODE (node on PATH
when unset), KAFKATRACE_TEST_BOOTSTRAP_FILE (set by ctest). Exit 0 when every check passes.
"""

import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))

import chain  # noqa: E402  pylint: disable=wrong-import-position
import spans as span_io  # noqa: E402  pylint: disable=wrong-import-position

TEST = "chain_js"
INTEROP = os.path.normpath(os.path.join(HERE, "..", ".."))
USED = ("kafkajs", "@opentelemetry/instrumentation-kafkajs", "@opentelemetry/sdk-trace-node",
        "@opentelemetry/sdk-trace-base", "@opentelemetry/api")


def find_node():
    node = os.environ.get("NODE", "")
    if not node or node.endswith("-NOTFOUND"):
        node = shutil.which("node") or shutil.which("nodejs") or ""
    if not node or not os.access(node, os.X_OK):
        chain.fail_now(TEST, f"Node.js is required but not installed ({node or 'node not on PATH'}"
                             "; Node 20 is expected, scripts/setup.sh checks for it)")
    return node


def check_npm_packages():
    """The packages the relay uses must be installed as tests/interop/package.json pins them."""
    with open(os.path.join(INTEROP, "package.json"), encoding="utf-8") as package:
        pins = json.load(package)["dependencies"]
    for name in USED:
        manifest = os.path.join(INTEROP, "node_modules", name, "package.json")
        if name not in pins:
            chain.fail_now(TEST, f"tests/interop/package.json does not pin {name}")
        if not os.path.exists(manifest):
            chain.fail_now(TEST, f"{manifest} is missing: run 'npm ci' in tests/interop "
                                 "(scripts/setup.sh test does)")
        with open(manifest, encoding="utf-8") as package:
            installed = json.load(package)["version"]
        if installed != pins[name]:
            chain.fail_now(TEST, f"{name} is {installed}, package.json pins {pins[name]}: run "
                                 "'npm ci' in tests/interop")


def check_chain(checks, run):
    spans = run.peer_spans
    kafkajs = [s for s in spans if s.scope.startswith("@opentelemetry/instrumentation-kafkajs@")]
    checks.expect(len(kafkajs) == len(spans) and spans,
                  "every peer span comes from @opentelemetry/instrumentation-kafkajs",
                  f"{[s.scope for s in spans]}")
    send = next((s for s in run.produce_spans
                 if s.kind == "PRODUCER" and s.name == f"send {run.in_topic}"), None)
    our_trace = send.trace_id if send else None
    # eachMessage: the process span is a child of the context in the message's headers.
    process = checks.one(spans, f"eachMessage CONSUMER span 'process {run.in_topic}' in our trace",
                         lambda s: s.kind == "CONSUMER" and s.name == f"process {run.in_topic}"
                         and s.trace_id == our_trace)
    if process and send:
        checks.expect(process.parent_span_id == send.span_id,
                      "kafkajs' eachMessage process span is a child of our send span",
                      f"parent {process.parent_span_id} vs {send.span_id}")
        checks.expect(not process.links, "kafkajs' eachMessage process span has no link",
                      f"{process.links}")
        checks.expect(process.attributes.get("messaging.operation.type") == "process" and
                      process.attributes.get("messaging.destination.name") == run.in_topic,
                      "eachMessage span: messaging.operation.type=process, destination.name=T1",
                      f"{process.attributes}")
    peer_send = checks.one(spans, f"kafkajs PRODUCER span 'send {run.out_topic}'",
                           lambda s: s.kind == "PRODUCER" and s.name == f"send {run.out_topic}")
    if peer_send and process:
        checks.expect(peer_send.trace_id == our_trace, "kafkajs' send span is in our trace",
                      f"{peer_send.trace_id} vs {our_trace}")
        checks.expect(peer_send.parent_span_id == process.span_id,
                      "kafkajs' send span is a child of its eachMessage process span",
                      f"parent {peer_send.parent_span_id} vs {process.span_id}")
    sent_headers = run.relay.get("sent", {}).get("headers", {})
    checks.expect(set(sent_headers) <= {"traceparent", "tracestate", "baggage"} and
                  "traceparent" in sent_headers,
                  "kafkajs wrote W3C headers only (traceparent [+tracestate, baggage])",
                  f"{sent_headers}")
    checks.expect(sent_headers.get("baggage") == run.baggage,
                  "kafkajs forwarded our baggage (eachMessage runs in the extracted context)",
                  f"{sent_headers}")
    _, our_process = chain.check_cpp_ends(checks, run, peer_send)
    if our_process and send:
        checks.expect(our_process.trace_id == send.trace_id,
                      "one trace id across all hops: C++ send, kafkajs process, kafkajs send, "
                      "C++ process", f"{our_process.trace_id} vs {send.trace_id}")
    check_each_batch(checks, run, send)


def check_each_batch(checks, run, send):
    """eachBatch: a CLIENT 'poll' span in a new trace, per message a CONSUMER 'process' child of
    it with a link to the producer's context (the messaging conventions' batch shape)."""
    spans = run.peer_spans
    checks.expect(run.relay.get("batch_received", {}).get("count", 0) >= 1,
                  "the eachBatch consumer received the message", f"{run.relay}")
    poll = checks.one(spans, f"eachBatch CLIENT span 'poll {run.in_topic}'",
                      lambda s: s.kind == "CLIENT" and s.name == f"poll {run.in_topic}")
    if not (poll and send):
        return
    checks.expect(poll.parent_span_id == "" and poll.trace_id != send.trace_id,
                  "eachBatch poll span is a root span of a new trace",
                  f"{poll.describe()}")
    batch_process = checks.one(spans, "eachBatch CONSUMER 'process' span under the poll span",
                               lambda s: s.kind == "CONSUMER" and s.parent_span_id == poll.span_id)
    if batch_process:
        checks.expect(batch_process.trace_id == poll.trace_id,
                      "eachBatch process span is in the poll span's trace")
        checks.expect(batch_process.links == [span_io.Link(send.trace_id, send.span_id)],
                      "eachBatch process span links our send span (and only it)",
                      f"{batch_process.links}")


def main():
    node = find_node()
    check_npm_packages()
    # kafkajs cannot decompress lz4 (our default): gzip is built into kafkajs.
    return chain.run_test(TEST, "kafkajs", [node, os.path.join(HERE, "relay.js")], check_chain,
                          sys.argv, produce_options=["-X", "compression.type=gzip"])


if __name__ == "__main__":
    sys.exit(main())
