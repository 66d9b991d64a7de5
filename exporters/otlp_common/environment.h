// Reading OTEL_* variables for the exporters: trimmed, with empty treated as unset, and the
// OTLP "k1=v1,k2=v2" list format with percent-decoded values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkatrace::exporters::otlp {

// The variable's value with surrounding whitespace removed; nullopt when unset or empty.
std::optional<std::string> env_value(const char* name);

// The first of `names` that is set (signal-specific names first), with the name used.
std::optional<std::pair<std::string, std::string>> first_env_value(
    std::initializer_list<const char*> names);

std::string_view trim(std::string_view text) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;

// Decodes %XX escapes; malformed escapes are kept literally.
std::string percent_decode(std::string_view text);

// Parses "k1=v1,k2=v2" (keys and values trimmed, values percent-decoded). Entries without '='
// or with an empty key are skipped and counted in `*skipped` when non-null.
std::vector<std::pair<std::string, std::string>> parse_key_value_list(std::string_view text,
                                                                      int* skipped = nullptr);

// A positive integer number of milliseconds, or nullopt.
std::optional<std::chrono::milliseconds> parse_milliseconds(std::string_view text) noexcept;

}  // namespace kafkatrace::exporters::otlp
