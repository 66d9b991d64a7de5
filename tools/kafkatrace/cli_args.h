// Argument reading shared by the sub-commands: `--name value`, `--name=value`, `-n value`, and
// repeatable flags. Each command owns its flag table; this only walks the words.
//
//   ArgReader reader(args);
//   while (reader.next()) {
//     if (reader.is("-t", "--topic")) topic = reader.value();  // value() reports a missing value
//   }
//   if (reader.failed()) return usage_error(command, reader.error());
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kafkatrace::cli {

class ArgReader {
 public:
  explicit ArgReader(std::span<const std::string_view> args) noexcept : args_(args) {}

  // Moves to the next word; false at the end or after an error.
  bool next();
  // The current flag's name (without any "=value" part).
  std::string_view name() const noexcept { return name_; }
  // True if the current flag is `short_name` or `long_name` (either may be empty).
  bool is(std::string_view short_name, std::string_view long_name) const noexcept;
  // The current flag's value: the "=value" part or the next word. Records an error (and returns
  // "") when there is none.
  std::string_view value();
  // value() as a whole decimal integer in [min, max]; records an error otherwise.
  std::optional<std::int64_t> number(std::int64_t min, std::int64_t max);
  // Records "unknown option 'X'" for the current word.
  void unknown();
  // Records a custom usage error.
  void fail(std::string message);

  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }

 private:
  std::span<const std::string_view> args_;
  std::size_t index_ = 0;
  std::string_view name_{};
  std::optional<std::string_view> inline_value_{};
  std::string error_{};
};

// Prints "kafkatrace COMMAND: MESSAGE\nTry 'kafkatrace COMMAND --help'." on stderr; returns
// kExitUsage.
int usage_error(std::string_view command, std::string_view message);

// Writes the parts of a command's --help to stdout, in order.
void print_help(std::initializer_list<std::string_view> parts);

// Splits "name=value" at the first '='; nullopt when there is no '=' or the name is empty.
std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text);

}  // namespace kafkatrace::cli
