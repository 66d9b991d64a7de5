// Tracer::start_span, TracerProvider, and the process-wide provider.
#include "kafkatrace/otel/tracer.h"

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "otel/internal/current_context.h"
#include "otel/internal/id_words.h"
#include "otel/internal/provider_state.h"
#include "otel/internal/random_ids.h"
#include "otel/internal/recycler.h"
#include "otel/internal/sampler_plan.h"
#include "otel/internal/span_attributes.h"

namespace kafkatrace::otel {
namespace {

// What a no-op tracer returns for a span without a valid parent: one shared object, leaked so
// that it outlives every static that may hold it.
const std::shared_ptr<Span>& invalid_span() noexcept {
  static const auto* span = new std::shared_ptr<Span>(std::make_shared<Span>(SpanContext{}));
  return *span;
}

// A non-recording span for a context with fresh (hence valid) ids.
std::shared_ptr<Span> non_recording_valid(SpanContext context) {
  return std::allocate_shared<Span>(internal::PoolAllocator<Span>{}, std::move(context));
}

std::shared_ptr<Span> non_recording(const SpanContext& context) {
  if (!internal::has_valid_ids(context)) return invalid_span();
  return non_recording_valid(context);
}

// Points data.shared_attributes at `shared` (a recycled SpanData often does already: then no
// reference count changes). A list the limits would cut is copied in, limited, instead.
void set_shared_attributes(SpanData& data, const SharedAttributes* shared, std::uint32_t& live,
                           const SpanLimits& limits, std::uint64_t& key_filter) {
  if (data.shared_attributes.get() != shared) {
    data.shared_attributes = shared != nullptr ? shared->shared_from_this() : nullptr;
  }
  if (shared != nullptr && !internal::fits_limits(*shared, limits)) {
    internal::materialize_shared(data, live, limits, &key_filter);
  }
}

// A recording span for `context` (already sampled or record-only). May throw std::bad_alloc.
std::shared_ptr<Span> start_recording(const std::shared_ptr<internal::ProviderState>& provider,
                                      const std::shared_ptr<const InstrumentationScope>& scope,
                                      std::string_view name, const StartSpanOptions& options,
                                      const Context& parent, SpanContext context,
                                      const Attributes& sampler_attributes) {
  internal::ProviderState& state = *provider;
  auto data = internal::acquire_span_data();
  data->context = context;
  const SpanContext& parent_context = parent.span_context();
  if (internal::has_valid_ids(parent_context)) {
    data->parent_span_id = parent_context.span_id;
    data->parent_is_remote = parent_context.is_remote;
  }
  internal::start_span_data(*data, name, options.kind, internal::unix_nano(options.start_time),
                            scope, state.resource());
  const SpanLimits& limits = state.limits();
  std::uint32_t live = 0;
  std::uint64_t key_filter = 0;
  set_shared_attributes(*data, options.shared_attributes, live, limits, key_filter);
  const auto put = [&](std::string_view key, const AttributeArg& value) {
    const SharedAttributes* shared = data->shared_attributes.get();
    if (shared != nullptr && shared->contains(key)) {
      internal::materialize_shared(*data, live, limits, &key_filter);
    }
    internal::put_attribute(data->attributes, live, data->dropped_attributes_count,
                            internal::own_attribute_limit(*data, limits),
                            limits.attribute_value_length, key, value, &key_filter);
  };
  for (const auto& attribute : options.attributes) put(attribute.key, attribute.value);
  for (const auto& kv : sampler_attributes) put(kv.key, AttributeArg(kv.value));
  internal::copy_links(*data, options.links, limits);
  auto span = std::allocate_shared<Span>(internal::PoolAllocator<Span>{}, std::move(context),
                                         std::move(data), live, provider);
  state.on_start(*span, parent);
  return span;
}

}  // namespace

bool Tracer::enabled() const noexcept {
  return state_ && state_->accepting();
}

// The steps of the specification's span creation: the parent's trace id or a new one; the
// sampling decision; a new span id (also for a dropped span, so that logs can refer to it); then
// a recording span, or a non-recording one that only carries the context. A dropped span copies
// no attributes and allocates nothing in the steady state (its block comes from the pool).
// Built-in samplers are decided inline from the provider's SamplerPlan (no virtual call, no
// SamplingResult); other samplers are called as the Sampler interface says.
std::shared_ptr<Span> Tracer::start_span(std::string_view name,
                                         const StartSpanOptions& options) const noexcept {
  const Context& parent = options.parent ? *options.parent : internal::current_context();
  const SpanContext& parent_context = parent.span_context();
  internal::ProviderState* state = state_.get();
  try {
    if (state == nullptr || !state->accepting()) return non_recording(parent_context);

    internal::IdGenerator& ids = internal::thread_id_generator();
    const bool has_parent = internal::has_valid_ids(parent_context);
    TraceId trace_id;
    SpanId span_id;
    if (has_parent) {
      trace_id = parent_context.trace_id;
      span_id = ids.span_id();
    } else {
      ids.root_ids(trace_id, span_id);
    }
    const internal::SamplerPlan& plan = state->sampler_plan();
    if (plan.builtin()) {
      const bool sampled =
          plan.decide(has_parent, parent_context, trace_id) == SamplingDecision::kRecordAndSample;
      if (!sampled) {
        // Built in place: no intermediate SpanContext to copy or move (see span.h).
        return std::allocate_shared<Span>(internal::PoolAllocator<Span>{}, trace_id, span_id,
                                          TraceFlags{}, parent_context.trace_state);
      }
      return start_recording(state_, scope_, name, options, parent,
                             SpanContext{trace_id, span_id, TraceFlags{TraceFlags::kSampled}, false,
                                         parent_context.trace_state},
                             {});
    }

    const std::span<const SpanAttribute> attributes(options.attributes.begin(),
                                                    options.attributes.size());
    SamplingResult result =
        state->sampler().should_sample({parent, trace_id, name, options.kind, attributes,
                                        options.links, options.shared_attributes});
    const bool sampled = result.decision == SamplingDecision::kRecordAndSample;
    SpanContext context{trace_id, span_id,
                        TraceFlags{sampled ? TraceFlags::kSampled : std::uint8_t{0}}, false,
                        std::move(result.trace_state)};
    if (result.decision == SamplingDecision::kDrop) return non_recording_valid(std::move(context));
    return start_recording(state_, scope_, name, options, parent, std::move(context),
                           result.attributes);
  } catch (...) {
    return invalid_span();  // out of memory: tracing degrades, the caller carries on
  }
}

TracerProvider::TracerProvider(std::shared_ptr<internal::ProviderState> state) noexcept
    : state_(std::move(state)) {}

TracerProvider::~TracerProvider() {
  state_->shutdown(std::chrono::seconds(30));
}

Tracer TracerProvider::get_tracer(std::string_view name, std::string_view version,
                                  std::string_view schema_url) {
  if (!state_->enabled()) return Tracer{};
  return Tracer(state_, state_->scope(name, version, schema_url));
}

bool TracerProvider::force_flush(std::chrono::microseconds timeout) noexcept {
  return state_->force_flush(timeout);
}

bool TracerProvider::shutdown(std::chrono::microseconds timeout) noexcept {
  return state_->shutdown(timeout);
}

TracerStats TracerProvider::stats() const noexcept {
  return state_->stats();
}

bool TracerProvider::enabled() const noexcept {
  return state_->enabled();
}

const Resource& TracerProvider::resource() const noexcept {
  return *state_->resource();
}

std::string TracerProvider::sampler_description() const {
  return state_->sampler().description();
}

bool sdk_disabled_from_environment() noexcept {
  const char* text = std::getenv("OTEL_SDK_DISABLED");
  if (text == nullptr) return false;
  std::string_view value(text);
  static constexpr std::string_view kTrue = "true";
  if (value.size() != kTrue.size()) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kTrue[i]) return false;
  }
  return true;
}

