// The Java peer of the cross-language trace chain (tests/interop/chains/java): consumes ONE record
// with a kafka-clients consumer wrapped by the official OpenTelemetry library instrumentation
// (opentelemetry-kafka-clients-2.6, KafkaTelemetry.wrap), and while that record's process span is
// current (the instrumentation's iterator makes it current until the next hasNext/next), produces
// a copy to a second topic with an instrumented producer. Nothing here touches trace context by
// hand: the instrumentation extracts it from the incoming record and injects it into the outgoing
// one, which is exactly what the chain test checks.
//
//   java -cp CLASSES:LIBS/* dev.kafkatrace.interop.JavaRelay --bootstrap 127.0.0.1:9092 \
//       --in-topic a --out-topic b --spans spans.jsonl --report report.json [--timeout-ms 30000]
//       [--receive-telemetry true]
//
// Output: the relay's spans as OTLP/JSON lines in --spans (OtlpJsonLinesSpanExporter), and a small
// JSON report in --report: the consumed record's headers, the produced record's headers (as the
// instrumentation left them on the ProducerRecord) and the span context that was current while
// processing. Exit 0 on success, 1 on failure (message on stderr), 2 on bad arguments.
package dev.kafkatrace.interop;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class JavaRelay {
  private static final long START_NANOS = System.nanoTime();

  private JavaRelay() {}

  // Progress on stderr with the time since main() started (the JVM's own start-up comes before).
  private static void progress(String what) {
    System.err.printf("java-relay: %s (%d ms)%n", what,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - START_NANOS));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parseArgs(argv);
    if (args == null) {
      System.err.println("usage: JavaRelay --bootstrap B --in-topic T --out-topic T2 "
          + "--spans FILE --report FILE [--timeout-ms N] [--receive-telemetry true|false]");
      System.exit(2);
    }
    long deadline = System.nanoTime()
        + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args.getOrDefault("timeout-ms", "30000")));

    SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "kafkatrace-java-relay"))))
        .addSpanProcessor(SimpleSpanProcessor.create(
            new OtlpJsonLinesSpanExporter(Path.of(args.get("spans")))))
        .build();
    // The propagators OTEL_PROPAGATORS defaults to (tracecontext,baggage), set explicitly.
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
    // The instrumentation's defaults, except that --receive-telemetry true turns on its receive
    // (poll) spans, which changes the process span's parent (see README.md).
    KafkaTelemetry telemetry = KafkaTelemetry.builder(openTelemetry)
        .setMessagingReceiveTelemetryEnabled(
            Boolean.parseBoolean(args.getOrDefault("receive-telemetry", "false")))
        .build();

    String report;
    try (Consumer<byte[], byte[]> consumer = telemetry.wrap(newConsumer(args.get("bootstrap")));
         Producer<byte[], byte[]> producer = telemetry.wrap(newProducer(args.get("bootstrap")))) {
      progress("clients created");
      assignWholeTopic(consumer, args.get("in-topic"), deadline);
      progress("assigned " + args.get("in-topic"));
      report = relayOne(consumer, producer, args.get("out-topic"), deadline);
    } finally {
      openTelemetry.shutdown().join(10, TimeUnit.SECONDS);
    }
    Files.writeString(Path.of(args.get("report")), report, StandardCharsets.UTF_8);
    progress("done");
  }

  // Polls until a record arrives, then relays the first one inside the loop body, where the
  // instrumentation's process span for that record is the current span. The loop must run to its
  // end: the iterator ends a record's process span in the following hasNext().
  private static String relayOne(Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer, String outTopic, long deadline) throws Exception {
    String report = null;
    while (report == null && System.nanoTime() < deadline) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      for (ConsumerRecord<byte[], byte[]> in : records) {
        if (report != null) {
          continue;
        }
        SpanContext processing = Span.current().getSpanContext();
        ProducerRecord<byte[], byte[]> out =
            new ProducerRecord<>(outTopic, null, in.key(), in.value());
        progress("consumed " + in.topic() + "@" + in.offset());
        RecordMetadata written = producer.send(out).get(10, TimeUnit.SECONDS);
        progress("produced " + written.topic() + "@" + written.offset());
        StringBuilder json = new StringBuilder("{\"consumed\":");
        appendRecord(json, in.topic(), in.partition(), in.offset(), in.headers());
        json.append(",\"produced\":");
        appendRecord(json, written.topic(), written.partition(), written.offset(), out.headers());
        json.append(",\"currentWhileProcessing\":{\"traceId\":\"")
            .append(processing.getTraceId()).append("\",\"spanId\":\"")
            .append(processing.getSpanId()).append("\"}}\n");
        report = json.toString();
      }
    }
    if (report == null) {
      throw new IllegalStateException("no record arrived before the deadline");
    }
    return report;
  }

  private static void assignWholeTopic(Consumer<byte[], byte[]> consumer, String topic,
      long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned = partitions.stream()
            .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("topic " + topic + " has no partitions");
  }

  private static void appendRecord(StringBuilder json, String topic, int partition, long offset,
      Headers headers) {
    json.append("{\"topic\":");
    OtlpJsonLinesSpanExporter.appendString(json, topic);
    json.append(",\"partition\":").append(partition).append(",\"offset\":").append(offset)
        .append(",\"headers\":[");
    boolean first = true;
    for (Header header : headers) {
      json.append(first ? "[" : ",[");
      first = false;
      OtlpJsonLinesSpanExporter.appendString(json, header.key());
      json.append(',');
      OtlpJsonLinesSpanExporter.appendString(json, header.value() == null ? ""
          : new String(header.value(), StandardCharsets.UTF_8));
      json.append(']');
    }
    json.append("]}");
  }

  // A consumer without a group: assign + seekToBeginning needs no group join, so the relay reads
  // the record the C++ producer wrote before the JVM started, at once.
  private static Consumer<byte[], byte[]> newConsumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafkatrace-java-relay");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static Producer<byte[], byte[]> newProducer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafkatrace-java-relay");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  // --name value pairs; null when a required one is missing or an argument is malformed.
  private static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        return null;
      }
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    if (argv.length % 2 != 0) {
      return null;
    }
    for (String required : new String[] {"bootstrap", "in-topic", "out-topic", "spans", "report"}) {
      if (!args.containsKey(required)) {
        return null;
      }
    }
    return args;
  }
}
