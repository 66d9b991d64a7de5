"""Runs one cross-language chain on the real Kafka broker and collects the spans of both sides.

    C++ producer --T1--> peer consumer -> peer producer --T2--> C++ consumer
    (kafkatrace produce)      (the peer's relay program)        (kafkatrace consume)

The drivers (chains/<peer>/chain_<peer>_test.py) give the relay command and then check the
spans with Checks. Standard library only. Every step has a timeout; a failing step stops the
run with a message naming the step, its command and the tail of its output.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import spans as span_io


class ChainError(Exception):
    """A step of the chain could not run (tool missing, command failed, timeout)."""


def fail_now(test, message):
    print(f"{test}: FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def read_bootstrap():
    path = os.environ.get("KAFKATRACE_TEST_BOOTSTRAP_FILE")
    if not path:
        raise ChainError("KAFKATRACE_TEST_BOOTSTRAP_FILE is not set (ctest sets it; the "
                         "real_kafka fixture writes the broker address there)")
    try:
        with open(path, encoding="utf-8") as bootstrap:
            address = bootstrap.read().strip()
    except OSError as error:
        raise ChainError(f"cannot read the broker address from {path}: {error} (is the "
                         "real_kafka fixture running?)") from error
    if not address:
        raise ChainError(f"{path} is empty")
    return address


def run_step(what, command, timeout, stdin_text=""):
    """Runs a command; returns (stdout, seconds). Raises ChainError on failure or timeout."""
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              input=stdin_text, check=False)
    except FileNotFoundError as error:
        raise ChainError(f"{what}: cannot run {command[0]}: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise ChainError(f"{what}: no result within {timeout} s: {' '.join(command)}\n"
                         f"stderr: {_tail(error.stderr)}") from error
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise ChainError(f"{what}: exit code {done.returncode}: {' '.join(command)}\n"
                         f"stdout: {_tail(done.stdout)}\nstderr: {_tail(done.stderr)}")
    return done.stdout, seconds


def _tail(text, lines=20):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join((text or "").splitlines()[-lines:])


def json_lines(text):
    """The JSON objects among the lines of a command's stdout (other lines are ignored)."""
    objects = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            objects.append(json.loads(line))
    return objects


@dataclasses.dataclass
class ChainRun:
    peer: str
    bootstrap: str
    in_topic: str
    out_topic: str
    key: str
    value: str
    baggage: str  # the baggage header value we sent
    produced: list  # --json lines of `kafkatrace produce`
    relay: dict  # the relay's stdout object
    consumed: list  # --json lines of `kafkatrace consume`
    produce_spans: list  # spans of `kafkatrace produce`
    peer_spans: list
    consume_spans: list
    seconds: dict  # per step


