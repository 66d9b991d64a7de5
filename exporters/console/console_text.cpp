// Text helpers shared by the console span and metric formats: JSON-style quoting, attribute
// values, attribute lists and UTC timestamps.
#include "console/console_text.h"

#include <charconv>
#include <ctime>
#include <type_traits>
#include <variant>

#include "otlp_common/json_writer.h"

namespace kafkatrace::exporters::console {
namespace {

void append_number(std::string& out, auto value) {
  char digits[32];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

void append_scalar(std::string& out, bool value) {
  out += value ? "true" : "false";
}
void append_scalar(std::string& out, std::int64_t value) {
  append_number(out, value);
}
void append_scalar(std::string& out, double value) {
  append_number(out, value);
}
void append_scalar(std::string& out, const std::string& value) {
  append_quoted(out, value);
}

}  // namespace

void append_double(std::string& out, double value) {
  append_number(out, value);
}

void append_uint(std::string& out, std::uint64_t value) {
  append_number(out, value);
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  otlp::JsonWriter::append_escaped(out, text);
  out += '"';
}

void append_value(std::string& out, const otel::AttributeValue& value) {
  std::visit(
      [&out](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          out += '[';
          bool first = true;
          for (const auto& element : held) {
            if (!first) out += ", ";
            first = false;
            append_scalar(out, static_cast<typename T::value_type>(element));
          }
          out += ']';
        } else {
          append_scalar(out, held);
        }
      },
      value);
}

void append_attributes(std::string& out, const otel::Attributes& attributes,
                       std::string_view indent, std::uint32_t dropped) {
  for (const auto& attribute : attributes) {
    out += indent;
    out += attribute.key;
    out += " = ";
    append_value(out, attribute.value);
    out += '\n';
  }
  if (dropped != 0) {
    out += indent;
    out += "(" + std::to_string(dropped) + " dropped)\n";
  }
}

// 2023-11-14T22:13:20.123456789Z
void append_time(std::string& out, std::uint64_t unix_nano) {
  const auto seconds = static_cast<std::time_t>(unix_nano / 1000000000ULL);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(text, length);
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%09llu",
                static_cast<unsigned long long>(unix_nano % 1000000000ULL));
  out += fraction;
  out += 'Z';
}

}  // namespace kafkatrace::exporters::console
