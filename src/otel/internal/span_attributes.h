// Attribute storage helpers shared by Span and Tracer: in-place upsert with count and length
// limits (reusing the string capacity of recycled slots), and time conversion.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span.h"

namespace kafkatrace::otel::internal {

// Sets `key` in the first `live` elements of `list` (the rest are spare slots to overwrite).
// A new key beyond `count_limit` increments `dropped`. Empty keys are ignored.
void put_attribute(Attributes& list, std::uint32_t& live, std::uint32_t& dropped,
                   std::uint32_t count_limit, std::uint32_t length_limit, std::string_view key,
                   const AttributeArg& value) noexcept;

// `length` bytes of `text` or fewer, never splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view text, std::uint32_t length) noexcept;

inline std::uint64_t unix_nano(std::chrono::system_clock::time_point time) noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}
inline std::uint64_t unix_nano(std::optional<std::chrono::system_clock::time_point> time) noexcept {
  return unix_nano(time ? *time : std::chrono::system_clock::now());
}

}  // namespace kafkatrace::otel::internal
