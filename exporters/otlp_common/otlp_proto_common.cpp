#include "otlp_common/otlp_proto_common.h"

#include <bit>
#include <cassert>
#include <cstring>
#include <type_traits>
#include <variant>

namespace kafkatrace::exporters::otlp {
namespace {

void write_scalar(ProtobufWriter& writer, bool value) {
  writer.write_bool(kAnyValueBool, value);
}
void write_scalar(ProtobufWriter& writer, std::int64_t value) {
  writer.write_int64(kAnyValueInt, value);
}
void write_scalar(ProtobufWriter& writer, double value) {
  writer.write_double(kAnyValueDouble, value);
}
void write_scalar(ProtobufWriter& writer, const std::string& value) {
  writer.write_string(kAnyValueString, value);
}

template <typename T>
void write_array(ProtobufWriter& writer, const std::vector<T>& values) {
  auto array = writer.begin_nested(kAnyValueArray, values.size() < 10 ? 1 : 2);
  for (const auto& value : values) {  // `auto` also covers vector<bool>'s proxy reference
    auto element = writer.begin_nested(kArrayValueValues, 1);
    write_scalar(writer, static_cast<T>(value));
    writer.end_nested(element);
  }
  writer.end_nested(array);
}

// The encoded size of a scalar AnyValue's body (tag and value), or 0 for an array.
std::size_t scalar_any_size(const otel::AttributeValue& value) noexcept {
  switch (value.index()) {
    case 0: return 2;
    case 1: return 1 + ProtobufWriter::varint_size(static_cast<std::uint64_t>(std::get<1>(value)));
    case 2: return 9;
    case 3: {
      const std::size_t size = std::get<3>(value).size();
      return 1 + ProtobufWriter::varint_size(size) + size;
    }
    default: return 0;
  }
}

// Writes a scalar AnyValue's body; false when its text is not ASCII.
bool put_scalar_any(char*& out, const otel::AttributeValue& value) noexcept {
  using W = ProtobufWriter;
  switch (value.index()) {
    case 0:
      out = W::put_tag(out, kAnyValueBool, WireType::kVarint);
      *out++ = std::get<0>(value) ? 1 : 0;
      return true;
    case 1:
      out = W::put_tag(out, kAnyValueInt, WireType::kVarint);
      out = W::put_varint(out, static_cast<std::uint64_t>(std::get<1>(value)));
      return true;
    case 2: {
      out = W::put_tag(out, kAnyValueDouble, WireType::kFixed64);
      out = W::put_fixed64(out, std::bit_cast<std::uint64_t>(std::get<2>(value)));
      return true;
    }
    default: {
      const std::string& text = std::get<3>(value);
      out = W::put_tag(out, kAnyValueString, WireType::kLengthDelimited);
      out = W::put_varint(out, text.size());
      const bool ascii = W::put_ascii(out, text);
      out += text.size();
      return ascii;
    }
  }
}

// One KeyValue with a scalar value, sized first and written in one claim: the usual attribute,
// without the nested-length bookkeeping of the general path. False (and nothing written) when the
// attribute needs the general path: an array, or text that is not ASCII (it may need U+FFFD
// replacements).
bool write_scalar_key_value(ProtobufWriter& writer, std::uint32_t field,
                            const otel::KeyValue& attribute) {
  using W = ProtobufWriter;
  const std::size_t any_size = scalar_any_size(attribute.value);
  if (any_size == 0) return false;
  const std::string& key = attribute.key;
  const std::size_t key_size = key.empty() ? 0 : 1 + W::varint_size(key.size()) + key.size();
  const std::size_t body = key_size + 1 + W::varint_size(any_size) + any_size;
  const std::size_t total = W::tag_size(field) + W::varint_size(body) + body;
  const std::size_t start = writer.size();
  char* out = writer.claim(total);
  [[maybe_unused]] char* const end = out + total;
  out = W::put_tag(out, field, WireType::kLengthDelimited);
  out = W::put_varint(out, body);
  bool ascii = true;
  if (!key.empty()) {
    out = W::put_tag(out, kKeyValueKey, WireType::kLengthDelimited);
    out = W::put_varint(out, key.size());
    ascii = W::put_ascii(out, key);
    out += key.size();
  }
  out = W::put_tag(out, kKeyValueValue, WireType::kLengthDelimited);
  out = W::put_varint(out, any_size);
  ascii = put_scalar_any(out, attribute.value) && ascii;
  assert(out == end);
  if (!ascii) writer.truncate(start);
  return ascii;
}

}  // namespace

void write_any_value(ProtobufWriter& writer, std::uint32_t field,
                     const otel::AttributeValue& value) {
  auto any = writer.begin_nested(field, 1);
  std::visit(
      [&writer](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          write_array(writer, held);
        } else {
          write_scalar(writer, held);
        }
      },
      value);
  writer.end_nested(any);
}

void write_key_values(ProtobufWriter& writer, std::uint32_t field,
                      const otel::Attributes& attributes) {
  for (const auto& attribute : attributes) {
    if (write_scalar_key_value(writer, field, attribute)) continue;
    auto key_value = writer.begin_nested(field, 1);
    if (!attribute.key.empty()) writer.write_string(kKeyValueKey, attribute.key);
    write_any_value(writer, kKeyValueValue, attribute.value);
    writer.end_nested(key_value);
  }
}

void write_resource(ProtobufWriter& writer, std::uint32_t field, const otel::Resource* resource) {
  if (resource == nullptr) return;
  auto message = writer.begin_nested(field, 2);
  write_key_values(writer, kResourceAttributes, resource->attributes());
  writer.end_nested(message);
}

void write_scope(ProtobufWriter& writer, std::uint32_t field,
                 const otel::InstrumentationScope* scope) {
  if (scope == nullptr) return;
  auto message = writer.begin_nested(field, 1);
  if (!scope->name.empty()) writer.write_string(kScopeName, scope->name);
  if (!scope->version.empty()) writer.write_string(kScopeVersion, scope->version);
  writer.end_nested(message);
}

}  // namespace kafkatrace::exporters::otlp
