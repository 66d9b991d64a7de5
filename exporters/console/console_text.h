// Private text helpers of the console exporters (span and metric formats).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kafkatrace/otel/attribute.h"

namespace kafkatrace::exporters::console {

// "text" with JSON escapes for quotes, backslashes and control characters.
void append_quoted(std::string& out, std::string_view text);
// Strings quoted, arrays as [a, b], numbers in shortest round-trip form.
void append_value(std::string& out, const otel::AttributeValue& value);
// One "<indent>key = value" line per attribute, then "(N dropped)" when `dropped` > 0.
void append_attributes(std::string& out, const otel::Attributes& attributes,
                       std::string_view indent, std::uint32_t dropped);
// 2023-11-14T22:13:20.123456789Z
void append_time(std::string& out, std::uint64_t unix_nano);
void append_double(std::string& out, double value);
void append_uint(std::string& out, std::uint64_t value);

}  // namespace kafkatrace::exporters::console
