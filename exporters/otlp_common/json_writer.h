// JsonWriter: a small streaming JSON writer into a reusable buffer, for OTLP/JSON. Commas are
// inserted automatically; the caller keeps keys and values balanced.
//
//   JsonWriter json;
//   json.begin_object(); json.key("name"); json.string_value("a\n"); json.end_object();
//   std::string_view text = json.view();   // {"name":"a\n"}
//
// string_value escapes per RFC 8259: '"', '\\', and control characters (\b \f \n \r \t, others as
// \u00XX). Invalid UTF-8 (bad lead or continuation bytes, overlong forms, surrogates, code points
// above U+10FFFF) is replaced by U+FFFD, one replacement per offending byte.
// Doubles use the shortest text that round-trips; NaN and the infinities become the proto3 JSON
// strings "NaN", "Infinity", "-Infinity".
// Not thread-safe; clear() keeps the capacity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kafkatrace::exporters::otlp {

// Length of the valid UTF-8 sequence starting at text[i] (i < text.size()), or 0 if it is
// invalid (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF).
std::size_t valid_utf8_length(std::string_view text, std::size_t i) noexcept;

class JsonWriter {
 public:
  void clear() noexcept {
    buffer_.clear();
    need_comma_ = false;
  }
  std::string_view view() const noexcept { return buffer_; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // An object key known to need no escaping (a field name of the OTLP schema).
  void key(std::string_view name);

  void string_value(std::string_view text);
  // A value already known to be plain ASCII without quotes or backslashes (e.g. hex ids).
  void raw_string_value(std::string_view text);
  void bool_value(bool value);
  void int_value(std::int64_t value);
  void uint_value(std::uint64_t value);
  // 64-bit integers as proto3 JSON writes them: a decimal string.
  void int64_string_value(std::int64_t value);
  void uint64_string_value(std::uint64_t value);
  void double_value(double value);

  // Appends `text` escaped, without quotes (exposed for tests).
  static void append_escaped(std::string& out, std::string_view text);

 private:
  void open(char bracket);
  void close(char bracket);
  void separate() {
    if (need_comma_) buffer_.push_back(',');
    need_comma_ = true;
  }

  std::string buffer_;
  bool need_comma_ = false;
};

}  // namespace kafkatrace::exporters::otlp
