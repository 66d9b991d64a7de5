"""Reads the spans of the Java trace chain (OTLP/JSON lines from both sides) and checks the chain.

Both kafkatrace's --traces-file and the relay's OtlpJsonLinesSpanExporter write one OTLP/JSON
ExportTraceServiceRequest per line, so one reader serves both. check_chain returns a list of
problems (empty when the chain holds) and prints the chain it found.
"""

import json

KIND_PRODUCER = 4
KIND_CONSUMER = 5
KIND_NAMES = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
# Two processes' clocks on one machine: allowed disagreement when ordering their spans.
CLOCK_SLACK_NS = 100_000_000
# The names the pinned instrumentation (2.31.1) gives its spans, per conventions mode (measured).
JAVA_SPAN_NAMES = {
    "old": {"process": "{topic} process", "send": "{topic} publish"},
    "stable": {"process": "process {topic}", "send": "send {topic}"},
}


def _value(any_value):
    """An OTLP/JSON AnyValue as a Python value (ints stay strings/ints as written)."""
    if "arrayValue" in any_value:
        return [_value(v) for v in any_value["arrayValue"].get("values", [])]
    return next(iter(any_value.values()), None)


def load_spans(path):
    spans = []
    if not path.exists():
        return spans
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"chain_java: FAIL: {path}:{number}: not JSON: {error}")
        for resource_spans in request.get("resourceSpans", []):
            resource = {a["key"]: _value(a["value"])
                        for a in resource_spans.get("resource", {}).get("attributes", [])}
            for scope_spans in resource_spans.get("scopeSpans", []):
                for span in scope_spans.get("spans", []):
                    spans.append({
                        "service": resource.get("service.name", "?"),
                        "scope": scope_spans.get("scope", {}).get("name", ""),
                        "name": span.get("name", ""),
                        "kind": int(span.get("kind", 0)),
                        "traceId": span.get("traceId", "").lower(),
                        "spanId": span.get("spanId", "").lower(),
                        "parentSpanId": span.get("parentSpanId", "").lower(),
                        "links": [(link.get("traceId", "").lower(), link.get("spanId", "").lower())
                                  for link in span.get("links", [])],
                        "attributes": {a["key"]: _value(a["value"])
                                       for a in span.get("attributes", [])},
                        "start": int(span.get("startTimeUnixNano", 0)),
                        "end": int(span.get("endTimeUnixNano", 0)),
                    })
    return spans


def load_json_lines(text):
    """`kafkatrace consume --json` output: one JSON object per consumed message."""
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise SystemExit(f"chain_java: FAIL: kafkatrace consume --json printed non-JSON: {error}")


def load_report(path):
    if not path.exists():
        raise SystemExit(f"chain_java: FAIL: the relay wrote no report ({path})")
    return json.loads(path.read_text())


def _one(problems, spans, kind, topic, where):
    """The single span of `kind` whose name mentions `topic`, or None (with a problem noted)."""
    found = [s for s in spans if s["kind"] == kind and topic in s["name"]]
    if len(found) != 1:
        seen = ", ".join(f"{s['name']!r}/{KIND_NAMES.get(s['kind'], s['kind'])}" for s in spans)
        problems.append(f"{where}: expected one {KIND_NAMES[kind]} span naming {topic}, "
                        f"found {len(found)} (spans: {seen or 'none'})")
        return None
    return found[0]


def _header(headers, name):
    values = [value for key, value in headers if key == name]
    return values[0] if len(values) == 1 else None


