// Protobuf encoding of the OTLP messages every signal shares (opentelemetry/proto/common/v1 and
// resource/v1): AnyValue, KeyValue, InstrumentationScope, Resource. Used by the trace encoder
// and, later, the metrics encoder.
//
//   ProtobufWriter writer;
//   write_resource(writer, kResourceSpansResource, span.resource.get());
//   write_key_values(writer, kSpanAttributes, span.attributes);
#pragma once

#include <cstdint>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/span_data.h"
#include "otlp_common/protobuf_writer.h"

namespace kafkatrace::exporters::otlp {

// Field numbers, checked against opentelemetry-proto common.proto and resource.proto.
inline constexpr std::uint32_t kAnyValueString = 1;
inline constexpr std::uint32_t kAnyValueBool = 2;
inline constexpr std::uint32_t kAnyValueInt = 3;
inline constexpr std::uint32_t kAnyValueDouble = 4;
inline constexpr std::uint32_t kAnyValueArray = 5;
inline constexpr std::uint32_t kAnyValueKvlist = 6;
inline constexpr std::uint32_t kAnyValueBytes = 7;
inline constexpr std::uint32_t kArrayValueValues = 1;
inline constexpr std::uint32_t kKeyValueListValues = 1;
inline constexpr std::uint32_t kKeyValueKey = 1;
inline constexpr std::uint32_t kKeyValueValue = 2;
inline constexpr std::uint32_t kScopeName = 1;
inline constexpr std::uint32_t kScopeVersion = 2;
inline constexpr std::uint32_t kScopeAttributes = 3;
inline constexpr std::uint32_t kScopeDroppedAttributesCount = 4;
inline constexpr std::uint32_t kResourceAttributes = 1;
inline constexpr std::uint32_t kResourceDroppedAttributesCount = 2;

// Writes an AnyValue as field `field`. The oneof member is always written, even when it holds
// its type's default (0, false, ""), because oneof presence is meaningful.
void write_any_value(ProtobufWriter& writer, std::uint32_t field,
                     const otel::AttributeValue& value);

// Writes one KeyValue message per attribute, each as field `field`.
void write_key_values(ProtobufWriter& writer, std::uint32_t field,
                      const otel::Attributes& attributes);

// Writes the Resource message as field `field`; nothing when `resource` is null.
void write_resource(ProtobufWriter& writer, std::uint32_t field, const otel::Resource* resource);

// Writes the InstrumentationScope message as field `field`; nothing when `scope` is null.
void write_scope(ProtobufWriter& writer, std::uint32_t field,
                 const otel::InstrumentationScope* scope);

}  // namespace kafkatrace::exporters::otlp
