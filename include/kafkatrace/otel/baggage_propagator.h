// BaggagePropagator: the W3C `baggage` header (https://www.w3.org/TR/baggage/), and the
// functions that convert between a Baggage and the header text.
//
//   kafkatrace::otel::BaggagePropagator propagator;
//   propagator.inject(context.with_baggage(Baggage{}.set("tenant", "acme corp")), carrier);
//   auto tenant = propagator.extract(carrier, {}).baggage().get("tenant");   // "acme corp"
//
// Header grammar: list-members `name=value;property;property=value` separated by commas, with
// optional spaces and tabs around every element. Values are percent-decoded on extract (byte
// sequences that are not UTF-8 become U+FFFD, a '%' not followed by two hex digits stays as is)
// and percent-encoded on inject (every byte outside the spec's baggage-octet set, and '%').
// Properties are kept verbatim (trimmed) in Entry::metadata.
//
// Limits (the W3C spec requires at least 64 members and 8192 bytes; we use the caps of the
// OpenTelemetry SDKs): at most kMaxBaggageMembers members, kMaxBaggageMemberSize bytes per
// encoded member and kMaxBaggageSize bytes per header. On extract, malformed and oversized
// members are skipped one by one, the rest kept (also a member that would take the accepted
// members past kMaxBaggageSize bytes); members beyond the count limit are ignored; a
// repeated name keeps its last value. Repeated `baggage` headers in a carrier are read in order
// as if joined by commas. On inject, entries whose name is not a token or whose encoded member is
// too large are skipped, metadata that is not valid property text is dropped, and members that
// would push the header past the limits are left out whole — never a partial or invalid header.
// Extracting a header with no valid member returns `base` unchanged; a valid header replaces the
// base context's baggage.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "kafkatrace/otel/baggage.h"
#include "kafkatrace/otel/propagator.h"

namespace kafkatrace::otel {

inline constexpr std::string_view kBaggageHeader = "baggage";
inline constexpr std::size_t kMaxBaggageMembers = 180;
inline constexpr std::size_t kMaxBaggageMemberSize = 4096;
inline constexpr std::size_t kMaxBaggageSize = 8192;

// Adds the valid members of `header` to `base` (later members replace earlier ones of the same
// name). Never throws: on allocation failure the members parsed so far are returned.
Baggage parse_baggage(std::string_view header, Baggage base = {}) noexcept;
// The header text for `baggage`, within the limits above; "" when nothing is valid.
std::string format_baggage(const Baggage& baggage);

class BaggagePropagator final : public TextMapPropagator {
 public:
  void inject(const Context& context, TextMapCarrier& carrier) const noexcept override;
  Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept override;
  std::span<const std::string_view> fields() const noexcept override;
};

}  // namespace kafkatrace::otel
