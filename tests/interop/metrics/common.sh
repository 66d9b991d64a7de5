# Shared by the metrics interop scripts (sourced). A missing tool FAILS the test: set-up
# (scripts/setup.sh) installs every peer, so an interop gap must never pass silently.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
expected="$here/expected_metrics.json"

fail() { echo "${test_name:-metrics-interop}: FAIL: $*" >&2; exit 1; }
tool() {  # tool VAR default: the CMake-found path, else PATH; fails when neither exists
  local value="${!1:-}"
  [[ -z "$value" || "$value" == *-NOTFOUND ]] && value="$2"
  command -v "$value" >/dev/null 2>&1 ||
    fail "$2 is required but not installed (scripts/setup.sh installs it)"
  command -v "$value"
}
free_port() {
  "$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
