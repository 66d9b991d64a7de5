#!/usr/bin/env python3
"""Runs one example against a fresh embedded broker and checks what it must show.

    run_example.py --broker PATH [--broker-arg ARG]... --example PATH --check NAME

The broker command (`kafkatrace broker`, or the examples' own embedded-broker wrapper when the
CLI is not built) prints its bootstrap address as the first line of stdout and stops on SIGTERM.
The example runs with its telemetry going to OTLP JSON-lines files (OTEL_TRACES_EXPORTER and
OTEL_METRICS_EXPORTER = otlp_file), which the check named NAME (example_checks.py) reads: the
spans it expects, with the right parents and attributes, and the metric values. Also checks that
the example without arguments exits 2 (usage). Exit status 0 when everything holds.
"""
import argparse
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

import example_checks
from otlp_json import read_metrics, read_spans


def start_broker(command, log):
    """Starts the broker; returns (process, bootstrap)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline().strip() if ready else ""
    if not line:
        process.kill()
        process.wait()
        raise RuntimeError(f"{' '.join(command)} printed no bootstrap address within 30 s")
    return process, line


def stop(process, timeout=20):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def run_usage_check(example):
    result = subprocess.run([example], capture_output=True, text=True, timeout=30)
    if result.returncode != 2 or "usage" not in result.stderr:
        raise example_checks.CheckFailed(
            f"without arguments: exit {result.returncode} (want 2) and a usage line on stderr, "
            f"got: {result.stderr.strip()!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", required=True)
    parser.add_argument("--broker-arg", action="append", default=[])
    parser.add_argument("--example", required=True)
    parser.add_argument("--check", required=True, choices=sorted(example_checks.CHECKS))
    args = parser.parse_args()
    check = example_checks.CHECKS[args.check]

    with tempfile.TemporaryDirectory(prefix=f"example-{args.check}-") as work:
        traces = os.path.join(work, "traces.jsonl")
        metrics = os.path.join(work, "metrics.jsonl")
        env = dict(os.environ)
        for name in [n for n in env if n.startswith("OTEL_")]:
            del env[name]  # the check decides the whole telemetry configuration
        env.update({
            "OTEL_TRACES_EXPORTER": "otlp_file",
            "KAFKATRACE_OTLP_FILE_TRACES_PATH": traces,
            "OTEL_METRICS_EXPORTER": "otlp_file",
            "KAFKATRACE_OTLP_FILE_METRICS_PATH": metrics,
        })
        env.update(check.env)

        broker_log_path = os.path.join(work, "broker.err")
        output = {"stdout": "", "stderr": ""}
        try:
            run_usage_check(args.example)
            with open(broker_log_path, "w") as broker_log:
                broker, bootstrap = start_broker([args.broker] + args.broker_arg, broker_log)
                try:
                    started = time.monotonic()
                    command = [args.example] + check.arguments(bootstrap)
                    if check.interactive:
                        status = check.interactive(command, env, output)
                    else:
                        result = subprocess.run(command, env=env, capture_output=True, text=True,
                                                timeout=120)
                        output["stdout"], output["stderr"] = result.stdout, result.stderr
                        status = result.returncode
                    elapsed = time.monotonic() - started
                finally:
                    stop(broker)
            if status != 0:
                raise example_checks.CheckFailed(f"the example exited {status}, want 0")
            check.verify(read_spans(traces), read_metrics(metrics), output["stdout"])
        except (example_checks.CheckFailed, RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"FAIL {args.check}: {error}", file=sys.stderr)
            print("--- example stdout\n" + output["stdout"][-4000:], file=sys.stderr)
            print("--- example stderr\n" + output["stderr"][-4000:], file=sys.stderr)
            if os.path.exists(broker_log_path):
                with open(broker_log_path) as log:
                    print("--- broker stderr\n" + log.read()[-2000:], file=sys.stderr)
            return 1
    print(f"PASS {args.check} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
