// The SpanData pool: recycled SpanData objects keep their string and vector capacity, so the
// steady state of start/end/export allocates nothing. Also the SpanProcessor defaults.
//
// Recycling leaves the object as it is and acquiring resets it: a span is usually recycled on
// the batch processor's worker thread and reused on an application thread, and writing to it on
// the worker would pull its cache lines over to the worker only for the application thread to
// pull them back. The application thread writes those lines anyway when it fills the span in.
#include <string>
#include <variant>

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

// Always inlined: GCC takes a function that only prefetches for one without effects and drops
// the call.
[[gnu::always_inline]] inline void prefetch_for_writing(const void* begin,
                                                        std::size_t bytes) noexcept {
  const char* line = static_cast<const char*>(begin);
  for (std::size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(line + offset, 1);
}

// Prefetches the SpanData the next takes on this thread return. A recycled SpanData was last
// written by the worker that exported it, usually on another core, and filling it in walks a
// chain of pointers (SpanData → attribute and link arrays → each key's text, compared before it
// is overwritten). Three stages, each reading only what the previous call brought in, so a burst of
// spans ending one after another (a delivery-report callback) pays for overlapped misses instead
// of a dozen dependent ones per span.
[[gnu::always_inline]] inline void prefetch_next_spans() noexcept {
  if (const SpanData* third = Recycler<SpanData>::peek(2)) {
    prefetch_for_writing(third, sizeof(SpanData));
  }
  if (const SpanData* second = Recycler<SpanData>::peek(1)) {
    prefetch_for_writing(second->attributes.data(), second->attributes.size() * sizeof(KeyValue));
    prefetch_for_writing(second->links.data(), second->links.size() * sizeof(SpanLink));
    __builtin_prefetch(second->name.data());
  }
  if (const SpanData* first = Recycler<SpanData>::peek(0)) {
    for (const KeyValue& attribute : first->attributes) {
      __builtin_prefetch(attribute.key.data());
      if (const auto* text = std::get_if<std::string>(&attribute.value)) {
        __builtin_prefetch(text->data(), 1);
      }
    }
  }
}

}  // namespace

std::unique_ptr<SpanData> acquire_span_data() {
  if (SpanData* data = Recycler<SpanData>::take()) {
    prefetch_next_spans();
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
