// SpanContext: what identifies a span across process boundaries — trace id, span id, flags,
// tracestate, and whether it came from a remote process (extracted from a carrier).
//
//   SpanContext context{.trace_id = TraceId::random(), .span_id = SpanId::random(),
//                       .trace_flags = TraceFlags{TraceFlags::kSampled}};
//   if (context.is_valid() && context.is_sampled()) ...
#pragma once

#include "kafkatrace/otel/trace_flags.h"
#include "kafkatrace/otel/trace_id.h"
#include "kafkatrace/otel/trace_state.h"

namespace kafkatrace::otel {

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags trace_flags;
  bool is_remote = false;
  TraceState trace_state{};

  // Valid when both ids are non-zero (W3C Trace Context).
  bool is_valid() const noexcept { return trace_id.is_valid() && span_id.is_valid(); }
  bool is_sampled() const noexcept { return trace_flags.is_sampled(); }
  friend bool operator==(const SpanContext&, const SpanContext&) = default;
};

}  // namespace kafkatrace::otel
