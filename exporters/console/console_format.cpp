// format_span_for_console: the console exporter's text layout.
#include <charconv>
#include <ctime>
#include <type_traits>
#include <variant>

#include "kafkatrace/exporters/console.h"
#include "kafkatrace/otel/resource.h"
#include "otlp_common/json_writer.h"

namespace kafkatrace::exporters {
namespace {

std::string_view kind_name(otel::SpanKind kind) {
  switch (kind) {
    case otel::SpanKind::kInternal: return "INTERNAL";
    case otel::SpanKind::kServer: return "SERVER";
    case otel::SpanKind::kClient: return "CLIENT";
    case otel::SpanKind::kProducer: return "PRODUCER";
    case otel::SpanKind::kConsumer: return "CONSUMER";
  }
  return "UNKNOWN";
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  otlp::JsonWriter::append_escaped(out, text);
  out += '"';
}

void append_number(std::string& out, auto value) {
  char digits[32];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

void append_scalar(std::string& out, bool value) {
  out += value ? "true" : "false";
}
void append_scalar(std::string& out, std::int64_t value) {
  append_number(out, value);
}
void append_scalar(std::string& out, double value) {
  append_number(out, value);
}
void append_scalar(std::string& out, const std::string& value) {
  append_quoted(out, value);
}

void append_value(std::string& out, const otel::AttributeValue& value) {
  std::visit(
      [&out](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          out += '[';
          bool first = true;
          for (const auto& element : held) {
            if (!first) out += ", ";
            first = false;
            append_scalar(out, static_cast<typename T::value_type>(element));
          }
          out += ']';
        } else {
          append_scalar(out, held);
        }
      },
      value);
}

void append_attributes(std::string& out, const otel::Attributes& attributes,
                       std::string_view indent, std::uint32_t dropped) {
  for (const auto& attribute : attributes) {
    out += indent;
    out += attribute.key;
    out += " = ";
    append_value(out, attribute.value);
    out += '\n';
  }
  if (dropped != 0) {
    out += indent;
    out += "(" + std::to_string(dropped) + " dropped)\n";
  }
}

template <std::size_t N>
void append_id(std::string& out, const otel::Id<N>& id) {
  char hex[otel::Id<N>::kHexSize];
  id.to_hex(hex);
  out.append(hex, sizeof(hex));
}

// 2023-11-14T22:13:20.123456789Z
void append_time(std::string& out, std::uint64_t unix_nano) {
  const auto seconds = static_cast<std::time_t>(unix_nano / 1000000000ULL);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(text, length);
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%09llu",
                static_cast<unsigned long long>(unix_nano % 1000000000ULL));
  out += fraction;
  out += 'Z';
}

// Nanoseconds as milliseconds with three decimals: "1.500 ms".
void append_duration(std::string& out, std::int64_t nanos) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.3f ms", static_cast<double>(nanos) / 1e6);
  out += text;
}

}  // namespace

std::string format_span_for_console(const otel::SpanData& span) {
  std::string out;
  out.reserve(512);
  out += "span ";
  append_quoted(out, span.name);
  out += ' ';
  out += kind_name(span.kind);
  out += "\n  trace_id   ";
  append_id(out, span.context.trace_id);
  out += "\n  span_id    ";
  append_id(out, span.context.span_id);
  out += "\n  parent     ";
  if (span.parent_span_id.is_valid()) {
    append_id(out, span.parent_span_id);
    if (span.parent_is_remote) out += " (remote)";
  } else {
    out += "none (root)";
  }
  out += "\n  flags      ";
  out += span.context.trace_flags.is_sampled() ? "sampled" : "not sampled";
  if (!span.context.trace_state.empty()) {
    out += "\n  tracestate " + span.context.trace_state.to_header();
  }
  out += "\n  start      ";
  append_time(out, span.start_time_unix_nano);
  out += "\n  duration   ";
  append_duration(out, static_cast<std::int64_t>(span.end_time_unix_nano) -
                           static_cast<std::int64_t>(span.start_time_unix_nano));
  out += "\n  status     ";
  out += span.status_code == otel::StatusCode::kOk      ? "OK"
         : span.status_code == otel::StatusCode::kError ? "ERROR"
                                                        : "UNSET";
  if (!span.status_message.empty()) {
    out += ' ';
    append_quoted(out, span.status_message);
  }
  if (span.scope != nullptr) {
    out += "\n  scope      " + span.scope->name;
    if (!span.scope->version.empty()) out += ' ' + span.scope->version;
  }
  if (span.resource != nullptr) {
    if (const auto* service = span.resource->find("service.name")) {
      out += "\n  service    ";
      append_value(out, *service);
    }
  }
  out += '\n';
  if (!span.attributes.empty() || span.dropped_attributes_count != 0) {
    out += "  attributes\n";
    append_attributes(out, span.attributes, "    ", span.dropped_attributes_count);
  }
  if (!span.events.empty() || span.dropped_events_count != 0) {
    out += "  events\n";
    for (const auto& event : span.events) {
      out += "    +";
      append_duration(out, static_cast<std::int64_t>(event.time_unix_nano) -
                               static_cast<std::int64_t>(span.start_time_unix_nano));
      out += ' ';
      append_quoted(out, event.name);
      out += '\n';
      append_attributes(out, event.attributes, "      ", event.dropped_attributes_count);
    }
    if (span.dropped_events_count != 0) {
      out += "    (" + std::to_string(span.dropped_events_count) + " dropped)\n";
    }
  }
  if (!span.links.empty() || span.dropped_links_count != 0) {
    out += "  links\n";
    for (const auto& link : span.links) {
      out += "    ";
      append_id(out, link.context.trace_id);
      out += '-';
      append_id(out, link.context.span_id);
      if (link.context.is_remote) out += " (remote)";
      out += '\n';
      append_attributes(out, link.attributes, "      ", link.dropped_attributes_count);
    }
    if (span.dropped_links_count != 0) {
      out += "    (" + std::to_string(span.dropped_links_count) + " dropped)\n";
    }
  }
  return out;
}

}  // namespace kafkatrace::exporters
