#!/usr/bin/env python3
"""Compares the OpenTelemetry Collector's file-exporter output with otlp_trace_emitter manifests.

    check_collector_output.py TRACES_JSONL MANIFEST [MANIFEST ...]

TRACES_JSONL holds one OTLP/JSON ExportTraceServiceRequest per line, as the Collector re-encoded
what it received from our exporters. Every manifest span must appear exactly once, with every
field equal: ids, traceState, parentSpanId, flags (sampled bit and the is-remote bits 8/9), name,
kind, times, attributes (key, type and value, in order), events, links, dropped counts, status,
and its scope and resource. Extra spans, extra fields, duplicate keys or a wrong number of
requests are differences too. Exit status: 0 when equal, 1 on any difference, 2 on bad input.

Python 3 standard library only. The OTLP/JSON rules applied when reading are those of
https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding (absent field = default value).
"""
import json
import math
import struct
import sys

KNOWN_KEYS = {
    "request": {"resourceSpans"},
    "resourceSpans": {"resource", "scopeSpans", "schemaUrl"},
    "resource": {"attributes", "droppedAttributesCount", "entityRefs"},
    "scopeSpans": {"scope", "spans", "schemaUrl"},
    "scope": {"name", "version", "attributes", "droppedAttributesCount"},
    "span": {"traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
             "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount",
             "events", "droppedEventsCount", "links", "droppedLinksCount", "status"},
    "event": {"timeUnixNano", "name", "attributes", "droppedAttributesCount"},
    "link": {"traceId", "spanId", "traceState", "attributes", "droppedAttributesCount", "flags"},
    "status": {"message", "code"},
    "keyValue": {"key", "value"},
    "anyValue": {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue",
                 "kvlistValue", "bytesValue"},
    "arrayValue": {"values"},
}
SPECIAL_DOUBLES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def parse_json_int(text):
    """json's parse_int: keeps the sign of a "-0" (a double -0.0 written without a fraction)."""
    return -0.0 if text == "-0" else int(text)


def load_json(text):
    return json.loads(text, parse_int=parse_json_int)


class Differences:
    def __init__(self):
        self.items = []

    def add(self, path, message):
        self.items.append(f"{path}: {message}")


def check_keys(obj, kind, path, diffs):
    if not isinstance(obj, dict):
        diffs.add(path, f"expected a JSON object ({kind}), got {obj!r}")
        return {}
    for key in obj:
        if key not in KNOWN_KEYS[kind]:
            diffs.add(path, f"unexpected field {key!r} in {kind}")
    return obj


def as_int(value, path, diffs):
    """An OTLP/JSON integer: a number or (64-bit fields) a decimal string."""
    if isinstance(value, bool):
        diffs.add(path, f"expected an integer, got {value!r}")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    diffs.add(path, f"expected an integer, got {value!r}")
    return None


def as_double(value, path, diffs):
    if isinstance(value, str) and value in SPECIAL_DOUBLES:
        return SPECIAL_DOUBLES[value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    diffs.add(path, f"expected a double, got {value!r}")
    return None


def double_equal(a, b):
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)  # also tells -0.0 from 0.0


def scalar_of(any_value, path, diffs):
    """(type, value) of one AnyValue; type is string/bool/int/double, "[]" for an empty array."""
    obj = check_keys(any_value, "anyValue", path, diffs)
    if len(obj) != 1:
        diffs.add(path, f"AnyValue must hold exactly one member, got {sorted(obj)}")
        return ("invalid", None)
    (member, value), = obj.items()
    if member == "stringValue" and isinstance(value, str):
        return ("string", value)
    if member == "boolValue" and isinstance(value, bool):
        return ("bool", value)
    if member == "intValue":
        return ("int", as_int(value, path + ".intValue", diffs))
    if member == "doubleValue":
        return ("double", as_double(value, path + ".doubleValue", diffs))
    if member == "arrayValue":
        array = check_keys(value, "arrayValue", path + ".arrayValue", diffs)
        elements = [scalar_of(v, f"{path}.arrayValue.values[{i}]", diffs)
                    for i, v in enumerate(array.get("values", []))]
        types = {t for t, _ in elements}
        if not elements:
            return ("[]", [])
        if len(types) != 1 or next(iter(types)).endswith("]"):
            diffs.add(path, f"array elements of mixed or nested types {sorted(types)}")
            return ("invalid", None)
        return (types.pop() + "[]", [v for _, v in elements])
    diffs.add(path, f"unsupported AnyValue member {member}={value!r}")
    return ("invalid", None)


