#include "otlp_common/otlp_proto_common.h"

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
