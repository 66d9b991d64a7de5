// Attribute values and key/value pairs, as OpenTelemetry defines them: string, bool, int64,
// double, and homogeneous arrays of those.
//
//   kafkatrace::otel::KeyValue kv{"messaging.kafka.offset", std::int64_t{42}};
//   kafkatrace::otel::AttributeValue list = std::vector<std::string>{"a", "b"};
//   if (auto* text = std::get_if<std::string>(&kv.value)) ...
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace kafkatrace::otel {

using AttributeValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<bool>,
                 std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>>;

struct KeyValue {
  std::string key;
  AttributeValue value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

using Attributes = std::vector<KeyValue>;

}  // namespace kafkatrace::otel
