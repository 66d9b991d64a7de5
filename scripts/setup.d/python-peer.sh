#!/usr/bin/env bash
# The Python peer of interop.chain_python: a virtualenv with the pinned confluent-kafka and the
# official OpenTelemetry instrumentation (tests/interop/chains/python/requirements.txt).
#
#   scripts/setup.d/python-peer.sh     -> prints the virtualenv's python as the last line
#
# Environment:
#   KAFKATRACE_CACHE   cache root (default: $HOME/.cache/kafkatrace); the virtualenv is
#                      $KAFKATRACE_CACHE/python-peer
#   PYTHON3            interpreter to base it on (default: python3 on PATH)
#
# Idempotent and quick: when the stamp (requirements + interpreter version) matches it exits at
# once; otherwise it rebuilds the virtualenv from scratch. Progress goes to stderr.
set -euo pipefail

die() { echo "python-peer: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
requirements=$root/tests/interop/chains/python/requirements.txt
[[ -f "$requirements" ]] || die "missing $requirements"
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || die "'$python' not found (Python 3 is needed for the peer)"

venv=${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}/python-peer
stamp=$venv/.kafkatrace-stamp
python_version=$("$python" -c 'import sys; print(sys.version.split()[0])')
want_stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $python_version"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

echo "python-peer: creating $venv" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv" || die "'$python -m venv' failed (is the venv module installed?)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
  -r "$requirements" >&2 || die "pip install -r $requirements failed"
"$venv/bin/python" -m pip check >&2 || die "the pinned requirements are inconsistent"
"$venv/bin/python" -c 'import confluent_kafka, opentelemetry.instrumentation.confluent_kafka' \
  || die "the peer packages do not import"
echo "$want_stamp" >"$stamp"
versions=$("$venv/bin/python" -c 'import confluent_kafka as c
print("confluent-kafka", c.__version__, "librdkafka", c.libversion()[0])')
echo "python-peer: ready ($versions)" >&2
echo "$venv/bin/python"
