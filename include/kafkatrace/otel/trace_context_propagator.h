// TraceContextPropagator: the W3C Trace Context headers `traceparent` and `tracestate`
// (https://www.w3.org/TR/trace-context/), level 1 rules.
//
//   kafkatrace::otel::TraceContextPropagator propagator;
//   propagator.inject(context, carrier);   // traceparent: 00-<trace id>-<span id>-01
//   auto remote_parent = propagator.extract(carrier, kafkatrace::otel::Context{});
//
// extract: a valid traceparent yields base.with_span_context(...) with is_remote = true and the
// tracestate attached; an absent or malformed traceparent returns `base` unchanged (a new trace
// starts) and the tracestate is then ignored. A malformed tracestate alone is discarded (empty).
// Repeated headers: the carrier's get() picks the traceparent (the last one, for Kafka headers);
// all tracestate values are read in order and joined by commas, as W3C specifies for HTTP.
// inject: writes `traceparent` (version 00, lower-case) when context.span_context() is valid, and
// `tracestate` only when non-empty. Neither allocates unless a tracestate must be parsed; both are
// thread-safe (the propagator holds no state).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "kafkatrace/otel/propagator.h"
#include "kafkatrace/otel/span_context.h"

namespace kafkatrace::otel {

inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr std::string_view kTracestateHeader = "tracestate";
// Length of a version-00 traceparent: "00-" + 32 + "-" + 16 + "-" + 2.
inline constexpr std::size_t kTraceparentSize = 55;

// Parses a traceparent (surrounding spaces and tabs tolerated) and, when it is valid, a
// tracestate header value. Version 00 must be exactly 55 characters; a higher version (not ff)
// may carry more fields after a '-', which are ignored. Upper-case hex, all-zero ids and version
// ff are invalid. Of the flags only the sampled bit is kept (level 1: other flags are zeroed).
std::optional<SpanContext> parse_traceparent(std::string_view traceparent,
                                             std::string_view tracestate = {}) noexcept;

// Writes the version-00 traceparent of `context` (which must be valid) into `out`.
void write_traceparent(const SpanContext& context, std::span<char, kTraceparentSize> out) noexcept;

class TraceContextPropagator final : public TextMapPropagator {
 public:
  void inject(const Context& context, TextMapCarrier& carrier) const noexcept override;
  Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept override;
  std::span<const std::string_view> fields() const noexcept override;
};

}  // namespace kafkatrace::otel
