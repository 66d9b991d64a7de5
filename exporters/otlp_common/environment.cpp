#include "otlp_common/environment.h"

#include <charconv>
#include <cstdlib>

namespace kafkatrace::exporters::otlp {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string> env_value(const char* name) {
  const char* raw = std::getenv(name);
  if (raw == nullptr) return std::nullopt;
  const std::string_view value = trim(raw);
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

std::optional<std::pair<std::string, std::string>> first_env_value(
    std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = env_value(name)) return std::make_pair(std::string(name), std::move(*value));
  }
  return std::nullopt;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_key_value_list(std::string_view text,
                                                                      int* skipped) {
  std::vector<std::pair<std::string, std::string>> result;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (trim(entry).empty()) continue;
    const auto equals = entry.find('=');
    const std::string_view key = trim(entry.substr(0, equals));
    if (equals == std::string_view::npos || key.empty()) {
      if (skipped != nullptr) ++*skipped;
      continue;
    }
    result.emplace_back(percent_decode(key), percent_decode(trim(entry.substr(equals + 1))));
  }
  return result;
}

std::optional<std::chrono::milliseconds> parse_milliseconds(std::string_view text) noexcept {
  text = trim(text);
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return std::chrono::milliseconds(value);
}

}  // namespace kafkatrace::exporters::otlp
