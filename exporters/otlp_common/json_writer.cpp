#include "otlp_common/json_writer.h"

#include <charconv>
#include <cmath>

namespace kafkatrace::exporters::otlp {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

std::size_t valid_utf8_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return length;
}

namespace {

char short_escape(unsigned char c) noexcept {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
  }
}

}  // namespace

void JsonWriter::append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = valid_utf8_length(text, i);
      if (length != 0) {
        i += length;
        continue;
      }
    }
    out.append(text.substr(run_start, i - run_start));
    if (c >= 0x80) {
      out.append(kReplacement);
    } else if (const char escape = short_escape(c); escape != 0) {
      out.push_back('\\');
      out.push_back(escape);
    } else {
      const char unicode[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(unicode, sizeof(unicode));
    }
    ++i;
    run_start = i;
  }
  out.append(text.substr(run_start));
}

void JsonWriter::open(char bracket) {
  separate();
  buffer_.push_back(bracket);
  need_comma_ = false;
}

void JsonWriter::close(char bracket) {
  buffer_.push_back(bracket);
  need_comma_ = true;
}

void JsonWriter::key(std::string_view name) {
  separate();
  buffer_.push_back('"');
  buffer_.append(name);
  buffer_.append("\":");
  need_comma_ = false;
}

void JsonWriter::string_value(std::string_view text) {
  separate();
  buffer_.push_back('"');
  append_escaped(buffer_, text);
  buffer_.push_back('"');
}

void JsonWriter::raw_string_value(std::string_view text) {
  separate();
  buffer_.push_back('"');
  buffer_.append(text);
  buffer_.push_back('"');
}

void JsonWriter::bool_value(bool value) {
  separate();
  buffer_.append(value ? "true" : "false");
}

void JsonWriter::int_value(std::int64_t value) {
  separate();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, result.ptr);
}

void JsonWriter::uint_value(std::uint64_t value) {
  separate();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, result.ptr);
}

void JsonWriter::int64_string_value(std::int64_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  raw_string_value(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
}

void JsonWriter::uint64_string_value(std::uint64_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  raw_string_value(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
}

void JsonWriter::double_value(double value) {
  if (std::isnan(value)) return raw_string_value("NaN");
  if (std::isinf(value)) return raw_string_value(value > 0 ? "Infinity" : "-Infinity");
  separate();
  char digits[32];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, result.ptr);
}

}  // namespace kafkatrace::exporters::otlp
