// MeterProvider: the entry point of the metrics SDK. It owns the resource, the readers (push:
// a periodic reader per exporter; pull: producers handed to e.g. a Prometheus endpoint) and the
// aggregation state; Meters (one per instrumentation scope) create instruments.
//
//   kafkatrace::otel::MeterProviderOptions options;
//   options.readers.push_back(kafkatrace::otel::make_periodic_reader(std::move(exporter)));
//   auto provider = kafkatrace::otel::make_meter_provider(std::move(options));  // keep it
//
// Temporality: each reader asks for cumulative or delta per instrument kind (a periodic
// reader asks its exporter's temporality(kind)); every reader gets its own view of the same
// measurements. Cardinality: each instrument keeps at most `cardinality_limit` attribute sets
// (streams) per reader view; once limit - 1 are in use, measurements with new attribute sets
// are aggregated into one stream with the single attribute otel.metric.overflow=true. Streams
// are kept for the provider's lifetime (also under delta temporality).
//
// Threading: everything is thread-safe. Collections are serialised; observable callbacks run on
// the collecting thread. Lifetime: Meters and instruments keep the aggregation state alive; the
// readers live as long as the provider, which shuts them down (final export) when destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/meter.h"
#include "kafkatrace/otel/metric_exporter.h"
#include "kafkatrace/otel/resource.h"

namespace kafkatrace::otel {

// Something that collects from a provider: make_periodic_reader() builds the push one. To
// write a reader: keep the producer given to attach() and call its collect() when you want
// data (it aggregates with this reader's temporality).
class MetricReader {
 public:
  virtual ~MetricReader() = default;
  // Asked once per instrument kind, when the provider takes the reader.
  virtual AggregationTemporality temporality(InstrumentKind kind) const noexcept = 0;
  // Called once by make_meter_provider before any collection. The producer stays usable until
  // the provider shuts down (then collect returns false).
  virtual void attach(std::shared_ptr<MetricProducer> producer) noexcept = 0;
  // Called by MeterProvider::force_flush / shutdown (from the caller's thread).
  virtual bool force_flush(std::chrono::microseconds timeout) noexcept = 0;
  virtual bool shutdown(std::chrono::microseconds timeout) noexcept = 0;
};

struct MeterProviderOptions {
  std::optional<Resource> resource{};  // default: Resource::from_environment()
  std::vector<std::unique_ptr<MetricReader>> readers{};
  std::optional<std::uint32_t> cardinality_limit{};  // default kDefaultCardinalityLimit (min 2)
  std::optional<bool> disabled{};                    // default: OTEL_SDK_DISABLED

  static constexpr std::uint32_t kDefaultCardinalityLimit = 2000;
};

// Self-observability: measurements dropped (NaN, negative on a counter, out of memory) and
// measurements that went to an overflow stream.
struct MeterStats {
  std::uint64_t measurements_dropped = 0;
  std::uint64_t measurements_overflowed = 0;
  std::uint64_t collections = 0;
};

class MeterProvider final {
 public:
  explicit MeterProvider(std::shared_ptr<internal::MeterState> state,
                         std::vector<std::unique_ptr<MetricReader>> readers = {}) noexcept;
  // Shuts down (final export through the readers) if shutdown was not called.
  ~MeterProvider();
  MeterProvider(const MeterProvider&) = delete;
  MeterProvider& operator=(const MeterProvider&) = delete;

  // Meters of equal (name, version, schema_url) share one scope and its instruments.
  Meter get_meter(std::string_view name, std::string_view version = {},
                  std::string_view schema_url = {});
  // A pull view for an exporter such as a Prometheus endpoint: each collect() aggregates with
  // cumulative temporality, from the time of this call. Call once per pull exporter and keep
  // it. Null for a no-op provider.
  std::shared_ptr<MetricProducer> producer();

  bool force_flush(std::chrono::microseconds timeout = std::chrono::seconds(30)) noexcept;
  // Shuts the readers down (each exports a last time); later measurements are recorded but
  // never exported, and producers' collect() returns false. Idempotent.
  bool shutdown(std::chrono::microseconds timeout = std::chrono::seconds(30)) noexcept;
  bool enabled() const noexcept;
  MeterStats stats() const noexcept;
  const Resource& resource() const noexcept;

 private:
  std::shared_ptr<internal::MeterState> state_;
  std::vector<std::unique_ptr<MetricReader>> readers_;
  std::atomic<bool> shut_down_{false};
};

std::shared_ptr<MeterProvider> make_meter_provider(MeterProviderOptions options = {});
// A provider whose meters create no-op instruments (what OTEL_SDK_DISABLED=true gives).
std::shared_ptr<MeterProvider> make_noop_meter_provider();

// The process-wide provider; a no-op provider until one is set. Replacing it does not shut the
// old one down (its last owner does).
void set_global_meter_provider(std::shared_ptr<MeterProvider> provider);
std::shared_ptr<MeterProvider> global_meter_provider() noexcept;

}  // namespace kafkatrace::otel
