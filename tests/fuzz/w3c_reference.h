// Reference checks for the W3C Trace Context headers, written directly from the grammar of
// https://www.w3.org/TR/trace-context/ (level 1) and deliberately simple (character by
// character, no tables or SWAR), so the fuzz targets can compare the library's fast parsers
// against them input by input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkatrace::fuzz {

struct ReferenceTraceparent {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};
  std::uint8_t flags = 0;  // all eight bits as received
};

inline bool is_ows(char c) {
  return c == ' ' || c == '\t';
}
inline std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}
inline int lower_hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
// `count` bytes from 2*count lower-case hex digits at text[0...].
template <std::size_t N>
bool read_hex(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() < 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int high = lower_hex(text[2 * i]);
    const int low = lower_hex(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return true;
}
template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& bytes) {
  for (auto byte : bytes)
    if (byte != 0) return false;
  return true;
}

// traceparent = version "-" trace-id "-" parent-id "-" trace-flags, OWS around it tolerated.
// version 00: exactly 55 characters. A later version (not ff): at least 55, and anything after
// the flags must start with "-" (the fields a future version adds).
inline std::optional<ReferenceTraceparent> reference_traceparent(std::string_view text) {
  text = trim_ows(text);
  if (text.size() < 55) return std::nullopt;
  std::array<std::uint8_t, 1> version{};
  if (!read_hex(text.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  if (text[2] != '-' || text[35] != '-' || text[52] != '-') return std::nullopt;
  if (version[0] == 0 && text.size() != 55) return std::nullopt;
  if (text.size() > 55 && text[55] != '-') return std::nullopt;
  ReferenceTraceparent parsed;
  std::array<std::uint8_t, 1> flags{};
  if (!read_hex(text.substr(3, 32), parsed.trace_id) ||
      !read_hex(text.substr(36, 16), parsed.span_id) || !read_hex(text.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (all_zero(parsed.trace_id) || all_zero(parsed.span_id)) return std::nullopt;
  parsed.flags = flags[0];
  return parsed;
}

inline bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_key_rest(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}
// simple-key = lcalpha 0*255(key chars); multi-tenant-key = tenant-id "@" system-id with
// tenant-id = (lcalpha / DIGIT) 0*240(key chars), system-id = lcalpha 0*13(key chars).
inline bool reference_key(std::string_view key) {
  const auto part_ok = [](std::string_view part, std::size_t max, bool digit_first) {
    if (part.empty() || part.size() > max) return false;
    if (!is_lcalpha(part[0]) && !(digit_first && is_digit(part[0]))) return false;
    for (std::size_t i = 1; i < part.size(); ++i)
      if (!is_key_rest(part[i])) return false;
    return true;
  };
  const auto at = key.find('@');
  if (at == std::string_view::npos) return part_ok(key, 256, false);
  return part_ok(key.substr(0, at), 241, true) && part_ok(key.substr(at + 1), 14, false);
}
// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E.
inline bool reference_value(std::string_view value) {
  const auto nblk = [](char c) { return c >= 0x21 && c <= 0x7e && c != ',' && c != '='; };
  if (value.empty() || value.size() > 256 || !nblk(value.back())) return false;
  for (char c : value)
    if (c != ' ' && !nblk(c)) return false;
  return true;
}

// The entries of a tracestate header, or nullopt when the whole header must be discarded:
// a malformed member, a repeated key, or more than 32 members. Empty members are allowed.
inline std::optional<std::vector<std::pair<std::string, std::string>>> reference_tracestate(
    std::string_view header) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = header.find(',', start);
    if (comma == std::string_view::npos) comma = header.size();
    const std::string_view member = trim_ows(header.substr(start, comma - start));
    start = comma + 1;
    if (member.empty()) continue;
    const auto equals = member.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    const std::string key(member.substr(0, equals));
    const std::string value(member.substr(equals + 1));
    if (!reference_key(key) || !reference_value(value)) return std::nullopt;
    for (const auto& entry : entries)
      if (entry.first == key) return std::nullopt;
    entries.emplace_back(key, value);
    if (entries.size() > 32) return std::nullopt;
  }
  return entries;
}

}  // namespace kafkatrace::fuzz
