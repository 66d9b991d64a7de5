#include "reliability_support.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "kafkatrace/log.h"

namespace kafkatrace::reliability {
namespace {

std::uint64_t status_field_kib(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, field.size(), field) != 0 || line.size() <= field.size() ||
        line[field.size()] != ':')
      continue;
    return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);  // "   1234 kB"
  }
  return 0;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

long int_option(int argc, char** argv, std::string_view name, const char* env, long fallback) {
  std::string_view text;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == name && i + 1 < argc) text = argv[i + 1];
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=')
      text = arg.substr(name.size() + 1);
  }
  if (text.empty() && env != nullptr && std::getenv(env) != nullptr) text = std::getenv(env);
  if (text.empty()) return fallback;
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    std::fprintf(stderr, "%.*s: not a non-negative integer: %.*s\n", static_cast<int>(name.size()),
                 name.data(), static_cast<int>(text.size()), text.data());
    std::exit(2);
  }
  return value;
}

bool has_flag(int argc, char** argv, std::string_view name) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == name) return true;
  return false;
}

std::uint64_t current_rss_kib() {
  return status_field_kib("VmRSS");
}
std::uint64_t peak_rss_kib() {
  return status_field_kib("VmHWM");
}

bool reset_peak_rss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

LogTally::LogTally(int echo_limit, bool verbose) {
  counts_->echo_left = echo_limit;
  counts_->verbose = verbose;
  if (verbose) set_log_level(LogLevel::kDebug);
  set_log_handler([counts = counts_](LogLevel level, std::string_view component,
                                     std::string_view message) {
    std::lock_guard lock(counts->mutex);
    if (counts->verbose) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - counts->started).count();
      std::fprintf(stderr, "%8.3f [%.*s] %.*s: %.*s\n", seconds,
                   static_cast<int>(to_string(level).size()), to_string(level).data(),
                   static_cast<int>(component.size()), component.data(),
                   static_cast<int>(message.size()), message.data());
    }
    if (level < LogLevel::kWarning) return;
    (level == LogLevel::kError ? counts->errors : counts->warnings) += 1;
    auto found = counts->by_component.find(component);
    if (found == counts->by_component.end())
      found = counts->by_component.emplace(component, 0).first;
    ++found->second;
    if (counts->echo_left > 0 && !counts->verbose) {
      --counts->echo_left;
      std::fprintf(stderr, "[%.*s] %.*s: %.*s\n", static_cast<int>(to_string(level).size()),
                   to_string(level).data(), static_cast<int>(component.size()), component.data(),
                   static_cast<int>(message.size()), message.data());
    }
  });
}

LogTally::~LogTally() {
  set_log_handler({});
}

std::uint64_t LogTally::warnings() const {
  std::lock_guard lock(counts_->mutex);
  return counts_->warnings;
}

std::uint64_t LogTally::errors() const {
  std::lock_guard lock(counts_->mutex);
  return counts_->errors;
}

std::string LogTally::summary() const {
  std::vector<std::pair<std::string, std::uint64_t>> sorted;
  {
    std::lock_guard lock(counts_->mutex);
    sorted.assign(counts_->by_component.begin(), counts_->by_component.end());
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [component, count] : sorted) {
    if (!text.empty()) text.append(", ");
    text.append(component).append(": ").append(std::to_string(count));
  }
  return text.empty() ? "none" : text;
}

void Report::add(std::string_view key, std::int64_t value) {
  entries_.push_back({std::string(key), std::to_string(value), std::to_string(value)});
}

void Report::add(std::string_view key, std::uint64_t value) {
  entries_.push_back({std::string(key), std::to_string(value), std::to_string(value)});
}

void Report::add(std::string_view key, double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  entries_.push_back({std::string(key), text, text});
}

void Report::add(std::string_view key, bool value) {
  entries_.push_back({std::string(key), value ? "yes" : "no", value ? "true" : "false"});
}

void Report::add_text(std::string_view key, std::string_view value) {
  entries_.push_back({std::string(key), std::string(value), json_string(value)});
}

void Report::print() const {
  std::size_t width = 0;
  for (const auto& entry : entries_) width = std::max(width, entry.key.size());
  std::printf("\n%s\n", name_.c_str());
  for (const auto& entry : entries_)
    std::printf("  %-*s  %s\n", static_cast<int>(width), entry.key.c_str(), entry.text.c_str());
  std::printf("RESULT %s\n", json().c_str());
  std::fflush(stdout);
}

std::string Report::json() const {
  std::string text = "{\"test\":";
  text.append(json_string(name_));
  for (const auto& entry : entries_)
    text.append(",").append(json_string(entry.key)).append(":").append(entry.json);
  return text.append("}");
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

}  // namespace kafkatrace::reliability