def run_chain(peer, kafkatrace, relay_command, work_dir, produce_options=()):
    """Runs the chain. relay_command(bootstrap, in_topic, out_topic, group, spans_file) returns
    the peer's argv; produce_options are extra `kafkatrace produce` flags (e.g. -X properties
    the peer needs). Raises ChainError when a step fails."""
    if not os.access(kafkatrace, os.X_OK):
        raise ChainError(f"the kafkatrace CLI is not executable: {kafkatrace}")
    bootstrap = read_bootstrap()
    suffix = f"{os.getpid()}-{int(time.time() * 1000)}"
    in_topic, out_topic = f"kt-chain-{peer}-in-{suffix}", f"kt-chain-{peer}-out-{suffix}"
    group = f"kt-chain-{peer}-{suffix}"
    key, value = f"chain-{peer}", f"hello from kafkatrace to {peer}"
    baggage = f"kafkatrace.chain={peer}"  # a W3C baggage header: does the peer forward it?
    files = {name: os.path.join(work_dir, f"{name}.jsonl")
             for name in ("produce-spans", "peer-spans", "consume-spans")}
    for path in files.values():
        if os.path.exists(path):
            os.remove(path)  # the exporters append
    seconds = {}

    produced, seconds["kafkatrace produce"] = run_step(
        "kafkatrace produce",
        [kafkatrace, "produce", "-b", bootstrap, "-t", in_topic, "-k", key, "--json",
         "-H", f"baggage={baggage}",
         "--traces-file", files["produce-spans"], "--service-name", "chain-cpp-producer",
         *produce_options],
        timeout=30, stdin_text=value + "\n")
    relay_out, seconds[f"{peer} relay"] = run_step(
        f"{peer} relay",
        relay_command(bootstrap, in_topic, out_topic, f"{group}-{peer}", files["peer-spans"]),
        timeout=45)
    consumed, seconds["kafkatrace consume"] = run_step(
        "kafkatrace consume",
        [kafkatrace, "consume", "-b", bootstrap, "-t", out_topic, "-n", "1", "--json",
         "-g", f"{group}-cpp", "--timeout", "20", "--traces-file", files["consume-spans"],
         "--service-name", "chain-cpp-consumer"],
        timeout=30)
    relay_objects = json_lines(relay_out)
    if len(relay_objects) != 1:
        raise ChainError(f"{peer} relay: expected one JSON object on stdout, got: {relay_out!r}")
    for name, path in files.items():
        if not os.path.exists(path):
            raise ChainError(f"{name}: {path} was not written")
    return ChainRun(
        peer=peer, bootstrap=bootstrap, in_topic=in_topic, out_topic=out_topic, key=key,
        value=value, baggage=baggage, produced=json_lines(produced), relay=relay_objects[0],
        consumed=json_lines(consumed),
        produce_spans=span_io.read_otlp_json_lines(files["produce-spans"]),
        peer_spans=span_io.read_peer_json_lines(files["peer-spans"], peer),
        consume_spans=span_io.read_otlp_json_lines(files["consume-spans"]), seconds=seconds)


