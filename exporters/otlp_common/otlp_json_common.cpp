#include "otlp_common/otlp_json_common.h"

#include <type_traits>
#include <variant>

namespace kafkatrace::exporters::otlp {
namespace {

void write_scalar(JsonWriter& json, bool value) {
  json.key("boolValue");
  json.bool_value(value);
}
void write_scalar(JsonWriter& json, std::int64_t value) {
  json.key("intValue");
  json.int64_string_value(value);
}
void write_scalar(JsonWriter& json, double value) {
  json.key("doubleValue");
  json.double_value(value);
}
void write_scalar(JsonWriter& json, const std::string& value) {
  json.key("stringValue");
  json.string_value(value);
}

}  // namespace

void write_json_any_value(JsonWriter& json, const otel::AttributeValue& value) {
  json.begin_object();
  std::visit(
      [&json](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          using Element = typename T::value_type;
          json.key("arrayValue");
          json.begin_object();
          if (!held.empty()) {
            json.key("values");
            json.begin_array();
            for (const auto& element : held) {
              json.begin_object();
              write_scalar(json, static_cast<Element>(element));
              json.end_object();
            }
            json.end_array();
          }
          json.end_object();
        } else {
          write_scalar(json, held);
        }
      },
      value);
  json.end_object();
}

void write_json_attributes(JsonWriter& json, const otel::Attributes& attributes) {
  if (attributes.empty()) return;
  json.key("attributes");
  json.begin_array();
  for (const auto& attribute : attributes) {
    json.begin_object();
    json.key("key");
    json.string_value(attribute.key);
    json.key("value");
    write_json_any_value(json, attribute.value);
    json.end_object();
  }
  json.end_array();
}

void write_json_count(JsonWriter& json, std::string_view name, std::uint32_t count) {
  if (count == 0) return;
  json.key(name);
  json.uint_value(count);
}

void write_json_string(JsonWriter& json, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  json.key(name);
  json.string_value(value);
}

void write_json_time(JsonWriter& json, std::string_view name, std::uint64_t time_unix_nano) {
  if (time_unix_nano == 0) return;
  json.key(name);
  json.uint64_string_value(time_unix_nano);
}

void write_json_resource(JsonWriter& json, const otel::Resource* resource) {
  if (resource == nullptr) return;
  json.key("resource");
  json.begin_object();
  write_json_attributes(json, resource->attributes());
  json.end_object();
}

void write_json_scope(JsonWriter& json, const otel::InstrumentationScope* scope) {
  if (scope == nullptr) return;
  json.key("scope");
  json.begin_object();
  write_json_string(json, "name", scope->name);
  write_json_string(json, "version", scope->version);
  json.end_object();
}

}  // namespace kafkatrace::exporters::otlp
