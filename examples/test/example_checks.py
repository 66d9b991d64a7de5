"""What each example must show, checked on its exported spans, metrics and stdout.

Each check names the spans it expects (kind, parent, attributes, links) so that a change in the
instrumentation or in the example that breaks the story fails its test.
"""
import socket
import subprocess
import time
import urllib.request

PRODUCER, CONSUMER, CLIENT, INTERNAL = 4, 5, 3, 1
ERROR = 2


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def named(spans, name, kind):
    found = [s for s in spans if s["name"] == name]
    for span in found:
        expect(span["kind"] == kind, f"span {name!r} has kind {span['kind']}, want {kind}")
    return found


def one(spans, name, kind):
    found = named(spans, name, kind)
    expect(len(found) == 1, f"want one {name!r} span, found {len(found)}")
    return found[0]


def has_attrs(span, wanted):
    """Every wanted attribute with that value and type; a value of `int`/`str` checks type only."""
    for key, want in wanted.items():
        expect(key in span["attrs"], f"{span['name']!r} lacks attribute {key} "
                                     f"(has {sorted(span['attrs'])})")
        got = span["attrs"][key]
        if isinstance(want, type):
            expect(type(got) is want, f"{span['name']!r} {key}={got!r} is not {want.__name__}")
        else:
            expect(type(got) is type(want) and got == want,
                   f"{span['name']!r} {key}={got!r}, want {want!r}")


def child_of(span, parent):
    expect(span["trace"] == parent["trace"] and span["parent"] == parent["span"],
           f"{span['name']!r} is not a child of {parent['name']!r}")


def parent_of(span, spans):
    parents = [s for s in spans if s["span"] == span["parent"] and s["trace"] == span["trace"]]
    expect(parents, f"the parent of {span['name']!r} was not exported")
    return parents[0]


def record_spans(spans, topic):
    """The per-record PRODUCER spans of `topic` (not send_batch's batch span)."""
    return [s for s in named(spans, f"send {topic}", PRODUCER)
            if "messaging.batch.message_count" not in s["attrs"]]


def metric_total(metrics, name, where=None):
    """Sum of the points (histograms: of their counts) whose attributes include `where`."""
    expect(name in metrics, f"metric {name} was not exported (have {sorted(metrics)})")
    total = 0
    for point in metrics[name]["points"]:
        if all(point["attrs"].get(k) == v for k, v in (where or {}).items()):
            total += point.get("count", point.get("value", 0))
    return total


def expect_metric(metrics, name, want, where=None):
    got = metric_total(metrics, name, where)
    expect(got == want, f"{name}{where or ''} = {got}, want {want}")


SEND_ATTRIBUTES = {"messaging.system": "kafka", "messaging.operation.type": "send",
                   "messaging.operation.name": "send", "messaging.client.id": str,
                   "messaging.kafka.offset": int, "messaging.destination.partition.id": str}
PROCESS_ATTRIBUTES = {"messaging.system": "kafka", "messaging.operation.type": "process",
                      "messaging.operation.name": "process", "messaging.kafka.offset": int,
                      "messaging.destination.partition.id": str}


def check_process_continues_send(process, sends):
    """A process span is the child of a record's send span and linked to it."""
    parent = [s for s in sends if s["span"] == process["parent"]]
    expect(parent, f"{process['name']!r} is not a child of any send span")
    child_of(process, parent[0])
    expect([link["span"] for link in process["links"]] == [parent[0]["span"]],
           f"{process['name']!r} is not linked to its producer span")


# --- the examples ------------------------------------------------------------------------------

def verify_basic_producer(spans, metrics, stdout):
    checkout = one(spans, "checkout", INTERNAL)
    sends = record_spans(spans, "example.orders")
    expect(len(sends) == 3, f"want 3 send spans, found {len(sends)}")
    for send in sends:
        child_of(send, checkout)
        has_attrs(send, SEND_ATTRIBUTES | {"messaging.destination.name": "example.orders",
                                           "messaging.kafka.message.key": "customer-7",
                                           "messaging.client.id": "basic-producer"})
        expect(send["status"] != ERROR, "a send span has error status")
    expect("sent 'order 3'" in stdout, "stdout does not report the third record")
    expect(f"trace {checkout['trace']}" in stdout, "stdout does not show the trace id")