def attributes_of(obj, path, diffs):
    result, seen = [], set()
    for i, kv in enumerate(obj.get("attributes", [])):
        kv_path = f"{path}.attributes[{i}]"
        kv = check_keys(kv, "keyValue", kv_path, diffs)
        key = kv.get("key", "")
        if key in seen:
            diffs.add(kv_path, f"duplicate key {key!r}")
        seen.add(key)
        type_, value = scalar_of(kv.get("value", {}), kv_path + ".value", diffs)
        result.append((key, type_, value))
    return result


def expected_attributes(items):
    result = []
    for item in items:
        type_, value = item["type"], item["value"]
        if type_ == "int":
            value = int(value)
        elif type_ == "int[]":
            value = [int(v) for v in value]
        elif type_ == "double":
            value = SPECIAL_DOUBLES.get(value, value) if isinstance(value, str) else float(value)
        elif type_ == "double[]":
            value = [SPECIAL_DOUBLES[v] if isinstance(v, str) else float(v) for v in value]
        result.append((item["key"], type_, value))
    return result


def compare_attributes(path, expected, actual, diffs):
    if len(expected) != len(actual):
        diffs.add(path + ".attributes", f"expected {len(expected)} attributes "
                  f"{[k for k, _, _ in expected]}, got {len(actual)} {[k for k, _, _ in actual]}")
    for i, ((ek, et, ev), (ak, at, av)) in enumerate(zip(expected, actual)):
        where = f"{path}.attributes[{i}] ({ek!r})"
        if ek != ak:
            diffs.add(where, f"key: expected {ek!r}, got {ak!r}")
        type_ok = et == at or (at == "[]" and et.endswith("[]") and ev == [])
        if not type_ok:
            diffs.add(where, f"type: expected {et}, got {at} ({av!r})")
            continue
        if et.startswith("double"):
            evs, avs = (ev, av) if et.endswith("[]") else ([ev], [av])
            same = len(evs) == len(avs) and all(double_equal(a, b) for a, b in zip(evs, avs))
        else:
            same = ev == av
        if not same:
            diffs.add(where, f"value: expected {ev!r}, got {av!r}")


def compare_field(path, name, expected, actual, diffs):
    if expected != actual:
        diffs.add(f"{path}.{name}", f"expected {expected!r}, got {actual!r}")


def count_of(obj, name, path, diffs):
    return as_int(obj.get(name, 0), f"{path}.{name}", diffs)


