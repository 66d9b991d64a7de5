"""The Python hop of the cross-language chain: confluent-kafka instrumented by the official
opentelemetry-instrumentation-confluent-kafka, traced by the OpenTelemetry Python SDK.

    <venv>/bin/python relay.py --bootstrap HOST:PORT --in-topic T1 --out-topic T2 --group G \
        --spans FILE

Runs in the pinned virtualenv made by scripts/setup.d/python-peer.sh. The instrumentor is
enabled the documented way (ConfluentKafkaInstrumentor().instrument() before the clients are
created). The consumer polls the first message of T1; right after poll() returns (while the
instrumentation's process span is the current span, as it leaves it) the relay produces
`relayed-by-confluent-kafka:<value>` with the same key to T2 and flushes; close() ends the
process span. Every span is written to FILE as one JSON object per line (the shape read by
chains/common/spans.py). On stdout: one JSON object with the versions in use, the headers the
consumer saw and the headers the instrumentation added when producing. Exit 0 on success, 1
with a message on stderr otherwise (including after --timeout seconds, default 25).
"""

import argparse
import json
import sys
import time

import confluent_kafka
from opentelemetry import trace
from opentelemetry.instrumentation.confluent_kafka import ConfluentKafkaInstrumentor
from opentelemetry.instrumentation.confluent_kafka.version import (
    __version__ as instrumentation_version)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.version import __version__ as sdk_version


class JsonLinesSpanExporter(SpanExporter):
    """Appends each finished span to a file as one JSON line."""

    def __init__(self, path):
        self._path = path

    def export(self, spans):
        with open(self._path, "a", encoding="utf-8") as out:
            for span in spans:
                scope = span.instrumentation_scope
                out.write(json.dumps({
                    "trace_id": format(span.context.trace_id, "032x"),
                    "span_id": format(span.context.span_id, "016x"),
                    "parent_span_id": format(span.parent.span_id, "016x") if span.parent else "",
                    "name": span.name,
                    "kind": span.kind.name,
                    "attributes": dict(span.attributes),
                    "links": [{"trace_id": format(link.context.trace_id, "032x"),
                               "span_id": format(link.context.span_id, "016x")}
                              for link in span.links],
                    "scope": f"{scope.name}@{scope.version}" if scope else "",
                }) + "\n")
        return SpanExportResult.SUCCESS


def decode_headers(headers):
    return {name: (value.decode("utf-8", "replace") if value is not None else None)
            for name, value in (headers or [])}


def relay(args):
    open(args.spans, "w", encoding="utf-8").close()  # present even when no span is exported
    provider = TracerProvider(resource=Resource.create({"service.name": "chain-python"}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(args.spans)))
    trace.set_tracer_provider(provider)
    ConfluentKafkaInstrumentor().instrument(tracer_provider=provider)

    result = {
        "confluent_kafka": confluent_kafka.__version__,
        "librdkafka": confluent_kafka.libversion()[0],
        "instrumentation": instrumentation_version,
        "sdk": sdk_version,
    }
    # After instrument(), confluent_kafka.Consumer/Producer are the instrumented subclasses.
    consumer = confluent_kafka.Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": args.group,
        "auto.offset.reset": "earliest", "enable.auto.commit": False,
    })
    producer = confluent_kafka.Producer({"bootstrap.servers": args.bootstrap})
    consumer.subscribe([args.in_topic])
    deadline = time.monotonic() + args.timeout
    try:
        message = None
        while message is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no message on {args.in_topic} within {args.timeout} s")
            polled = consumer.poll(0.2)
            if polled is None:
                continue
            if polled.error():
                if polled.error().code() == confluent_kafka.KafkaError.UNKNOWN_TOPIC_OR_PART:
                    continue  # the broker may still be creating the topic
                raise RuntimeError(f"consumer error: {polled.error()}")
            message = polled
        result["received"] = {
            "key": message.key().decode() if message.key() is not None else None,
            "value": message.value().decode() if message.value() is not None else None,
            "headers": decode_headers(message.headers()),
        }
        # The instrumentation appends its headers to the list it is given.
        sent_headers = []
        delivery = {}
        producer.produce(args.out_topic, key=message.key(),
                         value=f"relayed-by-confluent-kafka:{result['received']['value']}",
                         headers=sent_headers,
                         on_delivery=lambda error, _: delivery.update(error=error, done=True))
        remaining = producer.flush(max(1.0, deadline - time.monotonic()))
        if remaining or not delivery.get("done") or delivery.get("error"):
            raise RuntimeError(f"produce to {args.out_topic} failed: {delivery}")
        result["sent"] = {"topic": args.out_topic, "headers": decode_headers(sent_headers)}
    finally:
        consumer.close()  # ends the instrumentation's open process span
        provider.shutdown()
    print(json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--in-topic", required=True)
    parser.add_argument("--out-topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--spans", required=True)
    parser.add_argument("--timeout", type=float, default=25.0)
    try:
        relay(parser.parse_args())
    except Exception as error:  # pylint: disable=broad-except
        print(f"chain_python relay: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