def verify_batch_send(spans, metrics, stdout):
    parent = one(spans, "import orders", INTERNAL)
    batch = [s for s in named(spans, "send example.batch", PRODUCER)
             if "messaging.batch.message_count" in s["attrs"]]
    expect(len(batch) == 1, f"want one batch span, found {len(batch)}")
    has_attrs(batch[0], {"messaging.batch.message_count": 10,
                         "messaging.destination.name": "example.batch"})
    child_of(batch[0], parent)
    records = record_spans(spans, "example.batch")
    expect(len(records) == 10, f"want 10 record spans, found {len(records)}")
    for record in records:
        expect(record["trace"] == parent["trace"], "a record span left the import trace")
        has_attrs(record, SEND_ATTRIBUTES)
    expect(sorted(link["span"] for link in batch[0]["links"]) ==
           sorted(r["span"] for r in records), "the batch span is not linked to every record")
    expect("sent 10 of 10 records" in stdout, "stdout does not report 10 records sent")


def verify_basic_consumer(spans, metrics, stdout):
    processes = named(spans, "process example.basic", CONSUMER)
    expect(len(processes) == 5, f"want 5 process spans, found {len(processes)}")
    sends = record_spans(spans, "example.basic")
    for process in processes:
        check_process_continues_send(process, sends)
        has_attrs(process, PROCESS_ATTRIBUTES | {
            "messaging.consumer.group.name": "example-basic-consumer",
            "messaging.destination.name": "example.basic", "messaging.kafka.message.key": str})
    expect("consumed all 5 records" in stdout, "stdout does not report the 5 records")


def verify_end_to_end(spans, metrics, stdout):
    orders = named(spans, "place order", INTERNAL)
    expect(len(orders) == 3, f"want 3 'place order' spans, found {len(orders)}")
    charges = named(spans, "charge card", INTERNAL)
    expect(len(charges) == 3, f"want 3 'charge card' spans, found {len(charges)}")
    for charge in charges:
        has_attrs(charge, {"app.tenant": "acme"})  # the shop's baggage reached billing
        process = parent_of(charge, spans)
        expect(process["name"] == "process example.e2e" and process["kind"] == CONSUMER,
               f"'charge card' is a child of {process['name']!r}, want the process span")
        send = parent_of(process, spans)
        expect(send["name"] == "send example.e2e" and send["kind"] == PRODUCER,
               f"the process span is a child of {send['name']!r}, want the send span")
        order = parent_of(send, spans)
        expect(order["name"] == "place order", "the send span is not a child of 'place order'")
    expect(len({c["trace"] for c in charges}) == 3, "the three orders do not have three traces")
    for order in orders:
        expect(order["trace"] in stdout, "stdout does not show each order's trace")


def verify_batch_consume(spans, metrics, stdout):
    polls = named(spans, "poll example.batches", CLIENT)
    processes = named(spans, "process example.batches", CONSUMER)
    expect(polls and processes, "no poll or no process spans")
    linked = []
    for process in processes:
        expect(parent_of(process, spans)["name"] == "poll example.batches",
               "a batch process span is not a child of the poll span")
        has_attrs(process, {"messaging.batch.message_count": len(process["links"]),
                            "messaging.operation.type": "process",
                            "messaging.consumer.group.name": "example-batch-consumer"})
        for link in process["links"]:
            has_attrs({"name": "link", "attrs": link["attrs"]},
                      {"messaging.kafka.offset": int, "messaging.destination.partition.id": str})
            linked.append(link["span"])
    for poll in polls:
        has_attrs(poll, {"messaging.operation.type": "receive", "messaging.operation.name": "poll",
                         "messaging.batch.message_count": int})
    records = record_spans(spans, "example.batches")
    expect(sorted(linked) == sorted(r["span"] for r in records),
           f"the process spans link {len(linked)} producer spans, want the 20 records' spans")
    expect("consumed 20 messages" in stdout, "stdout does not report 20 messages")


