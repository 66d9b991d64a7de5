// A tiny SpanExporter for the Java peer of the trace chain: every export call appends one
// OTLP/JSON ExportTraceServiceRequest as a single line to a file, the same "JSON lines" form that
// kafkatrace's --traces-file writes, so the chain checker reads both sides with one parser.
// (opentelemetry-exporter-logging-otlp, which does this, is not served at 1.68.0 here.)
//
// OTLP/JSON mapping as the OTLP spec defines it: lowerCamelCase keys, trace/span ids as hex
// strings, enums (span kind, status code) as integers, 64-bit integers as decimal strings.
// Events are written with their name, time and attributes; links with ids and attributes.
//
// Threading: export may be called from any thread (SimpleSpanProcessor calls it on the thread
// that ends the span); writes are serialised on this object.
package dev.kafkatrace.interop;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class OtlpJsonLinesSpanExporter implements SpanExporter {
  private final Writer out;

  OtlpJsonLinesSpanExporter(Path path) throws IOException {
    out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    // One resourceSpans per export call (the relay has a single resource), grouped by scope.
    Map<InstrumentationScopeInfo, StringBuilder> byScope = new LinkedHashMap<>();
    for (SpanData span : spans) {
      StringBuilder list = byScope.computeIfAbsent(span.getInstrumentationScopeInfo(),
          scope -> new StringBuilder());
      if (list.length() > 0) {
        list.append(',');
      }
      appendSpan(list, span);
    }
    StringBuilder line = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":");
    appendAttributes(line, spans.iterator().next().getResource().getAttributes());
    line.append("},\"scopeSpans\":[");
    boolean first = true;
    for (Map.Entry<InstrumentationScopeInfo, StringBuilder> entry : byScope.entrySet()) {
      line.append(first ? "" : ",").append("{\"scope\":{\"name\":");
      first = false;
      appendString(line, entry.getKey().getName());
      if (entry.getKey().getVersion() != null) {
        line.append(",\"version\":");
        appendString(line, entry.getKey().getVersion());
      }
      line.append("},\"spans\":[").append(entry.getValue()).append("]}");
    }
    line.append("]}]}\n");
    try {
      out.write(line.toString());
      out.flush();
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      System.err.println("java-relay: cannot write spans: " + e);
      return CompletableResultCode.ofFailure();
    }
  }

  private static void appendSpan(StringBuilder json, SpanData span) {
    json.append("{\"traceId\":\"").append(span.getTraceId()).append("\",\"spanId\":\"")
        .append(span.getSpanId()).append('"');
    if (span.getParentSpanContext().isValid()) {
      json.append(",\"parentSpanId\":\"").append(span.getParentSpanId()).append('"');
    }
    json.append(",\"flags\":").append(span.getSpanContext().getTraceFlags().asByte() & 0xff);
    json.append(",\"name\":");
    appendString(json, span.getName());
    // OTLP SpanKind: INTERNAL=1 SERVER=2 CLIENT=3 PRODUCER=4 CONSUMER=5, the Java enum's order.
    json.append(",\"kind\":").append(span.getKind().ordinal() + 1);
    json.append(",\"startTimeUnixNano\":\"").append(span.getStartEpochNanos()).append('"');
    json.append(",\"endTimeUnixNano\":\"").append(span.getEndEpochNanos()).append('"');
    json.append(",\"attributes\":");
    appendAttributes(json, span.getAttributes());
    json.append(",\"events\":[");
    List<EventData> events = span.getEvents();
    for (int i = 0; i < events.size(); ++i) {
      json.append(i == 0 ? "" : ",").append("{\"timeUnixNano\":\"")
          .append(events.get(i).getEpochNanos()).append("\",\"name\":");
      appendString(json, events.get(i).getName());
      json.append(",\"attributes\":");
      appendAttributes(json, events.get(i).getAttributes());
      json.append('}');
    }
    json.append("],\"links\":[");
    List<LinkData> links = span.getLinks();
    for (int i = 0; i < links.size(); ++i) {
      json.append(i == 0 ? "" : ",").append("{\"traceId\":\"")
          .append(links.get(i).getSpanContext().getTraceId()).append("\",\"spanId\":\"")
          .append(links.get(i).getSpanContext().getSpanId()).append("\",\"attributes\":");
      appendAttributes(json, links.get(i).getAttributes());
      json.append('}');
    }
    // OTLP StatusCode: UNSET=0 OK=1 ERROR=2, the Java enum's order.
    json.append("],\"status\":{\"code\":").append(span.getStatus().getStatusCode().ordinal());
    if (!span.getStatus().getDescription().isEmpty()) {
      json.append(",\"message\":");
      appendString(json, span.getStatus().getDescription());
    }
    json.append("}}");
  }

  private static void appendAttributes(StringBuilder json, Attributes attributes) {
    json.append('[');
    boolean[] first = {true};
    attributes.forEach((AttributeKey<?> key, Object value) -> {
      json.append(first[0] ? "" : ",").append("{\"key\":");
      first[0] = false;
      appendString(json, key.getKey());
      json.append(",\"value\":");
      appendValue(json, value);
      json.append('}');
    });
    json.append(']');
  }

  private static void appendValue(StringBuilder json, Object value) {
    if (value instanceof String text) {
      json.append("{\"stringValue\":");
      appendString(json, text);
      json.append('}');
    } else if (value instanceof Boolean flag) {
      json.append("{\"boolValue\":").append(flag).append('}');
    } else if (value instanceof Long number) {
      json.append("{\"intValue\":\"").append(number).append("\"}");
    } else if (value instanceof Double number) {
      json.append("{\"doubleValue\":").append(number).append('}');
    } else if (value instanceof List<?> items) {
      json.append("{\"arrayValue\":{\"values\":[");
      for (int i = 0; i < items.size(); ++i) {
        json.append(i == 0 ? "" : ",");
        appendValue(json, items.get(i));
      }
      json.append("]}}");
    } else {
      json.append("{\"stringValue\":");
      appendString(json, String.valueOf(value));
      json.append('}');
    }
  }

  static void appendString(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); ++i) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    try {
      out.close();
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
  }
}