class Checks:
    """Named expectations; every one is printed, failures make finish() return 1."""

    def __init__(self, test):
        self.test = test
        self.passed = 0
        self.failed = []

    def expect(self, condition, description, detail=""):
        if condition:
            self.passed += 1
            print(f"  ok   {description}")
        else:
            self.failed.append(description)
            print(f"  FAIL {description}" + (f": {detail}" if detail else ""))
        return bool(condition)

    def one(self, spans, description, predicate):
        """The single span matching predicate, or None (a failed check) if there are 0 or 2+."""
        found = [span for span in spans if predicate(span)]
        self.expect(len(found) == 1, f"exactly one {description}",
                    f"found {len(found)}: " + "; ".join(s.describe() for s in found))
        return found[0] if len(found) == 1 else None

    def finish(self):
        print(f"{self.test}: {self.passed} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0


def print_spans(title, spans):
    print(title)
    for span in spans:
        print("  " + span.describe())


def _check_wire_context(checks, message, span, description):
    """The message's (a relay's "received" or "sent" object) traceparent names `span`."""
    context = span_io.parse_traceparent(message.get("headers", {}).get("traceparent"))
    if checks.expect(context is not None, f"{description}: a valid traceparent header",
                     f"{message}") and span:
        checks.expect(context[:2] == (span.trace_id, span.span_id), description,
                      f"{context} vs {span.trace_id}/{span.span_id}")


def check_cpp_ends(checks, run, peer_send):
    """The checks on our two ends: our send span started the chain and its context is what the
    peer received; our process span continues the peer's send span (child + link). The CLIs'
    --json lines must agree with the span files."""
    send = checks.one(run.produce_spans, f"kafkatrace PRODUCER span 'send {run.in_topic}'",
                      lambda s: s.kind == "PRODUCER" and s.name == f"send {run.in_topic}")
    delivered = run.produced[0] if len(run.produced) == 1 else {}
    checks.expect(delivered.get("error") is None and delivered.get("offset") is not None,
                  "kafkatrace produce delivered one message", f"--json output {run.produced}")
    if send:
        checks.expect((delivered.get("trace_id"), delivered.get("span_id")) ==
                      (send.trace_id, send.span_id),
                      "kafkatrace produce's delivery report names its send span", f"{delivered}")
    _check_wire_context(checks, run.relay.get("received", {}), send,
                        f"the traceparent the {run.peer} consumer received is our send span's")
    checks.expect(run.relay.get("received", {}).get("value") == run.value,
                  f"the {run.peer} consumer received our value", f"{run.relay.get('received')}")
    checks.expect(run.relay.get("received", {}).get("headers", {}).get("baggage") == run.baggage,
                  f"the {run.peer} consumer received our baggage header",
                  f"{run.relay.get('received')}")

    process = checks.one(run.consume_spans, f"kafkatrace CONSUMER span 'process {run.out_topic}'",
                         lambda s: s.kind == "CONSUMER" and s.name == f"process {run.out_topic}")
    consumed = run.consumed[0] if len(run.consumed) == 1 else {}
    checks.expect(consumed.get("value", "").startswith("relayed-by-") and
                  consumed.get("value", "").endswith(f":{run.value}") and
                  consumed.get("key") == run.key,
                  "kafkatrace consume read the peer's relayed message (our key, our value)",
                  f"--json output {run.consumed}")
    _check_wire_context(checks, run.relay.get("sent", {}), peer_send,
                        f"the traceparent the {run.peer} producer wrote is its send span's")
    if process and peer_send:
        checks.expect(process.trace_id == peer_send.trace_id,
                      f"our process span is in the {run.peer} send span's trace",
                      f"{process.trace_id} vs {peer_send.trace_id}")
        checks.expect(process.parent_span_id == peer_send.span_id,
                      f"our process span is a child of the {run.peer} send span",
                      f"parent {process.parent_span_id} vs {peer_send.span_id}")
        checks.expect(span_io.Link(peer_send.trace_id, peer_send.span_id) in process.links,
                      f"our process span links the {run.peer} send span", f"{process.links}")
    if process:
        checks.expect((consumed.get("trace_id"), consumed.get("span_id"),
                       consumed.get("parent_span_id") or "") ==
                      (process.trace_id, process.span_id, process.parent_span_id),
                      "kafkatrace consume's --json line names its process span and parent",
                      f"{consumed}")
    return send, process


def report_timing(test, run):
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items())
    print(f"{test}: steps: {steps}")


def run_test(test, peer, relay_argv, check_chain, argv, produce_options=()):
    """The whole test: argv is [script, KAFKATRACE_CLI, WORK_DIR?]; relay_argv the peer's command
    before its chain arguments; check_chain(checks, run) adds the peer's checks. Returns the exit
    status. The work directory is removed after a pass unless the caller named it."""
    if len(argv) < 2:
        print(f"usage: {argv[0]} KAFKATRACE_CLI [WORK_DIR]", file=sys.stderr)
        return 2
    work = argv[2] if len(argv) > 2 else tempfile.mkdtemp(prefix=f"kt-{test}.")
    os.makedirs(work, exist_ok=True)

    def relay_command(bootstrap, in_topic, out_topic, group, spans_file):
        return relay_argv + ["--bootstrap", bootstrap, "--in-topic", in_topic,
                             "--out-topic", out_topic, "--group", group, "--spans", spans_file]

    try:
        run = run_chain(peer, argv[1], relay_command, work, produce_options)
    except ChainError as error:
        fail_now(test, f"{error}\n(artifacts in {work})")
    print_spans(f"spans (kafkatrace produce, {peer} relay, kafkatrace consume):",
                run.produce_spans + run.peer_spans + run.consume_spans)
    print(f"headers received by {peer}: {run.relay.get('received', {}).get('headers')}")
    print(f"headers written by {peer}:  {run.relay.get('sent', {}).get('headers')}")
    checks = Checks(test)
    check_chain(checks, run)
    report_timing(test, run)
    status = checks.finish()
    if status == 0 and len(argv) <= 2:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"{test}: artifacts in {work}")
    return status