def verify_retry_dead_letter(spans, metrics, stdout):
    processes = named(spans, "process example.payments", CONSUMER)
    by_key = {}
    for process in processes:
        by_key.setdefault(process["attrs"].get("messaging.kafka.message.key"), []).append(process)
    expect(len(by_key.get("ok-1", [])) == 1, "ok-1 was not processed exactly once")
    flaky = sorted(by_key.get("flaky-2", []), key=lambda s: s["attrs"].get(
        "kafkatrace.consumer.attempt", 1))
    expect(len(flaky) == 2, f"flaky-2 has {len(flaky)} process spans, want 2")
    expect(flaky[0]["status"] == ERROR and "exception" in flaky[0]["events"],
           "flaky-2's first attempt lacks error status or its exception event")
    has_attrs(flaky[0], {"error.type": str})
    has_attrs(flaky[1], {"kafkatrace.consumer.attempt": 2})
    expect(flaky[1]["status"] != ERROR, "flaky-2's second attempt failed")
    poison = sorted(by_key.get("poison-3", []), key=lambda s: s["attrs"].get(
        "kafkatrace.consumer.attempt", 1))
    expect(len(poison) == 3, f"poison-3 has {len(poison)} process spans, want 3")
    for attempt in poison:
        expect(attempt["status"] == ERROR, "a poison-3 attempt lacks error status")
        has_attrs(attempt, {"error.type": "PaymentDeclined"})
    dead_letter = one(spans, "send example.payments.dlt", PRODUCER)
    child_of(dead_letter, poison[-1])
    dlt_process = one(spans, "process example.payments.dlt", CONSUMER)
    child_of(dlt_process, dead_letter)
    expect("dead letter: poison-3 failed 3 times (PaymentDeclined" in stdout,
           "stdout does not show the dead letter's headers")


def verify_metrics(spans, metrics, stdout):
    topic = {"messaging.destination.name": "example.metrics"}
    expect_metric(metrics, "messaging.client.sent.messages", 10, topic)
    expect_metric(metrics, "messaging.client.consumed.messages", 10,
                  topic | {"messaging.consumer.group.name": "example-metrics"})
    expect_metric(metrics, "messaging.client.operation.duration", 10,
                  topic | {"messaging.operation.name": "send"})
    expect_metric(metrics, "messaging.process.duration", 10, topic)
    expect_metric(metrics, "kafkatrace.consumer.end_to_end.duration", 10, topic)
    expect_metric(metrics, "app.orders.processed", 10, topic)
    for name in ("messaging.client.operation.duration", "messaging.process.duration"):
        expect(metrics[name]["unit"] == "s" and metrics[name]["kind"] == "histogram",
               f"{name} is not a histogram in seconds")
    expect(not spans, "spans were exported although tracing is not set up")


