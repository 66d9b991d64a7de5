"""Reads the OTLP JSON-lines files of the otlp_file exporters into plain Python values.

Span: dict(trace, span, parent, name, kind, attrs, links, status, events); kind and status are
the OTLP numbers (PRODUCER 4, CONSUMER 5, CLIENT 3, INTERNAL 1; status ERROR 2); attrs map keys
to str, int, float or bool as the OTLP value type says (intValue -> int, even when encoded as a
JSON string). Metrics: name -> dict(kind, unit, points), from the last export that has the metric
(cumulative temporality: the totals); a point is dict(attrs, value) for sums and gauges and
dict(attrs, count, sum) for histograms.
"""
import json
import os

SPAN_KINDS = {"SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3,
              "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5}
STATUS_CODES = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}


def value_of(any_value):
    if "stringValue" in any_value:
        return any_value["stringValue"]
    if "intValue" in any_value:
        return int(any_value["intValue"])
    if "boolValue" in any_value:
        return bool(any_value["boolValue"])
    if "doubleValue" in any_value:
        return float(any_value["doubleValue"])
    if "arrayValue" in any_value:
        return [value_of(v) for v in any_value["arrayValue"].get("values", [])]
    return None


def attributes(items):
    return {item["key"]: value_of(item.get("value", {})) for item in items or []}


def enum(value, names):
    return names.get(value, 0) if isinstance(value, str) else int(value or 0)


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as file:
        return [json.loads(line) for line in file if line.strip()]


def read_spans(path):
    spans = []
    for request in lines(path):
        for resource in request.get("resourceSpans", []):
            for scope in resource.get("scopeSpans", []):
                for span in scope.get("spans", []):
                    spans.append({
                        "trace": span.get("traceId", ""),
                        "span": span.get("spanId", ""),
                        "parent": span.get("parentSpanId", ""),
                        "name": span.get("name", ""),
                        "kind": enum(span.get("kind"), SPAN_KINDS),
                        "attrs": attributes(span.get("attributes")),
                        "links": [{"trace": link.get("traceId", ""),
                                   "span": link.get("spanId", ""),
                                   "attrs": attributes(link.get("attributes"))}
                                  for link in span.get("links", [])],
                        "status": enum(span.get("status", {}).get("code"), STATUS_CODES),
                        "events": [event.get("name", "") for event in span.get("events", [])],
                    })
    return spans


def points_of(metric):
    for kind in ("sum", "gauge"):
        if kind in metric:
            return kind, [{"attrs": attributes(p.get("attributes")),
                           "value": float(p.get("asDouble", p.get("asInt", 0)))}
                          for p in metric[kind].get("dataPoints", [])]
    if "histogram" in metric:
        return "histogram", [{"attrs": attributes(p.get("attributes")),
                              "count": int(p.get("count", 0)), "sum": float(p.get("sum", 0))}
                             for p in metric["histogram"].get("dataPoints", [])]
    return "other", []


def read_metrics(path):
    metrics = {}
    for request in lines(path):
        for resource in request.get("resourceMetrics", []):
            for scope in resource.get("scopeMetrics", []):
                for metric in scope.get("metrics", []):
                    kind, points = points_of(metric)
                    metrics[metric["name"]] = {"kind": kind, "unit": metric.get("unit", ""),
                                               "points": points}
    return metrics
