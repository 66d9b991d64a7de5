// The SpanData pool: recycled SpanData objects keep their string and vector capacity, so the
// steady state of start/end/export allocates nothing. Also the SpanProcessor defaults.
#include "kafkatrace/otel/processor.h"
#include "otel/internal/provider_state.h"
#include "otel/internal/recycler.h"

namespace kafkatrace::otel {

void SpanProcessor::on_start(Span&, const Context&) noexcept {}

SpanProcessorStats SpanProcessor::stats() const noexcept {
  return {};
}

void recycle_span_data(std::unique_ptr<SpanData> span) noexcept {
  if (!span) return;
  SpanData& data = *span;
  data.context = SpanContext{};
  data.parent_span_id = SpanId{};
  data.parent_is_remote = false;
  data.name.clear();
  data.kind = SpanKind::kInternal;
  data.start_time_unix_nano = 0;
  data.end_time_unix_nano = 0;
  // data.attributes is kept as is: the next Span overwrites the elements in place.
  data.dropped_attributes_count = 0;
  data.events.clear();
  data.dropped_events_count = 0;
  data.links.clear();
  data.dropped_links_count = 0;
  data.status_code = StatusCode::kUnset;
  data.status_message.clear();
  data.scope.reset();
  data.resource.reset();
  internal::Recycler<SpanData>::give(std::move(span));
}

namespace internal {

std::unique_ptr<SpanData> acquire_span_data() {
  if (auto data = Recycler<SpanData>::take()) return data;
  return std::make_unique<SpanData>();
}

}  // namespace internal
}  // namespace kafkatrace::otel
