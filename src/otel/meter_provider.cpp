// MeterProvider, its pull producers, and the process-wide meter provider.
#include "kafkatrace/otel/meter_provider.h"

#include <exception>
#include <utility>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/tracer.h"  // sdk_disabled_from_environment
#include "otel/internal/metric_state.h"

namespace kafkatrace::otel {
namespace {

// Collects from a MeterState for one reader slot.
class ReaderProducer final : public MetricProducer {
 public:
  ReaderProducer(std::shared_ptr<internal::MeterState> state, std::size_t reader) noexcept
      : state_(std::move(state)), reader_(reader) {}

  bool collect(const std::function<void(const ResourceMetrics&)>& sink) noexcept override {
    try {
      return state_->collect(reader_, sink);
    } catch (const std::exception& error) {
      log(LogLevel::kError, "metrics", std::string("collection failed: ") + error.what());
    } catch (...) {
      log(LogLevel::kError, "metrics", "collection failed");
    }
    return false;
  }

 private:
  std::shared_ptr<internal::MeterState> state_;
  std::size_t reader_;
};

constexpr InstrumentKind kAllKinds[] = {
    InstrumentKind::kCounter,           InstrumentKind::kUpDownCounter,
    InstrumentKind::kHistogram,         InstrumentKind::kGauge,
    InstrumentKind::kObservableCounter, InstrumentKind::kObservableUpDownCounter,
    InstrumentKind::kObservableGauge};

}  // namespace

MeterProvider::MeterProvider(std::shared_ptr<internal::MeterState> state,
                             std::vector<std::unique_ptr<MetricReader>> readers) noexcept
    : state_(std::move(state)), readers_(std::move(readers)) {
  if (!state_) return;
  for (const auto& reader : readers_) {
    if (!reader) continue;
    internal::TemporalityTable temporalities{};
    for (InstrumentKind kind : kAllKinds) {
      temporalities[static_cast<std::size_t>(kind)] = reader->temporality(kind);
    }
    try {
      const std::size_t index = state_->add_reader(temporalities);
      reader->attach(std::make_shared<ReaderProducer>(state_, index));
    } catch (...) {
      log(LogLevel::kError, "metrics", "out of memory attaching a metric reader");
    }
  }
}

MeterProvider::~MeterProvider() {
  shutdown();
}

Meter MeterProvider::get_meter(std::string_view name, std::string_view version,
                               std::string_view schema_url) {
  if (!state_ || state_->is_shut_down()) return {};
  if (name.empty()) log(LogLevel::kWarning, "metrics", "get_meter called with an empty name");
  return Meter(state_, state_->scope(name, version, schema_url));
}

std::shared_ptr<MetricProducer> MeterProvider::producer() {
  if (!state_) return nullptr;
  internal::TemporalityTable cumulative{};
  cumulative.fill(AggregationTemporality::kCumulative);
  return std::make_shared<ReaderProducer>(state_, state_->add_reader(cumulative));
}

bool MeterProvider::force_flush(std::chrono::microseconds timeout) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (const auto& reader : readers_) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (reader && !reader->force_flush(std::max(left, std::chrono::microseconds{0}))) ok = false;
  }
  return ok;
}

bool MeterProvider::shutdown(std::chrono::microseconds timeout) noexcept {
  if (shut_down_.exchange(true)) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (const auto& reader : readers_) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (reader && !reader->shutdown(std::max(left, std::chrono::microseconds{0}))) ok = false;
  }
  if (state_) state_->shutdown();
  return ok;
}

bool MeterProvider::enabled() const noexcept {
  return state_ != nullptr && !state_->is_shut_down();
}

MeterStats MeterProvider::stats() const noexcept {
  if (!state_) return {};
  return {state_->counters()->dropped.load(std::memory_order_relaxed),
          state_->counters()->overflowed.load(std::memory_order_relaxed), state_->collections()};
}

const Resource& MeterProvider::resource() const noexcept {
  static const Resource* empty = new Resource();
  return state_ ? *state_->resource() : *empty;
}

std::shared_ptr<MeterProvider> make_noop_meter_provider() {
  return std::make_shared<MeterProvider>(nullptr);
}

std::shared_ptr<MeterProvider> make_meter_provider(MeterProviderOptions options) {
  if (options.disabled.value_or(sdk_disabled_from_environment())) {
    return make_noop_meter_provider();
  }
  Resource resource =
      options.resource ? std::move(*options.resource) : Resource::from_environment();
  auto state = std::make_shared<internal::MeterState>(
      std::move(resource),
      options.cardinality_limit.value_or(MeterProviderOptions::kDefaultCardinalityLimit));
  return std::make_shared<MeterProvider>(std::move(state), std::move(options.readers));
}

namespace {

struct GlobalMeterProvider {
  std::mutex mutex;
  std::shared_ptr<MeterProvider> provider;
};

GlobalMeterProvider& global_slot() {
  static GlobalMeterProvider slot;
  return slot;
}

const std::shared_ptr<MeterProvider>& global_noop() {
  static const auto* provider = new std::shared_ptr<MeterProvider>(make_noop_meter_provider());
  return *provider;
}

}  // namespace

void set_global_meter_provider(std::shared_ptr<MeterProvider> provider) {
  auto& slot = global_slot();
  std::shared_ptr<MeterProvider> previous;
  std::lock_guard lock(slot.mutex);
  previous = std::exchange(slot.provider, std::move(provider));
}

std::shared_ptr<MeterProvider> global_meter_provider() noexcept {
  auto& slot = global_slot();
  {
    std::lock_guard lock(slot.mutex);
    if (slot.provider) return slot.provider;
  }
  return global_noop();
}

}  // namespace kafkatrace::otel
