// DeferredSpan: a span whose sampling decision and ids are made when it starts, and whose data is
// written in one step when it ends. For spans that stay open a long time without anyone looking
// at them, and whose attributes are all known at the end: a Kafka send span is open from send()
// to the broker's acknowledgement, and in a pipelined burst hundreds of thousands are open at
// once. A Span holds its SpanData (about 1.5 KiB with its strings) from start to end, so a burst
// allocates that much per record on the sending thread; a DeferredSpan holds only its context
// and start time (about 80 bytes), and the SpanData is taken from the pool at the end, when the
// export queue bounds how many are in use.
//
//   DeferredSpan span = tracer.start_deferred("send orders", {.kind = SpanKind::kProducer});
//   propagator.inject(parent.with_span_context(span.context), carrier);
//   ...                                      // later, any thread: the broker acknowledged
//   tracer.end_deferred(span, "send orders", {.kind = SpanKind::kProducer,
//                                             .attributes = attributes});
//
// What it gives up: nothing observable through the SDK's own processors. The span is not
// recorded unless ended (a DeferredSpan dropped without end_deferred is lost, counted as started
// but not ended), and it has no Span object, so it cannot be made current. A provider whose
// sampler is not built in (it may add attributes) or with a processor that needs on_start
// (SpanProcessor::start_required) gets an ordinary Span instead, held in `span` and ended by
// end_deferred, so the result is the same span either way.
//
// Threading: start_deferred and end_deferred may run on different threads; one DeferredSpan must
// not be ended from two threads at once. Nothing throws.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/span_context.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::otel {

struct DeferredSpan {
  // The span's own context (propagate this), or the parent's when tracing is off; invalid when
  // tracing is off and there is no parent.
  SpanContext context{};
  SpanId parent_span_id{};
  bool parent_is_remote = false;
  bool recording = false;  // sampled, to be written by end_deferred
  std::uint64_t start_time_unix_nano = 0;
  // Set instead when the span could not be deferred (see above); end_deferred ends it.
  std::shared_ptr<BackendSpan> span{};
};

struct DeferredEvent {
  std::string_view name;
  std::optional<std::chrono::system_clock::time_point> time{};  // default: the end time
};

// What end_deferred writes: everything a span holds, given at once. Views, valid during the call.
struct DeferredSpanEnd {
  SpanKind kind = SpanKind::kInternal;
  // Every attribute of the span, those passed to start_deferred included (a span that could not
  // be deferred has those already; setting them again replaces them with the same values).
  // Entries with an empty key are skipped, so optional attributes can sit in a fixed list.
  std::span<const SpanAttribute> attributes{};
  // Links: pass the same ones as to start_deferred (where samplers see them; a span that could
  // not be deferred keeps those and ignores these).
  std::span<const SpanLink> links{};
  std::span<const DeferredEvent> events{};
  StatusCode status = StatusCode::kUnset;
  std::string_view status_description{};                            // kept with kError only
  std::optional<std::chrono::system_clock::time_point> end_time{};  // default: now
};

}  // namespace kafkatrace::otel
