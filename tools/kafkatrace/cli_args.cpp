#include "cli_args.h"

#include <charconv>
#include <cstdio>
#include <utility>

#include "commands.h"

namespace kafkatrace::cli {

bool ArgReader::next() {
  if (failed() || index_ >= args_.size()) return false;
  std::string_view word = args_[index_++];
  inline_value_.reset();
  if (const auto equals = word.find('='); word.starts_with("--") && equals != word.npos) {
    inline_value_ = word.substr(equals + 1);
    word = word.substr(0, equals);
  }
  name_ = word;
  return true;
}

bool ArgReader::is(std::string_view short_name, std::string_view long_name) const noexcept {
  return (!short_name.empty() && name_ == short_name) || (!long_name.empty() && name_ == long_name);
}

std::string_view ArgReader::value() {
  if (inline_value_) {
    const std::string_view value = *inline_value_;
    inline_value_.reset();
    return value;
  }
  if (index_ >= args_.size()) {
    fail(std::string(name_) + " needs a value");
    return {};
  }
  return args_[index_++];
}

std::optional<std::int64_t> ArgReader::number(std::int64_t min, std::int64_t max) {
  const std::string_view text = value();
  if (failed()) return std::nullopt;
  std::int64_t parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc() || end != text.data() + text.size() || parsed < min || parsed > max) {
    fail(std::string(name_) + " needs a whole number from " + std::to_string(min) + " to " +
         std::to_string(max) + ", not '" + std::string(text) + "'");
    return std::nullopt;
  }
  return parsed;
}

void ArgReader::unknown() {
  fail("unknown option '" + std::string(name_) + "'");
}

void ArgReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

int usage_error(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "kafkatrace %.*s: %.*s\nTry 'kafkatrace %.*s --help'.\n",
               static_cast<int>(command.size()), command.data(), static_cast<int>(message.size()),
               message.data(), static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == text.npos || equals == 0) return std::nullopt;
  return std::pair{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

void print_help(std::initializer_list<std::string_view> parts) {
  for (const std::string_view part : parts) std::fwrite(part.data(), 1, part.size(), stdout);
}

}  // namespace kafkatrace::cli
