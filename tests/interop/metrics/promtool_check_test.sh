#!/usr/bin/env bash
# promtool (Prometheus's own linter and parser) on our exposition of the interop scenario:
# must exit 0 with no lint complaints.   promtool_check_test.sh METRICS_PEER
set -euo pipefail
test_name=promtool_check
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
peer="${1:?usage: $0 METRICS_PEER}"
PROMTOOL="$(tool PROMTOOL promtool)"
text="$("$peer" text)" || fail "metrics_peer text failed"
[[ -n "$text" ]] || fail "empty exposition"
set +e
output="$(printf '%s\n' "$text" | "$PROMTOOL" check metrics 2>&1)"
status=$?
set -e
if [[ $status -ne 0 || -n "$output" ]]; then
  printf '%s\n' "--- exposition ---" "$text" "--- promtool (exit $status) ---" "$output" >&2
  fail "promtool check metrics complained"
fi
echo "$test_name: promtool check metrics: clean ($(grep -c '^# TYPE' <<<"$text") families)"
