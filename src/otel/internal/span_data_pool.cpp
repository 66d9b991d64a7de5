// The SpanData pool: recycled SpanData objects keep their string and vector capacity, so the
// steady state of start/end/export allocates nothing. Also the SpanProcessor defaults.
//
// Recycling leaves the object as it is and acquiring resets it: a span is usually recycled on
// the batch processor's worker thread and reused on an application thread, and writing to it on
// the worker would pull its cache lines over to the worker only for the application thread to
// pull them back. The application thread writes those lines anyway when it fills the span in.
#include "kafkatrace/otel/processor.h"
#include "otel/internal/provider_state.h"
#include "otel/internal/recycler.h"

namespace kafkatrace::otel {

void SpanProcessor::on_start(Span&, const Context&) noexcept {}

SpanProcessorStats SpanProcessor::stats() const noexcept {
  return {};
}

void recycle_span_data(std::unique_ptr<SpanData> span) noexcept {
  if (span) internal::Recycler<SpanData>::give(span.release());
}

namespace internal {
namespace {

// Clears what a new span does not overwrite. Reads before clearing, so that what is already
// clear is not written. Kept: `name`, the elements of `attributes`, `scope` and `resource` (see
// provider_state.h); the ids are overwritten by the tracer.
void reset(SpanData& data) noexcept {
  if (!data.context.trace_state.empty()) data.context.trace_state = TraceState{};
  data.context.is_remote = false;
  data.parent_span_id = SpanId{};
  data.parent_is_remote = false;
  data.kind = SpanKind::kInternal;
  data.start_time_unix_nano = 0;
  data.end_time_unix_nano = 0;
  data.dropped_attributes_count = 0;
  if (!data.events.empty()) data.events.clear();
  data.dropped_events_count = 0;
  if (!data.links.empty()) data.links.clear();
  data.dropped_links_count = 0;
  data.status_code = StatusCode::kUnset;
  if (!data.status_message.empty()) data.status_message.clear();
}

}  // namespace

std::unique_ptr<SpanData> acquire_span_data() {
  if (SpanData* data = Recycler<SpanData>::take()) {
    reset(*data);
    return std::unique_ptr<SpanData>(data);
  }
  // A new one (the pool is empty: more spans in flight than it held) gets room for the
  // attributes of a typical instrumented span at once (a Kafka send span has 10-12), instead of
  // growing its vector five times while they are set.
  constexpr std::size_t kInitialAttributeSlots = 16;
  auto data = std::make_unique<SpanData>();
  data->attributes.reserve(kInitialAttributeSlots);
  return data;
}

void reserve_span_data(std::size_t count) noexcept {
  Recycler<SpanData>::reserve(count);
}

}  // namespace internal
}  // namespace kafkatrace::otel
