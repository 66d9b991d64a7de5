// MetricData: collected metric points as metric exporters see them (OTLP's data model).
//
//   void MyExporter::export_metrics(const ResourceMetrics& batch) {
//     for (const auto& scope : batch.scope_metrics)
//       for (const auto& metric : scope.metrics) print(metric.name, metric.unit);
//   }
//
// Enum values equal their OTLP wire values. Times are nanoseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span_data.h"  // InstrumentationScope

namespace kafkatrace::otel {

class Resource;

enum class AggregationTemporality : std::uint8_t { kDelta = 1, kCumulative = 2 };

enum class InstrumentKind : std::uint8_t {
  kCounter,
  kUpDownCounter,
  kHistogram,
  kGauge,
  kObservableCounter,
  kObservableUpDownCounter,
  kObservableGauge,
};

struct NumberDataPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::variant<std::int64_t, double> value{std::int64_t{0}};
};

struct HistogramDataPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  double sum = 0;
  std::optional<double> min{};
  std::optional<double> max{};
  std::vector<double> explicit_bounds{};       // n boundaries
  std::vector<std::uint64_t> bucket_counts{};  // n + 1 counts
};

struct MetricData {
  enum class Type : std::uint8_t { kSum, kGauge, kHistogram };

  std::string name;
  std::string description;
  std::string unit;
  Type type = Type::kSum;
  AggregationTemporality temporality = AggregationTemporality::kCumulative;  // Sum, Histogram
  bool is_monotonic = false;                                                 // Sum only
  std::vector<NumberDataPoint> number_points{};                              // Sum and Gauge
  std::vector<HistogramDataPoint> histogram_points{};                        // Histogram
};

struct ScopeMetrics {
  std::shared_ptr<const InstrumentationScope> scope;
  std::vector<MetricData> metrics{};
};

struct ResourceMetrics {
  std::shared_ptr<const Resource> resource;
  std::vector<ScopeMetrics> scope_metrics{};
};

}  // namespace kafkatrace::otel
