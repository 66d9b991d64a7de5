// OTLP/JSON encoding of the pieces every signal shares (common/v1 and resource/v1): AnyValue,
// KeyValue lists, Resource and InstrumentationScope, plus the proto3-JSON conventions for
// optional scalars (defaults omitted, 64-bit integers and *UnixNano times as strings). Used by
// the trace and metrics JSON encoders.
//
//   json.begin_object();
//   write_json_attributes(json, point.attributes);      // "attributes":[{"key":..,"value":{..}}]
//   write_json_time(json, "timeUnixNano", point.time_unix_nano);
#pragma once

#include <cstdint>
#include <string_view>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/span_data.h"
#include "otlp_common/json_writer.h"

namespace kafkatrace::exporters::otlp {

// An AnyValue object ({"stringValue":..}, {"arrayValue":{"values":[..]}}, ...).
void write_json_any_value(JsonWriter& json, const otel::AttributeValue& value);
// "attributes":[...]; nothing when empty.
void write_json_attributes(JsonWriter& json, const otel::Attributes& attributes);
// Member `name` only when non-zero / non-empty (proto3 default omission).
void write_json_count(JsonWriter& json, std::string_view name, std::uint32_t count);
void write_json_string(JsonWriter& json, std::string_view name, std::string_view value);
void write_json_time(JsonWriter& json, std::string_view name, std::uint64_t time_unix_nano);
// "resource":{...} / "scope":{...}; nothing when null.
void write_json_resource(JsonWriter& json, const otel::Resource* resource);
void write_json_scope(JsonWriter& json, const otel::InstrumentationScope* scope);

}  // namespace kafkatrace::exporters::otlp
