#!/usr/bin/env python3
"""Cross-language trace chain with the official OpenTelemetry Java instrumentation.

On the real Apache Kafka broker (ctest fixture real_kafka):

  kafkatrace produce  -> topic IN  -> JavaRelay (kafka-clients wrapped by
  opentelemetry-kafka-clients-2.6: process span, then an instrumented send)
  -> topic OUT -> kafkatrace consume

and checks, from the spans both sides wrote (OTLP/JSON lines) and the relay's report of the
headers it saw: one trace id across all four spans; the Java process span a child of our send
span, the Java send span a child of that process span, our process span a child of the Java send
span; span kinds, names and links as the pinned instrumentation emits them; the W3C headers on
the wire.

  java_chain_test.py KAFKATRACE_BINARY [--semconv old|stable] [--work-dir DIR]

--semconv stable runs the relay with OTEL_SEMCONV_STABILITY_OPT_IN=messaging (the stable
messaging conventions); the default is what the instrumentation emits without opt-in. The broker
address comes from the file named by KAFKATRACE_TEST_BOOTSTRAP_FILE. The Java peer is set up by
scripts/setup.d/java-peer.sh (quick when cached); when java, javac or mvn is missing the test
fails and names it. Artifacts are kept on failure (their directory is printed).
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import chain_spans  # noqa: E402  (next to this file)

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[3]


def fail(message):
    print(f"chain_java: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(step, argv, work, timeout, env, stdin=None):
    """Runs one hop; its stdout/stderr go to WORK/<step>.out/.err. Fails the test on error."""
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                              input=stdin)
    except subprocess.TimeoutExpired:
        fail(f"{step} did not finish within {timeout} s: {' '.join(argv)}")
    (work / f"{step}.out").write_text(done.stdout)
    (work / f"{step}.err").write_text(done.stderr)
    if done.returncode != 0:
        fail(f"{step} exited {done.returncode}: {' '.join(argv)}\n{done.stderr.strip()}")
    print(f"chain_java: {step} ok in {time.monotonic() - started:.2f} s")
    return done.stdout


def java_peer():
    """The peer directory (classes/, libs/) from scripts/setup.d/java-peer.sh, or a FAIL."""
    setup = REPO / "scripts" / "setup.d" / "java-peer.sh"
    done = subprocess.run(["bash", str(setup)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        fail("the Java peer is not available (scripts/setup.d/java-peer.sh failed): "
             + done.stderr.strip())
    java = shutil.which("java")
    if java is None:
        fail("java not found on PATH (need a JDK 17+: scripts/setup.sh test installs it)")
    return java, pathlib.Path(done.stdout.strip().splitlines()[-1])


def clean_env(semconv):
    """The environment without the caller's OTEL_* settings, so both sides run with defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    if semconv == "stable":
        env["OTEL_SEMCONV_STABILITY_OPT_IN"] = "messaging"
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kafkatrace")
    parser.add_argument("--semconv", choices=["old", "stable"], default="old")
    parser.add_argument("--work-dir")
    options = parser.parse_args()
    started = time.monotonic()

    bootstrap_file = os.environ.get("KAFKATRACE_TEST_BOOTSTRAP_FILE")
    if not bootstrap_file or not pathlib.Path(bootstrap_file).is_file():
        fail("KAFKATRACE_TEST_BOOTSTRAP_FILE does not name the real broker's bootstrap file "
             "(run through ctest: the real_kafka fixture writes it)")
    bootstrap = pathlib.Path(bootstrap_file).read_text().strip()
    if not os.access(options.kafkatrace, os.X_OK):
        fail(f"kafkatrace binary not found: {options.kafkatrace}")
    java, peer = java_peer()

    work = pathlib.Path(options.work_dir or tempfile.mkdtemp(prefix="kt-chain-java."))
    work.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4().hex[:12]
    in_topic, out_topic = f"kt-chain-java-in-{suffix}", f"kt-chain-java-out-{suffix}"
    payload = f"chain-java-{suffix}"
    env = clean_env(options.semconv)
    files = {name: work / f"{name}.jsonl" for name in ("cpp_produce", "java", "cpp_consume")}
    report_file = work / "relay_report.json"

    kt = options.kafkatrace
    run("cpp_produce", [kt, "produce", "-b", bootstrap, "-t", in_topic, "--json",
                        "--traces-file", str(files["cpp_produce"])], work, 60, env,
        stdin=payload + "\n")
    run("java_relay", [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                       "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                       "-cp", f"{peer / 'classes'}:{peer / 'libs' / '*'}",
                       "dev.kafkatrace.interop.JavaRelay", "--bootstrap", bootstrap,
                       "--in-topic", in_topic, "--out-topic", out_topic,
                       "--spans", str(files["java"]), "--report", str(report_file),
                       "--timeout-ms", "30000"], work, 90, env)
    consumed = run("cpp_consume", [kt, "consume", "-b", bootstrap, "-t", out_topic, "-n", "1",
                                   "-g", f"kt-chain-java-{suffix}", "--timeout", "30", "--json",
                                   "--traces-file", str(files["cpp_consume"])], work, 60, env)

    problems = chain_spans.check_chain(
        spans={name: chain_spans.load_spans(path) for name, path in files.items()},
        report=chain_spans.load_report(report_file), in_topic=in_topic, out_topic=out_topic,
        semconv=options.semconv, consumed=chain_spans.load_json_lines(consumed), payload=payload)
    if problems:
        print(f"chain_java: artifacts kept in {work}", file=sys.stderr)
        fail("\n  " + "\n  ".join(problems))
    if not options.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    print(f"chain_java: PASS ({options.semconv} semconv) in {time.monotonic() - started:.2f} s")


if __name__ == "__main__":
    main()
