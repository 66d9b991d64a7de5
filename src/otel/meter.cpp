// Meter: instrument creation (name checks, boundary advice, de-duplication through MeterState).
#include "kafkatrace/otel/meter.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "kafkatrace/log.h"
#include "otel/internal/metric_state.h"

namespace kafkatrace::otel {
namespace {

const std::vector<double>& default_boundaries() {
  static const std::vector<double> boundaries{0,   5,   10,   25,   50,   75,   100,  250,
                                              500, 750, 1000, 2500, 5000, 7500, 10000};
  return boundaries;
}

// The specification's instrument name syntax: a letter, then letters, digits, _ . - /, at most
// 255 characters.
bool valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  if (!std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '/';
  });
}

std::vector<double> boundaries_for(std::string_view name, const InstrumentOptions& options) {
  if (!options.boundaries) return default_boundaries();
  const auto& advice = *options.boundaries;
  const bool finite =
      std::all_of(advice.begin(), advice.end(), [](double bound) { return std::isfinite(bound); });
  const bool increasing = std::adjacent_find(advice.begin(), advice.end(), [](double a, double b) {
                            return !(a < b);
                          }) == advice.end();
  if (finite && increasing) return advice;
  log(LogLevel::kWarning, "metrics",
      "histogram '" + std::string(name) +
          "': bucket boundaries must be finite and strictly increasing; using the defaults");
  return default_boundaries();
}

template <MetricValue T>
std::optional<internal::InstrumentDescriptor> describe(std::string_view name,
                                                       const InstrumentOptions& options,
                                                       InstrumentKind kind) {
  if (!valid_name(name)) {
    log(LogLevel::kError, "metrics",
        "invalid instrument name '" + std::string(name) + "'; the instrument does nothing");
    return std::nullopt;
  }
  internal::InstrumentDescriptor descriptor;
  descriptor.name = std::string(name);
  descriptor.description = std::string(options.description);
  descriptor.unit = std::string(options.unit);
  descriptor.kind = kind;
  descriptor.is_double = std::is_same_v<T, double>;
  if (kind == InstrumentKind::kHistogram) descriptor.boundaries = boundaries_for(name, options);
  return descriptor;
}

}  // namespace

const InstrumentationScope* Meter::scope() const noexcept {
  return scope_ ? scope_->scope().get() : nullptr;
}

template <MetricValue T>
Counter<T> Meter::create_counter(std::string_view name, const InstrumentOptions& options) const {
  if (!state_) return {};
  auto descriptor = describe<T>(name, options, InstrumentKind::kCounter);
  if (!descriptor) return {};
  return Counter<T>(state_->sync_storage(*scope_, std::move(*descriptor)));
}

template <MetricValue T>
UpDownCounter<T> Meter::create_up_down_counter(std::string_view name,
                                               const InstrumentOptions& options) const {
  if (!state_) return {};
  auto descriptor = describe<T>(name, options, InstrumentKind::kUpDownCounter);
  if (!descriptor) return {};
  return UpDownCounter<T>(state_->sync_storage(*scope_, std::move(*descriptor)));
}

template <MetricValue T>
Histogram<T> Meter::create_histogram(std::string_view name,
                                     const InstrumentOptions& options) const {
  if (!state_) return {};
  auto descriptor = describe<T>(name, options, InstrumentKind::kHistogram);
  if (!descriptor) return {};
  return Histogram<T>(state_->sync_storage(*scope_, std::move(*descriptor)));
}

namespace {

template <MetricValue T>
ObservableInstrument make_observable(internal::MeterState* state, internal::ScopeRegistry* scope,
                                     std::string_view name, ObservableCallback callback,
                                     const InstrumentOptions& options, InstrumentKind kind) {
  if (state == nullptr) return {};
  auto descriptor = describe<T>(name, options, kind);
  if (!descriptor) return {};
  auto storage = state->observable_storage(*scope, std::move(*descriptor));
  const std::uint64_t id = storage->add_callback(std::move(callback));
  return ObservableInstrument(std::move(storage), id);
}

}  // namespace

template <MetricValue T>
ObservableInstrument Meter::create_observable_counter(std::string_view name,
                                                      ObservableCallback callback,
                                                      const InstrumentOptions& options) const {
  return make_observable<T>(state_.get(), scope_.get(), name, std::move(callback), options,
                            InstrumentKind::kObservableCounter);
}

template <MetricValue T>
ObservableInstrument Meter::create_observable_up_down_counter(
    std::string_view name, ObservableCallback callback, const InstrumentOptions& options) const {
  return make_observable<T>(state_.get(), scope_.get(), name, std::move(callback), options,
                            InstrumentKind::kObservableUpDownCounter);
}

template <MetricValue T>
ObservableInstrument Meter::create_observable_gauge(std::string_view name,
                                                    ObservableCallback callback,
                                                    const InstrumentOptions& options) const {
  return make_observable<T>(state_.get(), scope_.get(), name, std::move(callback), options,
                            InstrumentKind::kObservableGauge);
}

#define KAFKATRACE_INSTANTIATE_METER(T)                                                           \
  template Counter<T> Meter::create_counter<T>(std::string_view, const InstrumentOptions&) const; \
  template UpDownCounter<T> Meter::create_up_down_counter<T>(std::string_view,                    \
                                                             const InstrumentOptions&) const;     \
  template Histogram<T> Meter::create_histogram<T>(std::string_view, const InstrumentOptions&)    \
      const;                                                                                      \
  template ObservableInstrument Meter::create_observable_counter<T>(                              \
      std::string_view, ObservableCallback, const InstrumentOptions&) const;                      \
  template ObservableInstrument Meter::create_observable_up_down_counter<T>(                      \
      std::string_view, ObservableCallback, const InstrumentOptions&) const;                      \
  template ObservableInstrument Meter::create_observable_gauge<T>(                                \
      std::string_view, ObservableCallback, const InstrumentOptions&) const;

KAFKATRACE_INSTANTIATE_METER(std::int64_t)
KAFKATRACE_INSTANTIATE_METER(double)
#undef KAFKATRACE_INSTANTIATE_METER

}  // namespace kafkatrace::otel
