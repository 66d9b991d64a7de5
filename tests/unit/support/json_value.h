// A small strict JSON parser for tests (RFC 8259): parses text into a tree so tests can check
// the OTLP/JSON output by structure. Throws std::runtime_error on malformed input, including
// raw control characters inside strings and invalid UTF-8.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kafkatrace::testing {

struct JsonMember;  // a (name, value) pair of an object, defined below

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // string contents (decoded) or the number's literal text
  std::vector<JsonValue> items;
  std::vector<JsonMember> members;

  // The bodies that touch `members` are defined after JsonMember (clang with libstdc++ rejects a
  // std::pair<std::string, JsonValue> member while JsonValue is incomplete).
  const JsonValue& operator[](std::string_view key) const;
  const JsonValue& operator[](std::size_t index) const {
    if (kind != Kind::kArray || index >= items.size()) throw std::runtime_error("bad index");
    return items[index];
  }
  bool has(std::string_view key) const;
  std::size_t size() const;

  static JsonValue parse(std::string_view input);

 private:
  static void skip_space(std::string_view in, std::size_t& pos) {
    while (pos < in.size() &&
           (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\n' || in[pos] == '\r'))
      ++pos;
  }
  static void expect(std::string_view in, std::size_t& pos, std::string_view token) {
    if (in.substr(pos, token.size()) != token)
      throw std::runtime_error("expected " + std::string(token));
    pos += token.size();
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  static std::string parse_string(std::string_view in, std::size_t& pos) {
    expect(in, pos, "\"");
    std::string out;
    while (true) {
      if (pos >= in.size()) throw std::runtime_error("unterminated string");
      const auto c = static_cast<unsigned char>(in[pos++]);
      if (c == '"') break;
      if (c < 0x20) throw std::runtime_error("raw control character in string");
      if (c >= 0x80) {  // validate UTF-8 (simplified: structure only, no overlong check)
        const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
        if (extra < 0 || pos + static_cast<std::size_t>(extra) > in.size())
          throw std::runtime_error("invalid UTF-8");
        out.push_back(static_cast<char>(c));
        for (int k = 0; k < extra; ++k) {
          const auto next = static_cast<unsigned char>(in[pos++]);
          if ((next & 0xC0) != 0x80) throw std::runtime_error("invalid UTF-8");
          out.push_back(static_cast<char>(next));
        }
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (pos >= in.size()) throw std::runtime_error("bad escape");
      const char e = in[pos++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (pos + 4 > in.size()) throw std::runtime_error("bad \\u");
          const std::uint32_t cp =
              static_cast<std::uint32_t>(std::stoul(std::string(in.substr(pos, 4)), nullptr, 16));
          pos += 4;
          append_utf8(out, cp);
          break;
        }
        default: throw std::runtime_error("bad escape");
      }
    }
    return out;
  }
  static JsonValue parse_value(std::string_view in, std::size_t& pos);
};

struct JsonMember {
  JsonMember(std::string name, JsonValue value)
      : first(std::move(name)), second(std::move(value)) {}
  std::string first;
  JsonValue second;
};

inline const JsonValue& JsonValue::operator[](std::string_view key) const {
  if (kind != Kind::kObject) throw std::runtime_error("not an object");
  for (const auto& [name, value] : members)
    if (name == key) return value;
  throw std::runtime_error("missing key " + std::string(key));
}

inline bool JsonValue::has(std::string_view key) const {
  for (const auto& member : members)
    if (member.first == key) return true;
  return false;
}

inline std::size_t JsonValue::size() const {
  return kind == Kind::kArray ? items.size() : members.size();
}

inline JsonValue JsonValue::parse(std::string_view input) {
  std::size_t pos = 0;
  JsonValue value = parse_value(input, pos);
  skip_space(input, pos);
  if (pos != input.size()) throw std::runtime_error("trailing characters");
  return value;
}

inline JsonValue JsonValue::parse_value(std::string_view in, std::size_t& pos) {
  skip_space(in, pos);
  if (pos >= in.size()) throw std::runtime_error("unexpected end");
  JsonValue value;
  const char c = in[pos];
  if (c == '{') {
    value.kind = Kind::kObject;
    ++pos;
    skip_space(in, pos);
    if (pos < in.size() && in[pos] == '}') {
      ++pos;
      return value;
    }
    while (true) {
      skip_space(in, pos);
      std::string key = parse_string(in, pos);
      skip_space(in, pos);
      expect(in, pos, ":");
      value.members.emplace_back(std::move(key), parse_value(in, pos));
      skip_space(in, pos);
      if (pos < in.size() && in[pos] == ',') {
        ++pos;
        continue;
      }
      expect(in, pos, "}");
      return value;
    }
  }
  if (c == '[') {
    value.kind = Kind::kArray;
    ++pos;
    skip_space(in, pos);
    if (pos < in.size() && in[pos] == ']') {
      ++pos;
      return value;
    }
    while (true) {
      value.items.push_back(parse_value(in, pos));
      skip_space(in, pos);
      if (pos < in.size() && in[pos] == ',') {
        ++pos;
        continue;
      }
      expect(in, pos, "]");
      return value;
    }
  }
  if (c == '"') {
    value.kind = Kind::kString;
    value.text = parse_string(in, pos);
    return value;
  }
  if (in.substr(pos, 4) == "true") {
    pos += 4;
    value.kind = Kind::kBool;
    value.boolean = true;
    return value;
  }
  if (in.substr(pos, 5) == "false") {
    pos += 5;
    value.kind = Kind::kBool;
    return value;
  }
  if (in.substr(pos, 4) == "null") {
    pos += 4;
    return value;
  }
  const std::size_t start = pos;
  if (pos < in.size() && in[pos] == '-') ++pos;
  if (pos >= in.size() || in[pos] < '0' || in[pos] > '9') throw std::runtime_error("bad value");
  while (pos < in.size() &&
         std::string_view("0123456789.eE+-").find(in[pos]) != std::string_view::npos)
    ++pos;
  value.kind = Kind::kNumber;
  value.text = std::string(in.substr(start, pos - start));
  return value;
}

}  // namespace kafkatrace::testing
