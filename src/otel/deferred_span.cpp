// Tracer::start_deferred and Tracer::end_deferred: spans decided at their start and written in
// one step at their end (see deferred_span.h).
#include "kafkatrace/otel/deferred_span.h"

#include "kafkatrace/otel/tracer.h"
#include "otel/internal/current_context.h"
#include "otel/internal/id_words.h"
#include "otel/internal/provider_state.h"
#include "otel/internal/random_ids.h"
#include "otel/internal/sampler_plan.h"
#include "otel/internal/span_attributes.h"

namespace kafkatrace::otel {
namespace {

void add_events(SpanData& data, std::span<const DeferredEvent> events, std::uint64_t end_time,
                const SpanLimits& limits) {
  for (const DeferredEvent& event : events) {
    if (data.events.size() >= limits.event_count) {
      ++data.dropped_events_count;
      continue;
    }
    SpanEvent& added = data.events.emplace_back();
    added.name.assign(event.name);
    added.time_unix_nano = event.time ? internal::unix_nano(*event.time) : end_time;
  }
}

}  // namespace

namespace internal {

void end_backend_span(BackendSpan& span, const DeferredSpanEnd& end) noexcept {
  for (const SpanAttribute& attribute : end.attributes) {
    if (!attribute.key.empty()) span.set_attribute(attribute.key, attribute.value);
  }
  for (const DeferredEvent& event : end.events) {
    span.add_event(event.name, {}, event.time ? event.time : end.end_time);
  }
  span.set_status(end.status, end.status_description);
  span.end(end.end_time);
}

}  // namespace internal

// The steps of start_span (parent, ids, built-in sampling decision) without building a Span.
DeferredSpan Tracer::start_deferred(std::string_view name,
                                    const StartSpanOptions& options) const noexcept {
  const Context& parent = options.parent ? *options.parent : internal::current_context();
  const SpanContext& parent_context = parent.span_context();
  internal::ProviderState* state = state_.get();
  DeferredSpan deferred;
  try {
    const bool has_parent = internal::has_valid_ids(parent_context);
    if (state == nullptr || !state->accepting()) {
      if (has_parent) deferred.context = parent_context;  // what a no-op span carries
      return deferred;
    }
    const internal::SamplerPlan& plan = state->sampler_plan();
    if (!plan.builtin() || state->start_required()) {
      std::shared_ptr<Span> span = start_span(name, options);
      deferred.context = span->context();
      deferred.recording = span->is_recording();
      deferred.span = std::move(span);
      return deferred;
    }
    internal::IdGenerator& ids = internal::thread_id_generator();
    if (has_parent) {
      deferred.context.trace_id = parent_context.trace_id;
      deferred.context.span_id = ids.span_id();
    } else {
      ids.root_ids(deferred.context.trace_id, deferred.context.span_id);
    }
    if (parent_context.trace_state.size() != 0)
      deferred.context.trace_state = parent_context.trace_state;
    if (plan.decide(has_parent, parent_context, deferred.context.trace_id) !=
        SamplingDecision::kRecordAndSample) {
      return deferred;
    }
    deferred.context.trace_flags = TraceFlags{TraceFlags::kSampled};
    deferred.recording = true;
    if (has_parent) {
      deferred.parent_span_id = parent_context.span_id;
      deferred.parent_is_remote = parent_context.is_remote;
    }
    deferred.start_time_unix_nano = internal::unix_nano(options.start_time);
    state->count_start();
    return deferred;
  } catch (...) {
    return DeferredSpan{};  // out of memory: tracing degrades, the caller carries on
  }
}

// What start_recording and Span::end do for an ordinary span, in one go on this thread.
void Tracer::end_deferred(DeferredSpan& span, std::string_view name,
                          const DeferredSpanEnd& end) const noexcept {
  if (span.span) {
    internal::end_backend_span(*span.span, end);
    span.span.reset();
    span.recording = false;
    return;
  }
  if (!span.recording || !state_) return;
  span.recording = false;
  internal::ProviderState& state = *state_;
  try {
    auto data = internal::acquire_span_data();
    data->context = span.context;
    data->parent_span_id = span.parent_span_id;
    data->parent_is_remote = span.parent_is_remote;
    internal::start_span_data(*data, name, end.kind, span.start_time_unix_nano, scope_,
                              state.resource());
    data->end_time_unix_nano = internal::unix_nano(end.end_time);
    if (data->shared_attributes) data->shared_attributes.reset();  // a recycled span's
    const SpanLimits& limits = state.limits();
    std::uint32_t live = 0;
    std::uint64_t key_filter = 0;
    for (const SpanAttribute& attribute : end.attributes) {
      internal::put_attribute(data->attributes, live, data->dropped_attributes_count,
                              limits.attribute_count, limits.attribute_value_length, attribute.key,
                              attribute.value, &key_filter);
    }
    data->attributes.resize(live);  // recycled slots beyond the live ones go
    internal::copy_links(*data, end.links, limits);
    add_events(*data, end.events, data->end_time_unix_nano, limits);
    if (end.status != StatusCode::kUnset) {
      data->status_code = end.status;
      if (end.status == StatusCode::kError) data->status_message.assign(end.status_description);
    }
    state.on_end(std::move(data));
  } catch (...) {
    // Out of memory: the span is lost (started but never ended in the provider's counts).
  }
}

}  // namespace kafkatrace::otel