def serve_and_scrape(command, env, output):
    """metrics --serve with the Prometheus exporter: scrape until the totals show and are final
    (the endpoint serves while the example still consumes), then SIGTERM."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = env | {"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": str(port)}
    process = subprocess.Popen(command + ["--serve"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    text, deadline = "", time.monotonic() + 90
    wanted = ["messaging_client_sent_messages_total{", "app_orders_processed_total{",
              "messaging_process_duration_seconds_count{"]
    totals = ("messaging_client_sent_messages_total{", "app_orders_processed_total{",
              "messaging_client_consumed_messages_total{")

    def final(scraped):
        lines = [line for line in scraped.splitlines() if line.startswith(totals)]
        return all(w in scraped for w in wanted) and all(line.endswith(" 10") for line in lines)

    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    text = r.read().decode()
            except OSError:
                text = ""
            if final(text):
                break
            time.sleep(0.5)
    finally:
        if process.poll() is None:
            process.terminate()
        output["stdout"], output["stderr"] = process.communicate(timeout=30)
    output["scrape"] = text
    for line in text.splitlines():
        if line.startswith(totals):
            expect(line.endswith(" 10"), f"scraped {line!r}, want the value 10")
    expect(all(w in text for w in wanted), f"the scrape lacks {wanted}: {text[:2000]}")
    expect(f"http://127.0.0.1:{port}/metrics" in output["stdout"],
           "stdout does not show the endpoint's URL")
    return process.returncode


def verify_metrics_prometheus(spans, metrics, stdout):
    expect("serving until Ctrl-C" in stdout, "the example did not serve")


def verify_attributes(spans, metrics, stdout, old_names=False):
    send = one(spans, "send example.attributes", PRODUCER)
    process = one(spans, "process example.attributes", CONSUMER)
    has_attrs(send, SEND_ATTRIBUTES | {
        "messaging.destination.name": "example.attributes", "messaging.client.id":
        "attributes-example", "messaging.kafka.message.key": "order-42",
        "messaging.message.body.size": 15, "server.address": "127.0.0.1", "server.port": int})
    has_attrs(process, PROCESS_ATTRIBUTES | {
        "messaging.destination.name": "example.attributes", "messaging.message.body.size": 15,
        "messaging.consumer.group.name": "example-attributes", "app.order.id": "42",
        "app.order.amount": 10.5})
    old = {"messaging.destination": "example.attributes", "messaging.destination_kind": "topic",
           "messaging.kafka.partition": int, "messaging.kafka.message_key": "order-42",
           "messaging.kafka.client_id": str, "messaging.kafka.message.offset": int}
    if old_names:
        has_attrs(send, old | {"messaging.operation": "publish", "net.peer.name": "127.0.0.1"})
        has_attrs(process, old | {"messaging.operation": "process",
                                  "messaging.kafka.consumer_group": "example-attributes"})
    else:
        for span in (send, process):
            stray = sorted(set(old) & set(span["attrs"]))
            expect(not stray, f"{span['name']!r} carries old names {stray} without the opt-in")
    expect("send example.attributes  [PRODUCER]" in stdout and "app.order.amount" in stdout,
           "stdout does not list the spans and their attributes")


def verify_complete(spans, metrics, stdout):
    checkout = one(spans, "checkout", INTERNAL)
    sends = record_spans(spans, "example.complete.orders")
    expect(len(sends) == 6, f"want 6 record spans, found {len(sends)}")
    for send in sends:
        expect(send["trace"] == checkout["trace"], "a record span left the checkout trace")
    processes = named(spans, "process example.complete.orders", CONSUMER)
    expect(len(processes) == 8, f"want 8 process spans (5 + 3 attempts), found {len(processes)}")
    charges = named(spans, "charge card", INTERNAL)
    expect(len(charges) == 8, f"want 8 'charge card' spans, found {len(charges)}")
    for charge in charges:
        has_attrs(charge, {"app.tenant": "acme"})
        expect(parent_of(charge, spans)["kind"] == CONSUMER, "'charge card' outside a process span")
        expect(charge["trace"] == checkout["trace"], "a 'charge card' span left the checkout trace")
    failed = [p for p in processes if p["status"] == ERROR]
    expect(len(failed) == 3, f"want 3 failed attempts, found {len(failed)}")
    last = max(failed, key=lambda s: s["attrs"].get("kafkatrace.consumer.attempt", 1))
    child_of(one(spans, "send example.complete.orders.dlt", PRODUCER), last)
    topic = {"messaging.destination.name": "example.complete.orders"}
    expect_metric(metrics, "messaging.client.sent.messages", 6, topic)
    expect_metric(metrics, "messaging.client.consumed.messages", 6, topic)
    expect_metric(metrics, "messaging.process.duration", 8, topic)
    expect_metric(metrics, "kafkatrace.consumer.retries", 2, topic)
    expect_metric(metrics, "kafkatrace.consumer.dead_letter.messages", 1,
                  topic | {"kafkatrace.dead_letter.outcome": "published"})
    expect_metric(metrics, "app.orders.charged", 5, {"app.tenant": "acme"})
    expect("charged 5, failed attempts 3, dead-lettered 1" in stdout,
           "stdout does not show the run's summary")


class Check:
    def __init__(self, verify, env=None, dash_b=False, interactive=None):
        self.verify, self.env, self.dash_b, self.interactive = verify, env or {}, dash_b, interactive

    def arguments(self, bootstrap):
        return ["-b", bootstrap] if self.dash_b else [bootstrap]


CHECKS = {
    "attributes": Check(verify_attributes),
    "attributes_dup": Check(lambda s, m, o: verify_attributes(s, m, o, old_names=True),
                            env={"OTEL_SEMCONV_STABILITY_OPT_IN": "messaging/dup"}),
    "basic_producer": Check(verify_basic_producer),
    "batch_send": Check(verify_batch_send, dash_b=True),
    "basic_consumer": Check(verify_basic_consumer),
    "end_to_end": Check(verify_end_to_end, dash_b=True),
    "batch_consume": Check(verify_batch_consume),
    "retry_dead_letter": Check(verify_retry_dead_letter),
    "metrics": Check(verify_metrics),
    "metrics_prometheus": Check(verify_metrics_prometheus, interactive=serve_and_scrape),
    "complete": Check(verify_complete, dash_b=True),
}
