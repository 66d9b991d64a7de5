// One-line JSON objects for the CLI's --json output (`kafkatrace produce`, `kafkatrace consume`):
// a small builder that escapes strings and writes Kafka bytes (keys, values, header values)
// as JSON strings when they are UTF-8 and as base64 otherwise.
//
//   JsonObject line;
//   line.field("partition", 0).field("offset", 42).bytes_field("key", key);
//   std::puts(line.finish().c_str());  // {"partition":0,"offset":42,"key":"k1"}
//
// Bytes fields: nullopt (Kafka's null) is `null`; valid UTF-8 is `"name":"text"`; anything else
// is `"name_base64":"..."` (RFC 4648 base64), so a consumer of the output never sees mangled
// bytes and can tell the two apart by the field name. Not thread-safe (a value type).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kafkatrace::cli {

class JsonObject {
 public:
  JsonObject& field(std::string_view name, std::string_view text);
  JsonObject& field(std::string_view name, std::int64_t number);
  JsonObject& null_field(std::string_view name);
  // Kafka bytes, as described above.
  JsonObject& bytes_field(std::string_view name, std::optional<std::string_view> bytes);
  // `json` must already be valid JSON (e.g. an array built with JsonArray).
  JsonObject& raw_field(std::string_view name, std::string_view json);
  // The object's text, "{...}" without a newline.
  std::string finish() const;

 private:
  void key(std::string_view name);
  std::string text_;
};

// Builds "[...]" from already-encoded elements.
class JsonArray {
 public:
  JsonArray& add(std::string_view json);
  std::string finish() const { return "[" + text_ + "]"; }

 private:
  std::string text_;
};

// `text` as a quoted JSON string; bytes that are not valid UTF-8 are escaped as \u00XX.
std::string json_string(std::string_view text);
bool is_valid_utf8(std::string_view bytes) noexcept;
std::string base64(std::string_view bytes);

}  // namespace kafkatrace::cli
