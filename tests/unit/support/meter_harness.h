// Metrics SDK test helpers: a manual reader (collect on demand, chosen temporality), a provider
// harness around it, and lookups of metrics and points in a collected ResourceMetrics.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kafkatrace/otel/meter_provider.h"

namespace kafkatrace::testing {

// The provider owns the reader; the test keeps this handle and collects through it.
struct ManualReaderHandle {
  std::shared_ptr<otel::MetricProducer> producer;

  otel::ResourceMetrics collect() const {
    otel::ResourceMetrics result;
    if (producer) producer->collect([&](const otel::ResourceMetrics& m) { result = m; });
    return result;
  }
};

class ManualReader final : public otel::MetricReader {
 public:
  ManualReader(std::shared_ptr<ManualReaderHandle> handle, otel::AggregationTemporality temporality)
      : handle_(std::move(handle)), temporality_(temporality) {}
  otel::AggregationTemporality temporality(otel::InstrumentKind) const noexcept override {
    return temporality_;
  }
  void attach(std::shared_ptr<otel::MetricProducer> producer) noexcept override {
    handle_->producer = std::move(producer);
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  std::shared_ptr<ManualReaderHandle> handle_;
  otel::AggregationTemporality temporality_;
};

struct MetricsHarness {
  std::shared_ptr<ManualReaderHandle> reader = std::make_shared<ManualReaderHandle>();
  std::shared_ptr<otel::MeterProvider> provider;
  otel::Meter meter;

  explicit MetricsHarness(
      otel::AggregationTemporality temporality = otel::AggregationTemporality::kCumulative,
      std::uint32_t cardinality_limit = 2000) {
    otel::MeterProviderOptions options;
    options.resource = otel::Resource({{"service.name", std::string("metrics-test")}});
    options.readers.push_back(std::make_unique<ManualReader>(reader, temporality));
    options.cardinality_limit = cardinality_limit;
    options.disabled = false;
    provider = otel::make_meter_provider(std::move(options));
    meter = provider->get_meter("test", "1.0");
  }
  otel::ResourceMetrics collect() const { return reader->collect(); }
};

inline const otel::MetricData* find_metric(const otel::ResourceMetrics& metrics,
                                           std::string_view name) {
  for (const auto& scope : metrics.scope_metrics) {
    for (const auto& metric : scope.metrics) {
      if (metric.name == name) return &metric;
    }
  }
  return nullptr;
}

inline bool same_set(otel::Attributes a, otel::Attributes b) {
  auto by_key = [](const otel::KeyValue& x, const otel::KeyValue& y) { return x.key < y.key; };
  std::sort(a.begin(), a.end(), by_key);
  std::sort(b.begin(), b.end(), by_key);
  return a == b;
}

inline const otel::NumberDataPoint* find_point(const otel::MetricData* metric,
                                               const otel::Attributes& attributes) {
  if (metric == nullptr) return nullptr;
  for (const auto& point : metric->number_points) {
    if (same_set(point.attributes, attributes)) return &point;
  }
  return nullptr;
}

inline const otel::HistogramDataPoint* find_histogram_point(const otel::MetricData* metric,
                                                            const otel::Attributes& attributes) {
  if (metric == nullptr) return nullptr;
  for (const auto& point : metric->histogram_points) {
    if (same_set(point.attributes, attributes)) return &point;
  }
  return nullptr;
}

// -999999 when the point is missing, so that a missing point fails value comparisons.
inline std::int64_t int_value(const otel::NumberDataPoint* point) {
  return point ? std::get<std::int64_t>(point->value) : -999999;
}
inline double double_value(const otel::NumberDataPoint* point) {
  return point ? std::get<double>(point->value) : -999999.0;
}

}  // namespace kafkatrace::testing
