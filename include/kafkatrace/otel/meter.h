// Meter: creates the instruments of one instrumentation scope (library name, version, schema).
//
//   kafkatrace::otel::Meter meter = provider->get_meter("kafkatrace", "0.1.0");
//   auto sent = meter.create_counter<std::int64_t>("messaging.client.sent.messages");
//   auto depth = meter.create_observable_gauge<std::int64_t>("app.queue.depth", [&](auto& r) {
//     r.observe(queue.size()); });
//
// Instrument names follow the specification: an ASCII letter, then up to 254 of letters,
// digits, '_', '.', '-', '/'. An invalid name gives a no-op instrument and an error log.
// Creating an instrument twice with the same name (case-insensitive), kind, unit and
// description returns a handle onto the same stream; a conflicting duplicate is created as a
// separate stream with a warning (both are exported), as the specification says.
//
// Threading: thread-safe. Creation takes a mutex and allocates: create instruments once and
// keep the handles, don't create them per message. A default-constructed Meter (and every
// meter of a disabled or shut-down provider) creates no-op instruments.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/span_data.h"  // InstrumentationScope

namespace kafkatrace::otel {

namespace internal {
class MeterState;
class ScopeRegistry;
}  // namespace internal

// The create_* templates are defined (explicitly instantiated) in meter.cpp for std::int64_t
// and double.
class Meter final {
 public:
  Meter() noexcept = default;
  Meter(std::shared_ptr<internal::MeterState> state,
        std::shared_ptr<internal::ScopeRegistry> scope) noexcept
      : state_(std::move(state)), scope_(std::move(scope)) {}

  template <MetricValue T>
  Counter<T> create_counter(std::string_view name, const InstrumentOptions& options = {}) const;
  template <MetricValue T>
  UpDownCounter<T> create_up_down_counter(std::string_view name,
                                          const InstrumentOptions& options = {}) const;
  template <MetricValue T>
  Histogram<T> create_histogram(std::string_view name, const InstrumentOptions& options = {}) const;

  template <MetricValue T>
  ObservableInstrument create_observable_counter(std::string_view name, ObservableCallback callback,
                                                 const InstrumentOptions& options = {}) const;
  template <MetricValue T>
  ObservableInstrument create_observable_up_down_counter(
      std::string_view name, ObservableCallback callback,
      const InstrumentOptions& options = {}) const;
  template <MetricValue T>
  ObservableInstrument create_observable_gauge(std::string_view name, ObservableCallback callback,
                                               const InstrumentOptions& options = {}) const;

  // False for a no-op meter.
  bool enabled() const noexcept { return state_ != nullptr; }
  const InstrumentationScope* scope() const noexcept;

 private:
  std::shared_ptr<internal::MeterState> state_;
  std::shared_ptr<internal::ScopeRegistry> scope_;
};

}  // namespace kafkatrace::otel
