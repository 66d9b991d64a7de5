// Attribute storage helpers shared by Span and Tracer: in-place upsert with count and length
// limits (reusing the string capacity of recycled slots), and time conversion.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel::internal {

// The bit of `key` in a 64-bit key filter (see put_attribute). Its length and last two bytes:
// semantic-convention keys that share a length (messaging.operation.type and .name) differ there.
inline std::uint64_t key_filter_bit(std::string_view key) noexcept {
  if (key.empty()) return 0;
  const auto tail = static_cast<unsigned char>(key.back()) * 7U +
                    static_cast<unsigned char>(key[key.size() > 1 ? key.size() - 2 : 0]);
  return std::uint64_t{1} << ((key.size() * 13U + tail) & 63U);
}

// Sets `key` in the first `live` elements of `list` (the rest are spare slots to overwrite).
// A new key beyond `count_limit` increments `dropped`. Empty keys are ignored.
// `key_filter` (optional, starting at 0): a 64-bit filter of the keys written through it. When
// every live key went through the same filter, a key whose bit is clear skips the search, which
// reads every earlier slot (cold cache lines in a recycled SpanData).
void put_attribute(Attributes& list, std::uint32_t& live, std::uint32_t& dropped,
                   std::uint32_t count_limit, std::uint32_t length_limit, std::string_view key,
                   const AttributeArg& value, std::uint64_t* key_filter = nullptr) noexcept;

// Sets `target` to `text`. Recycled SpanData usually holds the same text already (the same
// instrumentation sets the same name and keys, often to the same values), and comparing costs
// less than std::string::assign.
// Equal bytes, compared a word at a time inline (the last word overlapping the one before):
// attribute keys and values are short, and a call to memcmp (through the PLT, then dispatching
// on the length) costs more than the comparison.
inline bool same_bytes(const char* a, const char* b, std::size_t size) noexcept {
  const auto word_at = [](const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if (size >= 8) {
    for (std::size_t i = 0; i + 8 < size; i += 8) {
      if (word_at(a + i) != word_at(b + i)) return false;
    }
    return word_at(a + size - 8) == word_at(b + size - 8);
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline void assign_text(std::string& target, std::string_view text) {
  if (target.size() == text.size() && same_bytes(target.data(), text.data(), text.size())) return;
  target.assign(text);
}

// What every new span's SpanData gets: name, kind, start time, scope and resource (the last two
// assigned only when they differ: recycled SpanData usually holds them already, and skipping the
// assignment saves the reference-count traffic).
inline void start_span_data(SpanData& data, std::string_view name, SpanKind kind,
                            std::uint64_t start_time_unix_nano,
                            const std::shared_ptr<const InstrumentationScope>& scope,
                            const std::shared_ptr<const Resource>& resource) {
  assign_text(data.name, name);
  data.kind = kind;
  data.start_time_unix_nano = start_time_unix_nano;
  if (data.scope != scope) data.scope = scope;
  if (data.resource != resource) data.resource = resource;
}

// Gives up data.shared_attributes for copies: its attributes, then the first `live` of
// data.attributes, within the limits (`live` and `key_filter`, if given, follow). For a key the
// list holds being set on the span, or limits the list would break. Out of memory: the shared
// attributes are counted as dropped.
void materialize_shared(SpanData& data, std::uint32_t& live, const SpanLimits& limits,
                        std::uint64_t* key_filter) noexcept;

// How many own attributes a span may add: the count limit less its shared attributes.
inline std::uint32_t own_attribute_limit(const SpanData& data, const SpanLimits& limits) noexcept {
  if (!data.shared_attributes) return limits.attribute_count;
  return limits.attribute_count - static_cast<std::uint32_t>(data.shared_attributes->size());
}

// Whether `shared` can be kept by reference under `limits` (else it is copied and limited).
inline bool fits_limits(const SharedAttributes& shared, const SpanLimits& limits) noexcept {
  return shared.size() <= limits.attribute_count &&
         shared.longest_text() <= limits.attribute_value_length;
}

// Appends the valid links to data.links within the link limits (the rest are counted as dropped).
void copy_links(SpanData& data, std::span<const SpanLink> links, const SpanLimits& limits) noexcept;

// Sets what end_deferred is given on an ordinary span and ends it (spans that were not deferred).
void end_backend_span(BackendSpan& span, const DeferredSpanEnd& end) noexcept;

std::string_view truncate_utf8_slow(std::string_view text, std::uint32_t length) noexcept;
// `length` bytes of `text` or fewer, never splitting a UTF-8 sequence.
inline std::string_view truncate_utf8(std::string_view text, std::uint32_t length) noexcept {
  return text.size() <= length ? text : truncate_utf8_slow(text, length);
}

inline std::uint64_t unix_nano(std::chrono::system_clock::time_point time) noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}
inline std::uint64_t unix_nano(std::optional<std::chrono::system_clock::time_point> time) noexcept {
  return unix_nano(time ? *time : std::chrono::system_clock::now());
}

}  // namespace kafkatrace::otel::internal