std::shared_ptr<TracerProvider> make_noop_tracer_provider() {
  return std::make_shared<TracerProvider>(std::make_shared<internal::ProviderState>(
      Resource{}, make_always_off_sampler(), std::vector<std::unique_ptr<SpanProcessor>>{},
      SpanLimits{}, false));
}

std::shared_ptr<TracerProvider> make_tracer_provider(TracerProviderOptions options) {
  if (options.disabled.value_or(sdk_disabled_from_environment())) {
    return make_noop_tracer_provider();
  }
  Resource resource =
      options.resource ? std::move(*options.resource) : Resource::from_environment();
  auto sampler = options.sampler ? std::move(options.sampler) : sampler_from_environment();
  const SpanLimits limits = options.limits ? *options.limits : SpanLimits::from_environment();
  return std::make_shared<TracerProvider>(std::make_shared<internal::ProviderState>(
      std::move(resource), std::move(sampler), std::move(options.processors), limits, true));
}

namespace {

struct GlobalProvider {
  std::mutex mutex;
  std::shared_ptr<TracerProvider> provider;  // destroyed at exit: flushes the queues
};

GlobalProvider& global_slot() {
  static GlobalProvider slot;
  return slot;
}

const std::shared_ptr<TracerProvider>& global_noop() {
  static const auto* provider = new std::shared_ptr<TracerProvider>(make_noop_tracer_provider());
  return *provider;
}

}  // namespace

void set_global_tracer_provider(std::shared_ptr<TracerProvider> provider) {
  auto& slot = global_slot();
  std::shared_ptr<TracerProvider> previous;
  std::lock_guard lock(slot.mutex);
  previous = std::exchange(slot.provider, std::move(provider));
}

std::shared_ptr<TracerProvider> global_tracer_provider() noexcept {
  auto& slot = global_slot();
  {
    std::lock_guard lock(slot.mutex);
    if (slot.provider) return slot.provider;
  }
  return global_noop();
}

}  // namespace kafkatrace::otel