def normalize_span(span, path, diffs):
    """The span's fields with OTLP/JSON defaults filled in."""
    s = check_keys(span, "span", path, diffs)
    status = check_keys(s.get("status", {}), "status", path + ".status", diffs)
    events, links = [], []
    for i, e in enumerate(s.get("events", [])):
        e_path = f"{path}.events[{i}]"
        e = check_keys(e, "event", e_path, diffs)
        events.append({"name": e.get("name", ""),
                       "timeUnixNano": as_int(e.get("timeUnixNano", "0"), e_path, diffs),
                       "attributes": attributes_of(e, e_path, diffs),
                       "droppedAttributesCount": count_of(e, "droppedAttributesCount", e_path,
                                                          diffs)})
    for i, link in enumerate(s.get("links", [])):
        l_path = f"{path}.links[{i}]"
        link = check_keys(link, "link", l_path, diffs)
        links.append({"traceId": link.get("traceId", ""), "spanId": link.get("spanId", ""),
                      "traceState": link.get("traceState", ""),
                      "flags": count_of(link, "flags", l_path, diffs),
                      "attributes": attributes_of(link, l_path, diffs),
                      "droppedAttributesCount": count_of(link, "droppedAttributesCount", l_path,
                                                         diffs)})
    return {
        "traceId": s.get("traceId", ""), "spanId": s.get("spanId", ""),
        "traceState": s.get("traceState", ""), "parentSpanId": s.get("parentSpanId", ""),
        "flags": count_of(s, "flags", path, diffs), "name": s.get("name", ""),
        "kind": as_int(s.get("kind", 0), path + ".kind", diffs),
        "startTimeUnixNano": as_int(s.get("startTimeUnixNano", "0"), path, diffs),
        "endTimeUnixNano": as_int(s.get("endTimeUnixNano", "0"), path, diffs),
        "attributes": attributes_of(s, path, diffs),
        "droppedAttributesCount": count_of(s, "droppedAttributesCount", path, diffs),
        "events": events, "droppedEventsCount": count_of(s, "droppedEventsCount", path, diffs),
        "links": links, "droppedLinksCount": count_of(s, "droppedLinksCount", path, diffs),
        "status": {"code": as_int(status.get("code", 0), path + ".status.code", diffs),
                   "message": status.get("message", "")},
    }


def compare_span(path, expected, actual, diffs):
    for name in ("traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
                 "droppedAttributesCount", "droppedEventsCount", "droppedLinksCount", "status"):
        compare_field(path, name, expected[name], actual[name], diffs)
    for name in ("startTimeUnixNano", "endTimeUnixNano"):
        compare_field(path, name, int(expected[name]), actual[name], diffs)
    compare_attributes(path, expected_attributes(expected["attributes"]), actual["attributes"],
                       diffs)
    for kind in ("events", "links"):
        if len(expected[kind]) != len(actual[kind]):
            diffs.add(f"{path}.{kind}",
                      f"expected {len(expected[kind])}, got {len(actual[kind])}")
        for i, (e, a) in enumerate(zip(expected[kind], actual[kind])):
            where = f"{path}.{kind}[{i}]"
            for name in e:
                if name == "attributes":
                    compare_attributes(where, expected_attributes(e[name]), a[name], diffs)
                elif name == "timeUnixNano":
                    compare_field(where, name, int(e[name]), a[name], diffs)
                else:
                    compare_field(where, name, e[name], a[name], diffs)


def compare_resource(path, manifest, resource, schema_url, diffs):
    resource = check_keys(resource, "resource", path, diffs)
    compare_attributes(path, expected_attributes(manifest["resource"]["attributes"]),
                       attributes_of(resource, path, diffs), diffs)
    compare_field(path, "droppedAttributesCount", 0,
                  count_of(resource, "droppedAttributesCount", path, diffs), diffs)
    compare_field(path, "schemaUrl", manifest["resource"]["schemaUrl"], schema_url, diffs)


