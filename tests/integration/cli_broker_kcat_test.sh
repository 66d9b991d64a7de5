#!/usr/bin/env bash
# `kafkatrace broker --port` driven by kcat, a Kafka client we did not write: the first stdout
# line is the bootstrap address; messages with keys and headers round-trip exactly; metadata
# shows the requested partitions; SIGTERM stops it with status 0. Also checks the exit codes of
# bad flags (2) and of a port that is already taken (1).
#
# usage: cli_broker_kcat_test.sh /path/to/kafkatrace
set -euo pipefail

kafkatrace=${1:?usage: $0 /path/to/kafkatrace}
command -v kcat >/dev/null || { echo "kcat is not installed" >&2; exit 1; }
work=$(mktemp -d)
broker_pid=""

cleanup() {
  if [[ -n $broker_pid ]] && kill -0 "$broker_pid" 2>/dev/null; then
    kill -KILL "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.err; do
    [[ -s $log ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# A port below Linux's ephemeral range (32768+), so that no broker's own listener can take it;
# another process might, which the start loop below survives by trying another.
random_port() {
  echo $((20000 + RANDOM % 10000))
}

# Runs `kafkatrace broker` with the given flags and a timeout; sets $status.
expect_status() {
  local want=$1
  shift
  status=0
  timeout 20 "$kafkatrace" broker "$@" >"$work/short.out" 2>"$work/short.err" || status=$?
  [[ $status == "$want" ]] || fail "broker $* exited $status, want $want"
  [[ -s $work/short.err ]] || fail "broker $* printed no reason on stderr"
  [[ ! -s $work/short.out ]] || fail "broker $* wrote to stdout: $(cat "$work/short.out")"
}

# --- start on a stable port (retry if another process grabs the port first) ---
for attempt in 1 2 3 4 5; do
  port=$(random_port)
  "$kafkatrace" broker --port "$port" --partitions 3 --topic t1 \
    >"$work/broker.out" 2>"$work/broker.err" &
  broker_pid=$!
  for _ in $(seq 200); do  # up to 20 s for the first line
    [[ $(wc -l <"$work/broker.out") -ge 1 ]] && break
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ $(wc -l <"$work/broker.out") -ge 1 ]] && break
  status=0
  wait "$broker_pid" || status=$?
  broker_pid=""
  [[ $status == 1 && $attempt -lt 5 ]] || fail "broker did not print its address (status $status)"
done

first_line=$(head -n 1 "$work/broker.out")
[[ $first_line == "127.0.0.1:$port" ]] || fail "first line is '$first_line', want 127.0.0.1:$port"
bootstrap=$first_line

# --- a second broker on the same port cannot start ---
expect_status 1 --port "$port"
grep -q "already in use" "$work/short.err" ||
  fail "port clash not explained: $(cat "$work/short.err")"

# --- metadata through the forwarded port ---
kcat -b "$bootstrap" -L -t t1 >"$work/metadata.out" 2>"$work/kcat-metadata.err" ||
  fail "kcat -L failed"
grep -q 'topic "t1" with 3 partitions' "$work/metadata.out" ||
  fail "kcat -L does not show t1 with 3 partitions: $(cat "$work/metadata.out")"

# --- produce with keys and headers (headers apply to every message of one kcat run) ---
produce() {  # produce PARTITION [kcat header flags...] <<< "key:value lines"
  local partition=$1
  shift
  kcat -b "$bootstrap" -P -t t1 -p "$partition" -K: "$@" 2>>"$work/kcat-produce.err" ||
    fail "kcat -P to partition $partition failed"
}
printf 'order-1:{"id":1}\norder-2:{"id":2}\n' | produce 0 -H trace=abc -H kind=order
printf 'order-3:three\n' | produce 1 -H only=one
printf 'order-4:no headers here\n' | produce 2

expected=$(
  cat <<'EOF'
0|order-1|trace=abc,kind=order|{"id":1}
0|order-2|trace=abc,kind=order|{"id":2}
1|order-3|only=one|three
2|order-4||no headers here
EOF
)
# One partition's messages come out in offset order; partitions interleave, so sort by
# partition only (stable) to keep the per-partition order under test.
timeout 30 kcat -b "$bootstrap" -C -t t1 -o beginning -e -f '%p|%k|%h|%s\n' \
  >"$work/consumed.out" 2>"$work/kcat-consume.err" || fail "kcat -C failed"
actual=$(sort -s -t'|' -k1,1 "$work/consumed.out")
[[ $actual == "$expected" ]] || fail "consumed messages differ:
--- want
$expected
--- got
$actual"

# --- usage errors exit 2 without starting anything ---
expect_status 2 --brokers 0
expect_status 2 --port notanumber
expect_status 2 --port 70000
expect_status 2 --partitions
expect_status 2 --no-such-flag

# --- SIGTERM stops the broker cleanly ---
kill -TERM "$broker_pid"
status=0
wait "$broker_pid" || status=$?
broker_pid=""
[[ $status == 0 ]] || fail "broker exited $status after SIGTERM, want 0"
[[ $(wc -l <"$work/broker.out") -eq 1 ]] || fail "broker wrote more than one line to stdout"

echo "cli_broker_kcat_test: all checks passed"
