#include "prometheus/prometheus_names.h"

#include <array>
#include <utility>

namespace kafkatrace::exporters::prometheus {
namespace {

using UnitWord = std::pair<std::string_view, std::string_view>;

// UCUM units OpenTelemetry semantic conventions use, and their Prometheus words.
constexpr std::array<UnitWord, 30> kUnits{{
    {"d", "days"},          {"h", "hours"},         {"min", "minutes"},    {"s", "seconds"},
    {"ms", "milliseconds"}, {"us", "microseconds"}, {"ns", "nanoseconds"}, {"By", "bytes"},
    {"KiBy", "kibibytes"},  {"MiBy", "mebibytes"},  {"GiBy", "gibibytes"}, {"TiBy", "tebibytes"},
    {"KBy", "kilobytes"},   {"MBy", "megabytes"},   {"GBy", "gigabytes"},  {"TBy", "terabytes"},
    {"bit", "bits"},        {"m", "meters"},        {"V", "volts"},        {"A", "amperes"},
    {"J", "joules"},        {"W", "watts"},         {"g", "grams"},        {"Cel", "celsius"},
    {"Hz", "hertz"},        {"%", "percent"},       {"1", "ratio"},        {"Kibit", "kibibits"},
    {"Mibit", "mebibits"},  {"Gibit", "gibibits"},
}};

// The denominator of "x/y" units, as Prometheus writes it ("per_second").
constexpr std::array<UnitWord, 7> kPerUnits{{
    {"s", "second"},
    {"m", "minute"},
    {"h", "hour"},
    {"d", "day"},
    {"w", "week"},
    {"mo", "month"},
    {"y", "year"},
}};

template <std::size_t N>
std::string_view lookup(const std::array<UnitWord, N>& table, std::string_view key) {
  for (const auto& [from, to] : table)
    if (from == key) return to;
  return {};
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Replaces characters outside [A-Za-z0-9_] (plus ':' when `allow_colon`) with '_', collapses
// runs of '_', and prefixes '_' when the result would start with a digit.
std::string sanitize(std::string_view text, bool allow_colon) {
  std::string out;
  out.reserve(text.size() + 1);
  for (const char c : text) {
    const bool valid = is_letter(c) || is_digit(c) || c == '_' || (allow_colon && c == ':');
    const char mapped = valid ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out += mapped;
  }
  if (out.empty() || is_digit(out.front())) out.insert(out.begin(), '_');
  return out;
}

// Removes every "{...}" annotation (an unterminated '{' drops the rest).
std::string drop_annotations(std::string_view unit) {
  std::string out;
  int depth = 0;
  for (const char c : unit) {
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

std::string word_for(std::string_view unit, bool denominator) {
  if (unit.empty()) return {};
  std::string_view word = denominator ? lookup(kPerUnits, unit) : std::string_view{};
  if (word.empty()) word = lookup(kUnits, unit);
  if (word.empty()) word = unit;  // not a known abbreviation: kept, sanitized
  std::string out = sanitize(word, false);
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string convert_unit(std::string_view unit) {
  const std::string plain = drop_annotations(unit);
  const std::string_view text = plain;
  const auto slash = text.find('/');
  std::string main = word_for(text.substr(0, slash), false);
  if (slash == std::string_view::npos) return main;
  const std::string per = word_for(text.substr(slash + 1), true);
  if (per.empty()) return main;
  if (main == "ratio") main.clear();  // "1/s" is a rate of a count: "per_second"
  return main.empty() ? "per_" + per : main + "_per_" + per;
}

std::string sanitize_metric_name(std::string_view name) {
  return sanitize(name, true);
}

std::string sanitize_label_name(std::string_view name) {
  return sanitize(name, false);
}

std::string metric_family_name(std::string_view name, std::string_view unit, bool counter) {
  std::string family = sanitize_metric_name(name);
  if (counter && ends_with(family, "_total")) family.resize(family.size() - 6);
  const std::string suffix = convert_unit(unit);
  if (!suffix.empty() && family != suffix && !ends_with(family, "_" + suffix)) {
    if (family.back() != '_') family += '_';
    family += suffix;
  }
  if (counter) family += family.back() == '_' ? "total" : "_total";
  return family;
}

}  // namespace kafkatrace::exporters::prometheus