def check_chain(spans, report, in_topic, out_topic, semconv, consumed, payload):
    problems = []
    cpp_send = _one(problems, spans["cpp_produce"], KIND_PRODUCER, in_topic, "C++ producer")
    java_process = _one(problems, spans["java"], KIND_CONSUMER, in_topic, "Java relay")
    java_send = _one(problems, spans["java"], KIND_PRODUCER, out_topic, "Java relay")
    cpp_process = _one(problems, spans["cpp_consume"], KIND_CONSUMER, out_topic, "C++ consumer")
    if None in (cpp_send, java_process, java_send, cpp_process):
        return problems
    chain = [("C++ send", cpp_send), ("Java process", java_process), ("Java send", java_send),
             ("C++ process", cpp_process)]

    trace_id = cpp_send["traceId"]
    if len(trace_id) != 32 or set(trace_id) == {"0"}:
        problems.append(f"our send span has an invalid trace id {trace_id!r}")
    for label, span in chain:
        if span["traceId"] != trace_id:
            problems.append(f"{label} span is in trace {span['traceId']}, not {trace_id}")
    for (parent_label, parent), (label, child) in zip(chain, chain[1:]):
        if child["parentSpanId"] != parent["spanId"]:
            problems.append(f"{label} span's parent is {child['parentSpanId'] or '(none)'}, "
                            f"not the {parent_label} span {parent['spanId']}")
        if child["start"] + CLOCK_SLACK_NS < parent["start"]:
            problems.append(f"{label} span starts before its parent, the {parent_label} span")
    process_time = (java_process["start"], java_process["end"])
    if not process_time[0] <= java_send["start"] <= java_send["end"] <= process_time[1]:
        problems.append("the Java send span is not inside the Java process span's time")

    names = JAVA_SPAN_NAMES[semconv]
    for span, operation, topic in ((java_process, "process", in_topic),
                                   (java_send, "send", out_topic)):
        expected = names[operation].format(topic=topic)
        if span["name"] != expected:
            problems.append(f"Java {operation} span is named {span['name']!r}, not {expected!r} "
                            f"({semconv} conventions)")
    # The relay's process span links to the producer's context only under stable conventions.
    expected_links = [(trace_id, cpp_send["spanId"])] if semconv == "stable" else []
    if java_process["links"] != expected_links:
        problems.append(f"Java process span links {java_process['links']}, not {expected_links}")
    for link in cpp_process["links"]:
        if link != (trace_id, java_send["spanId"]):
            problems.append(f"our process span links {link}, not the Java send span")

    # The wire: W3C traceparent in, and the one the instrumentation wrote out.
    sampled = f"-{trace_id}-"
    incoming = _header(report["consumed"]["headers"], "traceparent")
    if incoming != f"00{sampled}{cpp_send['spanId']}-01":
        problems.append(f"the relay received traceparent {incoming!r} from our producer")
    outgoing = _header(report["produced"]["headers"], "traceparent")
    if outgoing != f"00{sampled}{java_send['spanId']}-01":
        problems.append(f"the Java producer wrote traceparent {outgoing!r}")
    current = report["currentWhileProcessing"]
    if (current["traceId"], current["spanId"]) != (trace_id, java_process["spanId"]):
        problems.append(f"the span current while relaying was {current}, not the process span")
    # What our consumer reports for the message: the relayed payload, the Java traceparent header,
    # and its process span's ids.
    if len(consumed) != 1 or consumed[0].get("value") != payload:
        problems.append(f"our consumer printed {consumed}, not one message {payload!r}")
    else:
        message = consumed[0]
        headers = [(h.get("name"), h.get("value")) for h in message.get("headers", [])]
        if _header(headers, "traceparent") != outgoing:
            problems.append(f"our consumer saw headers {headers}, not traceparent {outgoing!r}")
        ids = (message.get("trace_id"), message.get("span_id"), message.get("parent_span_id"))
        if ids != (trace_id, cpp_process["spanId"], java_send["spanId"]):
            problems.append(f"our consumer printed trace/span/parent ids {ids}, not those of its "
                            "process span")

    print(f"chain_java: trace {trace_id}")
    for label, span in chain:
        print(f"  {label:<13} {span['spanId']} parent {span['parentSpanId'] or '-':<16} "
              f"{KIND_NAMES.get(span['kind'])}  {span['name']!r}  [{span['service']}]"
              + (f" links {span['links']}" if span["links"] else ""))
    print("  headers in:  " + ", ".join(k for k, _ in report["consumed"]["headers"]))
    print("  headers out: " + ", ".join(k for k, _ in report["produced"]["headers"]))
    return problems
