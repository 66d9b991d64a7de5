#include "kafka/internal/json_reader.h"

#include <charconv>
#include <cmath>

namespace kafkatrace::kafka::internal {

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
  for (const auto& member : members_)
    if (member.first == key) return &member.second;
  return nullptr;
}

std::optional<std::int64_t> JsonValue::as_int() const noexcept {
  if (type_ != Type::kNumber) return std::nullopt;
  if (integral_) return integer_;
  if (!std::isfinite(number_) || std::fabs(number_) > 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(number_);
}

std::optional<double> JsonValue::as_double() const noexcept {
  if (type_ != Type::kNumber) return std::nullopt;
  return integral_ ? static_cast<double>(integer_) : number_;
}

// Recursive descent over the text; every failure returns false and the parse is abandoned.
class JsonParser final {
 public:
  explicit JsonParser(std::string_view text) noexcept : text_(text) {}

  bool parse_document(JsonValue& out) {
    if (!parse_value(out, 0)) return false;
    skip_space();
    return pos_ == text_.size();
  }

 private:
  void skip_space() noexcept {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool consume(char c) noexcept {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) noexcept {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool parse_value(JsonValue& out, std::size_t depth) {
    if (depth > kMaxJsonDepth) return false;
    skip_space();
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_]) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"': out.type_ = JsonValue::Type::kString; return parse_string(out.text_);
      case 't':
        out.type_ = JsonValue::Type::kBool;
        out.boolean_ = true;
        return literal("true");
      case 'f': out.type_ = JsonValue::Type::kBool; return literal("false");
      case 'n': return literal("null");
      default: return parse_number(out);
    }
  }

  bool parse_object(JsonValue& out, std::size_t depth) {
    ++pos_;  // '{'
    out.type_ = JsonValue::Type::kObject;
    if (consume('}')) return true;
    do {
      skip_space();
      JsonValue::Member member;
      if (pos_ >= text_.size() || text_[pos_] != '"' || !parse_string(member.first)) return false;
      if (!consume(':') || !parse_value(member.second, depth + 1)) return false;
      out.members_.push_back(std::move(member));
    } while (consume(','));
    return consume('}');
  }

  bool parse_array(JsonValue& out, std::size_t depth) {
    ++pos_;  // '['
    out.type_ = JsonValue::Type::kArray;
    if (consume(']')) return true;
    do {
      out.elements_.emplace_back();
      if (!parse_value(out.elements_.back(), depth + 1)) return false;
    } while (consume(','));
    return consume(']');
  }

  bool parse_number(JsonValue& out) {
    const std::size_t start = pos_;
    bool integral = true;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    const std::size_t digits = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c >= '0' && c <= '9') {
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
      } else {
        break;
      }
      ++pos_;
    }
    if (pos_ == digits) return false;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    out.type_ = JsonValue::Type::kNumber;
    if (integral) {
      const auto result = std::from_chars(first, last, out.integer_);
      if (result.ec == std::errc() && result.ptr == last) {
        out.integral_ = true;
        return true;
      }
    }
    const auto result = std::from_chars(first, last, out.number_);
    return result.ec == std::errc() && result.ptr == last;
  }

  bool hex4(std::uint32_t& value) noexcept {
    if (text_.size() - pos_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool parse_escape(std::string& out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/': out += c; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
      const std::size_t saved = pos_;
      pos_ += 2;
      std::uint32_t low = 0;
      if (hex4(low) && low >= 0xDC00 && low < 0xE000) {
        append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
        return true;
      }
      pos_ = saved;
    }
    append_utf8(out, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
    return true;
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (!parse_escape(out)) return false;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return false;
      } else {
        out += c;
      }
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<JsonValue> parse_json(std::string_view text) {
  JsonValue root;
  JsonParser parser(text);
  if (!parser.parse_document(root)) return std::nullopt;
  return root;
}

}  // namespace kafkatrace::kafka::internal
