// ProviderState: processor dispatch, scopes, flush/shutdown, counters; SpanLimits from the
// environment.
#include "otel/internal/provider_state.h"

#include <cstdlib>
#include <string>

#include "kafkatrace/log.h"

namespace kafkatrace::otel {
namespace {

std::optional<std::uint32_t> limit_from_environment(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value < 0) {
    log(LogLevel::kWarning, "tracer",
        std::string(name) + "=" + text + " is not a non-negative integer; ignored");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(std::min<long long>(value, SpanLimits::kUnlimited));
}

}  // namespace

SpanLimits SpanLimits::from_environment() {
  SpanLimits limits;
  const auto general_count = limit_from_environment("OTEL_ATTRIBUTE_COUNT_LIMIT");
  const auto general_length = limit_from_environment("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT");
  limits.attribute_count = limit_from_environment("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT")
                               .value_or(general_count.value_or(limits.attribute_count));
  limits.attribute_value_length =
      limit_from_environment("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT")
          .value_or(general_length.value_or(limits.attribute_value_length));
  limits.event_count =
      limit_from_environment("OTEL_SPAN_EVENT_COUNT_LIMIT").value_or(limits.event_count);
  limits.link_count =
      limit_from_environment("OTEL_SPAN_LINK_COUNT_LIMIT").value_or(limits.link_count);
  limits.event_attribute_count =
      limit_from_environment("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT")
          .value_or(general_count.value_or(limits.event_attribute_count));
  limits.link_attribute_count = limit_from_environment("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT")
                                    .value_or(general_count.value_or(limits.link_attribute_count));
  return limits;
}

namespace internal {

ProviderState::ProviderState(Resource resource, std::unique_ptr<Sampler> sampler,
                             std::vector<std::unique_ptr<SpanProcessor>> processors,
                             SpanLimits limits, bool enabled)
    : enabled_(enabled),
      resource_(std::make_shared<const Resource>(std::move(resource))),
      sampler_(sampler ? std::move(sampler) : make_always_off_sampler()),
      sampler_plan_(plan_sampler(*sampler_)),
      processors_(std::move(processors)),
      limits_(limits) {
  for (const auto& processor : processors_) start_required_ |= processor->start_required();
}

ProviderState::~ProviderState() {
  shutdown(std::chrono::seconds(30));
}

void ProviderState::on_end(std::unique_ptr<SpanData> span) noexcept {
  ended_.fetch_add(1, std::memory_order_relaxed);
  if (processors_.empty()) {
    recycle_span_data(std::move(span));
    return;
  }
  for (std::size_t i = 0; i + 1 < processors_.size(); ++i) {
    try {
      auto copy = acquire_span_data();
      *copy = *span;
      processors_[i]->on_end(std::move(copy));
    } catch (...) {
      // Out of memory: this processor misses the span.
    }
  }
  processors_.back()->on_end(std::move(span));
}

std::shared_ptr<const InstrumentationScope> ProviderState::scope(std::string_view name,
                                                                 std::string_view version,
                                                                 std::string_view schema_url) {
  auto key = std::make_tuple(std::string(name), std::string(version), std::string(schema_url));
  std::lock_guard lock(mutex_);
  auto& slot = scopes_[key];
  if (!slot) {
    slot = std::make_shared<const InstrumentationScope>(
        InstrumentationScope{std::get<0>(key), std::get<1>(key), std::get<2>(key)});
  }
  return slot;
}

bool ProviderState::force_flush(std::chrono::microseconds timeout) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (auto& processor : processors_) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    ok = processor->force_flush(std::max(left, std::chrono::microseconds(0))) && ok;
  }
  return ok;
}

bool ProviderState::shutdown(std::chrono::microseconds timeout) noexcept {
  if (shut_down_.exchange(true)) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (auto& processor : processors_) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    ok = processor->shutdown(std::max(left, std::chrono::microseconds(0))) && ok;
  }
  const TracerStats totals = stats();
  if (totals.spans_dropped > 0 || totals.spans_export_failed > 0) {
    log(LogLevel::kWarning, "tracer",
        "shutdown: " + std::to_string(totals.spans_dropped) + " spans dropped (queue full), " +
            std::to_string(totals.spans_export_failed) + " failed to export, " +
            std::to_string(totals.spans_exported) + " exported");
  }
  return ok;
}

TracerStats ProviderState::stats() const noexcept {
  TracerStats totals;
  totals.spans_started = started_.load(std::memory_order_relaxed);
  totals.spans_ended = ended_.load(std::memory_order_relaxed);
  for (const auto& processor : processors_) {
    const auto one = processor->stats();
    totals.spans_dropped += one.spans_dropped;
    totals.spans_exported += one.spans_exported;
    totals.spans_export_failed += one.spans_export_failed;
    totals.export_failures += one.export_failures;
  }
  return totals;
}

}  // namespace internal
}  // namespace kafkatrace::otel