def compare_scope(path, expected, scope, schema_url, diffs):
    scope = check_keys(scope, "scope", path, diffs)
    compare_field(path, "name", expected["name"], scope.get("name", ""), diffs)
    compare_field(path, "version", expected["version"], scope.get("version", ""), diffs)
    compare_field(path, "attributes", [], attributes_of(scope, path, diffs), diffs)
    compare_field(path, "schemaUrl", expected["schemaUrl"], schema_url, diffs)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            raw_lines = [line for line in f.read().split(b"\n") if line.strip()]
        manifests = []
        for path in argv[2:]:
            with open(path, encoding="utf-8") as f:
                manifests.append(load_json(f.read()))
    except (OSError, ValueError) as error:
        print(f"check_collector_output: cannot read input: {error}", file=sys.stderr)
        return 2

    diffs = Differences()
    # The Collector writes strings as it received them: invalid UTF-8 here means our request
    # carried it (a proto3 string must be valid UTF-8). Reported, then compared with U+FFFD.
    lines = []
    for n, raw in enumerate(raw_lines, 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            diffs.add(f"line {n}", f"not valid UTF-8 at byte {error.start}: "
                      f"{raw[max(0, error.start - 30):error.start + 10]!r}")
            lines.append(raw.decode("utf-8", errors="replace"))
    expected = {}  # (traceId, spanId) -> (manifest index, span index)
    for m, manifest in enumerate(manifests):
        for i, span in enumerate(manifest["spans"]):
            expected[(span["traceId"], span["spanId"])] = (m, i)
    wanted_requests = sum(manifest["expectedRequests"] for manifest in manifests)
    if len(lines) != wanted_requests:
        diffs.add(argv[1], f"expected {wanted_requests} requests (lines), got {len(lines)}")

    seen = {}
    for n, line in enumerate(lines, 1):
        request_path = f"line {n}"
        try:
            request = check_keys(load_json(line), "request", request_path, diffs)
        except ValueError as error:
            diffs.add(request_path, f"not JSON: {error}")
            continue
        resources_seen = []
        for r, rs in enumerate(request.get("resourceSpans", [])):
            rs_path = f"{request_path}.resourceSpans[{r}]"
            rs = check_keys(rs, "resourceSpans", rs_path, diffs)
            resource = rs.get("resource", {})
            if resource in resources_seen:
                diffs.add(rs_path, "a second ResourceSpans for an equal resource (not grouped)")
            resources_seen.append(resource)
            scopes_seen = []
            for s, ss in enumerate(rs.get("scopeSpans", [])):
                ss_path = f"{rs_path}.scopeSpans[{s}]"
                ss = check_keys(ss, "scopeSpans", ss_path, diffs)
                scope_key = (ss.get("scope", {}), ss.get("schemaUrl", ""))
                if scope_key in scopes_seen:
                    diffs.add(ss_path, "a second ScopeSpans for an equal scope (not grouped)")
                scopes_seen.append(scope_key)
                if not ss.get("spans"):
                    diffs.add(ss_path, "ScopeSpans without spans")
                order = []
                for k, raw in enumerate(ss.get("spans", [])):
                    span_path = f"{ss_path}.spans[{k}]"
                    actual = normalize_span(raw, span_path, diffs)
                    key = (actual["traceId"], actual["spanId"])
                    if key not in expected:
                        diffs.add(span_path, f"span {actual['name']!r} {key} is in no manifest")
                        continue
                    if key in seen:
                        diffs.add(span_path, f"span {actual['name']!r} also at {seen[key]}")
                        continue
                    seen[key] = span_path
                    m, i = expected[key]
                    order.append((m, i))
                    manifest, want = manifests[m], manifests[m]["spans"][expected[key][1]]
                    where = f"{span_path} (manifest {m + 1} span {want['name']!r})"
                    compare_span(where, want, actual, diffs)
                    compare_resource(f"{where}.resource", manifest, resource,
                                     rs.get("schemaUrl", ""), diffs)
                    compare_scope(f"{where}.scope", manifest["scopes"][want["scope"]],
                                  ss.get("scope", {}), ss.get("schemaUrl", ""), diffs)
                if order != sorted(order):
                    diffs.add(ss_path, "spans are not in the order they were ended")
    for key, (m, i) in expected.items():
        if key not in seen:
            diffs.add(f"manifest {m + 1}", f"span {manifests[m]['spans'][i]['name']!r} {key} "
                      "was not received")

    if diffs.items:
        print(f"check_collector_output: {len(diffs.items)} difference(s):", file=sys.stderr)
        for item in diffs.items:
            print("  " + item, file=sys.stderr)
        return 1
    print(f"check_collector_output: OK: {len(seen)} spans in {len(lines)} requests match "
          f"{len(manifests)} manifest(s) field by field")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
