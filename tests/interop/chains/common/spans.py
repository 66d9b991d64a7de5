"""Spans of a cross-language chain, read from both sides into one shape.

Our side writes OTLP/JSON lines (the CLI's --traces-file: one ExportTraceServiceRequest per
line); the peers' relays write one JSON object per span:

    {"trace_id": hex32, "span_id": hex16, "parent_span_id": hex16 or "", "name": str,
     "kind": "PRODUCER"|"CONSUMER"|..., "attributes": {...}, "links": [{"trace_id", "span_id"}],
     "scope": "name@version"}

Standard library only (the drivers run on any python3).
"""

import dataclasses
import json

# OTLP SpanKind enum values (opentelemetry/proto/trace/v1/trace.proto).
_OTLP_KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER",
               5: "CONSUMER"}


@dataclasses.dataclass(frozen=True)
class Link:
    trace_id: str
    span_id: str


@dataclasses.dataclass
class Span:
    side: str  # "kafkatrace" or the peer's name
    trace_id: str
    span_id: str
    parent_span_id: str  # "" for a root span
    name: str
    kind: str
    attributes: dict
    links: list
    scope: str

    def describe(self):
        parent = self.parent_span_id or "(root)"
        links = ", ".join(f"{link.trace_id}/{link.span_id}" for link in self.links) or "-"
        return (f"{self.side:>12} {self.kind:<9} {self.name!r:<40} trace {self.trace_id} "
                f"span {self.span_id} parent {parent:<16} links {links}")


def _otlp_value(value):
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])  # OTLP/JSON writes int64 as a decimal string
    if "arrayValue" in value:
        return [_otlp_value(item) for item in value["arrayValue"].get("values", [])]
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _json_lines(path):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _otlp_span(span, scope_name, side):
    return Span(
        side=side,
        trace_id=span.get("traceId", "").lower(),
        span_id=span.get("spanId", "").lower(),
        parent_span_id=span.get("parentSpanId", "").lower(),
        name=span.get("name", ""),
        kind=_OTLP_KINDS.get(span.get("kind", 0), str(span.get("kind"))),
        attributes={attribute["key"]: _otlp_value(attribute.get("value", {}))
                    for attribute in span.get("attributes", [])},
        links=[Link(link.get("traceId", "").lower(), link.get("spanId", "").lower())
               for link in span.get("links", [])],
        scope=scope_name)


def read_otlp_json_lines(path, side="kafkatrace"):
    """Every span in an OTLP/JSON lines file (OTLP/JSON writes ids as lower-case hex)."""
    spans = []
    for request in _json_lines(path):
        for resource_spans in request.get("resourceSpans", []):
            for scope_spans in resource_spans.get("scopeSpans", []):
                scope = scope_spans.get("scope", {})
                scope_name = f"{scope.get('name', '')}@{scope.get('version', '')}"
                spans += [_otlp_span(span, scope_name, side)
                          for span in scope_spans.get("spans", [])]
    return spans


def read_peer_json_lines(path, side):
    """Every span a relay wrote (the shape in this module's docstring)."""
    return [Span(side=side, trace_id=span["trace_id"], span_id=span["span_id"],
                 parent_span_id=span.get("parent_span_id") or "", name=span["name"],
                 kind=span["kind"], attributes=span.get("attributes", {}),
                 links=[Link(link["trace_id"], link["span_id"]) for link in span.get("links", [])],
                 scope=span.get("scope", ""))
            for span in _json_lines(path)]


def parse_traceparent(value):
    """(trace_id, span_id, flags) of a W3C traceparent header value, or None if malformed."""
    parts = (value or "").split("-")
    if len(parts) != 4 or parts[0] != "00" or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    return parts[1], parts[2], parts[3]
