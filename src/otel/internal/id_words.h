// Validity of a SpanContext's ids checked a word at a time. Id::is_valid() loops over bytes,
// which the compiler keeps as up to 24 compare-and-branch steps for an all-zero (absent) parent:
// the common case of a root span, on the span-start hot path.
//
//   if (internal::has_valid_ids(parent.span_context())) ...   // same as span_context().is_valid()
#pragma once

#include <cstdint>
#include <cstring>

#include "kafkatrace/otel/span_context.h"

namespace kafkatrace::otel::internal {

inline bool has_valid_ids(const SpanContext& context) noexcept {
  std::uint64_t trace[2];
  std::uint64_t span;
  std::memcpy(trace, context.trace_id.bytes().data(), sizeof trace);
  std::memcpy(&span, context.span_id.bytes().data(), sizeof span);
  return (trace[0] | trace[1]) != 0 && span != 0;
}

}  // namespace kafkatrace::otel::internal
