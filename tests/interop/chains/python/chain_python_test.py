"""interop.chain_python: C++ -> confluent-kafka (Python) -> C++ on the real Apache Kafka broker.

    chain_python_test.py KAFKATRACE_CLI [WORK_DIR]

`kafkatrace produce` sends one message to T1; relay.py (confluent-kafka 2.16.1 + the official
opentelemetry-instrumentation-confluent-kafka 0.66b1 + the OpenTelemetry Python SDK 1.45.1, in
the virtualenv of scripts/setup.d/python-peer.sh) polls it and produces a reply to T2 while the
instrumentation's process span is current; `kafkatrace consume` reads T2.

What this instrumentation does, and what is checked (see README.md): it does NOT make its
process span a child of our send span. poll() opens a root CONSUMER span `recv` (a new trace),
the CONSUMER span `<topic> process` is its child and carries a LINK to our send span; the reply's
`<topic> send` span is a child of that process span, so the second half of the chain runs in the
new trace, which our consumer continues. The chain is therefore two traces joined by a link.
The test asserts exactly that shape (span kinds, parents, the link, the traceparent on the wire
both ways), so a change in the instrumentation shows up as a failure here.
Environment: KAFKATRACE_CACHE (virtualenv under $KAFKATRACE_CACHE/python-peer, default
~/.cache/kafkatrace), KAFKATRACE_TEST_BOOTSTRAP_FILE (set by ctest).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))

import chain  # noqa: E402  pylint: disable=wrong-import-position
import spans as span_io  # noqa: E402  pylint: disable=wrong-import-position

TEST = "chain_python"
SCOPE = "opentelemetry.instrumentation.confluent_kafka@0.66b1"


def find_peer_python():
    cache = os.environ.get("KAFKATRACE_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "kafkatrace")
    python = os.path.join(cache, "python-peer", "bin", "python")
    if not os.access(python, os.X_OK):
        chain.fail_now(TEST, f"the Python peer virtualenv is missing ({python}): run "
                             "scripts/setup.d/python-peer.sh (scripts/setup.sh test does)")
    return python


def check_chain(checks, run):
    spans = run.peer_spans
    checks.expect(spans and all(s.scope == SCOPE for s in spans),
                  f"every peer span comes from {SCOPE}", f"{[s.scope for s in spans]}")
    for name in ("confluent_kafka", "instrumentation", "sdk"):
        print(f"  peer {name}: {run.relay.get(name)}")
    print(f"  peer librdkafka (bundled in the wheel): {run.relay.get('librdkafka')}")
    send = next((s for s in run.produce_spans
                 if s.kind == "PRODUCER" and s.name == f"send {run.in_topic}"), None)

    recv = checks.one(spans, "CONSUMER span 'recv' around poll()",
                      lambda s: s.kind == "CONSUMER" and s.name == "recv")
    if recv and send:
        checks.expect(recv.parent_span_id == "" and recv.trace_id != send.trace_id,
                      "'recv' is the root of a NEW trace (not a child of our send span)",
                      recv.describe())
    process = checks.one(spans, f"CONSUMER span '{run.in_topic} process'",
                         lambda s: s.kind == "CONSUMER" and s.name == f"{run.in_topic} process")
    if process and recv and send:
        checks.expect(process.trace_id == recv.trace_id and
                      process.parent_span_id == recv.span_id,
                      "the process span is a child of 'recv' (new trace)", process.describe())
        checks.expect(process.links == [span_io.Link(send.trace_id, send.span_id)],
                      "the process span LINKS our send span (its only link)", f"{process.links}")
        attributes = process.attributes
        checks.expect(attributes.get("messaging.operation") == "process" and
                      attributes.get("messaging.destination") == run.in_topic and
                      attributes.get("messaging.kafka.partition") == 0,
                      "process span: pre-v1.24 names (messaging.operation=process, "
                      "messaging.destination, messaging.kafka.partition)", f"{attributes}")
    peer_send = checks.one(spans, f"PRODUCER span '{run.out_topic} send'",
                           lambda s: s.kind == "PRODUCER" and s.name == f"{run.out_topic} send")
    if peer_send and process:
        checks.expect(peer_send.trace_id == process.trace_id and
                      peer_send.parent_span_id == process.span_id,
                      "the Python send span is a child of the process span (produce() while it "
                      "is current)", peer_send.describe())
    sent_headers = run.relay.get("sent", {}).get("headers", {})
    checks.expect(set(sent_headers) <= {"traceparent", "tracestate", "baggage"} and
                  "traceparent" in sent_headers,
                  "the instrumentation wrote W3C headers only (traceparent [+tracestate, baggage])",
                  f"{sent_headers}")
    checks.expect("baggage" not in sent_headers,
                  "our baggage is NOT forwarded (extracted only for the link)", f"{sent_headers}")
    _, our_process = chain.check_cpp_ends(checks, run, peer_send)
    if our_process and send and recv:
        checks.expect(our_process.trace_id == recv.trace_id != send.trace_id,
                      "two traces joined by a link: our consumer continues the Python trace, "
                      "not our producer's", f"ours {send.trace_id}, Python {recv.trace_id}")


def main():
    python = find_peer_python()
    return chain.run_test(TEST, "confluent-kafka", [python, os.path.join(HERE, "relay.py")],
                          check_chain, sys.argv)


if __name__ == "__main__":
    sys.exit(main())
