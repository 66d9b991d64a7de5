// SpanData: a finished span as processors and exporters see it — the SDK's record of one span.
//
//   void MyExporter::export_spans(std::span<const std::unique_ptr<SpanData>> spans) {
//     for (const auto& span : spans) print(span->name, span->context.trace_id.to_hex());
//   }
//
// Enum values equal their OTLP wire values. Times are nanoseconds since the Unix epoch.
// The SDK recycles SpanData objects after export: exporters must not keep pointers to them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span_context.h"

namespace kafkatrace::otel {

class Resource;
class SharedAttributes;

enum class SpanKind : std::uint8_t {
  kInternal = 1,
  kServer = 2,
  kClient = 3,
  kProducer = 4,
  kConsumer = 5,
};

// "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER" (as the console exporter prints them).
constexpr std::string_view span_kind_name(SpanKind kind) noexcept {
  switch (kind) {
    case SpanKind::kInternal: return "INTERNAL";
    case SpanKind::kServer: return "SERVER";
    case SpanKind::kClient: return "CLIENT";
    case SpanKind::kProducer: return "PRODUCER";
    case SpanKind::kConsumer: return "CONSUMER";
  }
  return "UNKNOWN";
}

enum class StatusCode : std::uint8_t { kUnset = 0, kOk = 1, kError = 2 };

struct InstrumentationScope {
  std::string name;
  std::string version;
  std::string schema_url;
  friend bool operator==(const InstrumentationScope&, const InstrumentationScope&) = default;
};

struct SpanEvent {
  std::string name;
  std::uint64_t time_unix_nano = 0;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
};

struct SpanLink {
  SpanContext context;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
};

struct SpanData {
  SpanContext context;
  SpanId parent_span_id;          // invalid (all zero) for a root span
  bool parent_is_remote = false;  // meaningful only when parent_span_id is valid
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t end_time_unix_nano = 0;
  // The span's attributes are shared_attributes' list (when set), then `attributes`: no key is
  // in both. Exporters that want one list use all_attributes().
  std::shared_ptr<const SharedAttributes> shared_attributes;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  std::vector<SpanEvent> events;
  std::uint32_t dropped_events_count = 0;
  std::vector<SpanLink> links;
  std::uint32_t dropped_links_count = 0;
  StatusCode status_code = StatusCode::kUnset;
  std::string status_message;  // only with StatusCode::kError
  std::shared_ptr<const InstrumentationScope> scope;
  std::shared_ptr<const Resource> resource;
};

// All of a span's attributes in one list: span.attributes itself when it has no shared
// attributes, else `buffer`, filled with the shared ones and then the span's own.
const Attributes& all_attributes(const SpanData& span, Attributes& buffer);

}  // namespace kafkatrace::otel
