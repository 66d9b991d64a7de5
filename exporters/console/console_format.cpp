// format_span_for_console: the console exporter's text layout.
#include <cstdio>

#include "console/console_text.h"
#include "kafkatrace/exporters/console.h"
#include "kafkatrace/otel/resource.h"

namespace kafkatrace::exporters {
namespace {

using console::append_attributes;
using console::append_quoted;
using console::append_time;
using console::append_value;

template <std::size_t N>
void append_id(std::string& out, const otel::Id<N>& id) {
  char hex[otel::Id<N>::kHexSize];
  id.to_hex(hex);
  out.append(hex, sizeof(hex));
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
  out += otel::span_kind_name(span.kind);
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
  otel::Attributes buffer;
  const otel::Attributes& attributes = otel::all_attributes(span, buffer);
  if (!attributes.empty() || span.dropped_attributes_count != 0) {
    out += "  attributes\n";
    append_attributes(out, attributes, "    ", span.dropped_attributes_count);
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
