#!/usr/bin/env python3
"""Compares metrics seen by a peer with expected_metrics.json.

  check_metrics.py otlp-json FILE EXPECTED [LINES]  OTLP/JSON requests, one per line (the
                                                    Collector's file exporter, or the npm decoder)
  check_metrics.py prometheus URL EXPECTED          series read back through Prometheus's HTTP
                                                    query API (/api/v1/query)
Exit 0 when everything matches; otherwise prints each difference and exits 1.
"""
import json
import math
import sys
import time
import urllib.parse
import urllib.request

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


def close(a, b):
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def attributes(items):
    out = {}
    for item in items or []:
        value = item.get("value", {})
        out[item["key"]] = next(iter(value.values())) if value else None
    return out


def check_otlp_request(request, expected, where):
    resource_metrics = request.get("resourceMetrics", [])
    check(len(resource_metrics) == 1, f"{where}: {len(resource_metrics)} resourceMetrics")
    if not resource_metrics:
        return
    rm = resource_metrics[0]
    resource = attributes(rm.get("resource", {}).get("attributes"))
    for key, value in expected["resource"].items():
        check(resource.get(key) == value, f"{where}: resource {key}={resource.get(key)!r}")
    scopes = rm.get("scopeMetrics", [])
    check(len(scopes) == 1, f"{where}: {len(scopes)} scopeMetrics")
    if not scopes:
        return
    scope = scopes[0].get("scope", {})
    check(scope.get("name") == expected["scope"]["name"], f"{where}: scope {scope}")
    check(scope.get("version") == expected["scope"]["version"], f"{where}: scope {scope}")
    metrics = {m["name"]: m for m in scopes[0].get("metrics", [])}
    check(sorted(metrics) == sorted(m["name"] for m in expected["metrics"]),
          f"{where}: metric names {sorted(metrics)}")
    for want in expected["metrics"]:
        got = metrics.get(want["name"])
        if got is None:
            continue
        name = f"{where}: {want['name']}"
        check(got.get("unit") == want["unit"], f"{name}: unit {got.get('unit')!r}")
        check(got.get("description") == want["description"],
              f"{name}: description {got.get('description')!r}")
        data = got.get(want["type"])
        if data is None:
            problems.append(f"{name}: no {want['type']} in {sorted(got)}")
            continue
        if want["type"] != "gauge":
            check(int(data.get("aggregationTemporality", 0)) == 2,
                  f"{name}: temporality {data.get('aggregationTemporality')}")
        if want["type"] == "sum":
            check(bool(data.get("isMonotonic", False)) == want["monotonic"],
                  f"{name}: isMonotonic {data.get('isMonotonic')}")
        points = data.get("dataPoints", [])
        check(len(points) == 1, f"{name}: {len(points)} points")
        if not points:
            continue
        point = points[0]
        check(attributes(point.get("attributes")) == want["attributes"],
              f"{name}: attributes {attributes(point.get('attributes'))}")
        check(int(point.get("timeUnixNano", 0)) > 0, f"{name}: no timeUnixNano")
        if want["type"] == "histogram":
            check(int(point.get("count", 0)) == want["count"], f"{name}: count {point.get('count')}")
            check(close(point.get("sum", 0), want["sum"]), f"{name}: sum {point.get('sum')}")
            check([int(c) for c in point.get("bucketCounts", [])] == want["bucket_counts"],
                  f"{name}: bucketCounts {point.get('bucketCounts')}")
            check([float(b) for b in point.get("explicitBounds", [])] == want["bounds"],
                  f"{name}: explicitBounds {point.get('explicitBounds')}")
            check(close(point.get("min", "nan"), want["min"]), f"{name}: min {point.get('min')}")
            check(close(point.get("max", "nan"), want["max"]), f"{name}: max {point.get('max')}")
        else:
            value = point.get("asInt", point.get("asDouble"))
            check(value is not None and close(value, want["value"]), f"{name}: value {value}")
            if isinstance(want["value"], int) and want["type"] == "sum":
                check("asInt" in point, f"{name}: expected asInt, got {sorted(point)}")


def otlp_json(path, expected, lines):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    requests = [json.loads(line) for line in text.splitlines() if line.strip()]
    check(len(requests) == lines, f"{len(requests)} requests, expected {lines}")
    for index, request in enumerate(requests):
        check_otlp_request(request, expected, f"request {index + 1}")


def query(url, promql):
    target = url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(target, timeout=5) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"query {promql}: {body}")
    return body["data"]["result"]


def promql_labels(labels):
    def quote(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return "{" + ",".join(f"{k}={quote(v)}" for k, v in labels.items()) + "}"


def prometheus(url, expected):
    scope = {"otel_scope_name": expected["scope"]["name"],
             "otel_scope_version": expected["scope"]["version"]}
    checks = [("up" + promql_labels({"job": "kafkatrace"}), 1),
              ("target_info" + promql_labels({"service_name": expected["resource"]["service.name"]}), 1)]
    for want in expected["metrics"]:
        labels = {k.replace(".", "_"): v for k, v in want["attributes"].items()}
        labels.update(scope)
        family = want["prometheus"]
        if want["type"] == "histogram":
            cumulative = 0
            for bound, count in zip(want["bounds"] + ["+Inf"], want["bucket_counts"]):
                cumulative += count
                le = bound if bound == "+Inf" else repr(float(bound)).rstrip("0").rstrip(".")
                checks.append((family + "_bucket" + promql_labels({**labels, "le": le}),
                               cumulative))
            checks.append((family + "_count" + promql_labels(labels), want["count"]))
            checks.append((family + "_sum" + promql_labels(labels), want["sum"]))
        else:
            checks.append((family + promql_labels(labels), want["value"]))
    # Wait (up to 30 s) for the first scrape to land.
    deadline = time.time() + 30
    while time.time() < deadline and not query(url, checks[0][0]):
        time.sleep(0.5)
    for promql, value in checks:
        result = query(url, promql)
        if len(result) != 1:
            problems.append(f"{promql}: {len(result)} series")
            continue
        check(close(result[0]["value"][1], value), f"{promql} = {result[0]['value'][1]}, want {value}")


def main():
    mode, source, expected_path = sys.argv[1:4]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    if mode == "otlp-json":
        otlp_json(source, expected, int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    elif mode == "prometheus":
        prometheus(source, expected)
    else:
        sys.exit(f"unknown mode {mode}")
    for problem in problems:
        print("check_metrics: " + problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_metrics: {mode}: all metrics match")


if __name__ == "__main__":
    main()
