// A minimal JSON reader for librdkafka's statistics (statistics.interval.ms): parses a document
// into an immutable tree of JsonValue. Private to kafkatrace::kafka.
//
//   auto root = internal::parse_json(json_text);
//   if (root && root->find("topics")) for (const auto& [name, topic] :
//   root->find("topics")->members())
//
// Numbers keep an exact int64 when written without fraction or exponent. Strings are unescaped
// (\uXXXX to UTF-8; unpaired surrogates become U+FFFD). Objects keep duplicate keys in document
// order; find() returns the first. Nesting deeper than kMaxJsonDepth fails the parse.
// Threading: values are immutable once built. Cost: one allocation per string, array and object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkatrace::kafka::internal {

inline constexpr std::size_t kMaxJsonDepth = 64;

class JsonValue final {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() noexcept = default;

  Type type() const noexcept { return type_; }
  bool is_object() const noexcept { return type_ == Type::kObject; }
  bool is_number() const noexcept { return type_ == Type::kNumber; }

  // Object member named `key`, or null (also when this is not an object).
  const JsonValue* find(std::string_view key) const noexcept;
  // The number as int64: exact for integers, truncated for fractions; nullopt if not a number.
  std::optional<std::int64_t> as_int() const noexcept;
  std::optional<double> as_double() const noexcept;
  // The string, or empty when not a string.
  std::string_view as_string() const noexcept {
    return type_ == Type::kString ? std::string_view(text_) : std::string_view();
  }
  bool as_bool() const noexcept { return type_ == Type::kBool && boolean_; }
  // Empty unless this is an object / an array.
  const std::vector<Member>& members() const noexcept { return members_; }
  const std::vector<JsonValue>& elements() const noexcept { return elements_; }

 private:
  friend class JsonParser;

  Type type_ = Type::kNull;
  bool boolean_ = false;
  bool integral_ = false;
  std::int64_t integer_ = 0;
  double number_ = 0;
  std::string text_{};
  std::vector<Member> members_{};
  std::vector<JsonValue> elements_{};
};

// The document, or nullopt when `text` is not one JSON value (trailing whitespace allowed).
// Never throws except std::bad_alloc.
std::optional<JsonValue> parse_json(std::string_view text);

}  // namespace kafkatrace::kafka::internal
