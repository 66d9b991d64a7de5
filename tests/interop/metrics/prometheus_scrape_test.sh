#!/usr/bin/env bash
# A real Prometheus server scrapes our /metrics endpoint (metrics_peer serve, real SDK) every
# second; the series are read back through its HTTP query API and compared with
# expected_metrics.json.   prometheus_scrape_test.sh METRICS_PEER
set -euo pipefail
test_name=prometheus_scrape
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
peer="${1:?usage: $0 METRICS_PEER}"
PYTHON3="$(tool PYTHON3 python3)"
PROMETHEUS="$(tool PROMETHEUS prometheus)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kt-prometheus.XXXXXX")"
peer_pid=""; prom_pid=""; status=1
cleanup() {
  [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  [[ -n "$peer_pid" ]] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
  if [[ $status -eq 0 ]]; then rm -rf "$work"; else
    echo "$test_name: artifacts kept in $work" >&2; fi
}
trap cleanup EXIT

"$peer" serve "$work/port" 120 & peer_pid=$!
for _ in $(seq 1 100); do [[ -s "$work/port" ]] && break; sleep 0.1; done
[[ -s "$work/port" ]] || fail "metrics_peer did not start its endpoint"
target_port="$(cat "$work/port")"
curl -fsS "http://127.0.0.1:$target_port/metrics" > "$work/exposition.txt" ||
  fail "our endpoint did not answer"

web_port="$(free_port)"
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: kafkatrace
    static_configs:
      - targets: ["127.0.0.1:$target_port"]
YAML
"$PROMETHEUS" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$web_port" > "$work/prometheus.log" 2>&1 & prom_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$web_port/-/ready" >/dev/null 2>&1 && break
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited (see $work/prometheus.log)"
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$web_port/-/ready" >/dev/null || fail "prometheus not ready"
"$PYTHON3" "$here/check_metrics.py" prometheus "http://127.0.0.1:$web_port" "$expected" ||
  fail "series read back from Prometheus differ"
# Prometheus reports scrape problems (parse errors, duplicates) in the target's health.
"$PYTHON3" - "$web_port" <<'PY' || fail "the scrape target is not healthy"
import json, sys, urllib.request
targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/targets"))
active = targets["data"]["activeTargets"]
assert len(active) == 1 and active[0]["health"] == "up" and not active[0]["lastError"], active
PY
status=0
echo "$test_name: Prometheus scraped and stored every series with the expected values"
