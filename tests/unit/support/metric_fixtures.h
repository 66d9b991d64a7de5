// Hand-built ResourceMetrics for metric exporter tests: one resource, one scope, and a counter,
// a histogram, a gauge and an up-down counter with known values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kafkatrace/otel/metric_data.h"
#include "kafkatrace/otel/resource.h"

namespace kafkatrace::testing {

inline constexpr std::uint64_t kMetricStart = 1700000000000000000ULL;
inline constexpr std::uint64_t kMetricTime = 1700000001500000000ULL;

inline otel::MetricData sample_counter() {
  otel::MetricData metric;
  metric.name = "messaging.client.sent.messages";
  metric.description = "Messages sent";
  metric.unit = "{message}";
  metric.type = otel::MetricData::Type::kSum;
  metric.is_monotonic = true;
  metric.number_points.push_back({{{"messaging.system", std::string("kafka")},
                                   {"messaging.destination.name", std::string("orders")}},
                                  kMetricStart,
                                  kMetricTime,
                                  std::int64_t{42}});
  return metric;
}

inline otel::MetricData sample_histogram() {
  otel::MetricData metric;
  metric.name = "messaging.client.operation.duration";
  metric.description = "Duration of messaging operations";
  metric.unit = "s";
  metric.type = otel::MetricData::Type::kHistogram;
  otel::HistogramDataPoint point;
  point.attributes = {{"messaging.operation.name", std::string("send")}};
  point.start_time_unix_nano = kMetricStart;
  point.time_unix_nano = kMetricTime;
  point.count = 4;
  point.sum = 1.25;
  point.min = 0.001;
  point.max = 0.9;
  point.explicit_bounds = {0.005, 0.01, 0.1, 1};
  point.bucket_counts = {1, 2, 0, 1, 0};
  metric.histogram_points.push_back(point);
  return metric;
}

inline otel::MetricData sample_gauge() {
  otel::MetricData metric;
  metric.name = "app.queue.depth";
  metric.unit = "{message}";
  metric.type = otel::MetricData::Type::kGauge;
  metric.number_points.push_back({{}, 0, kMetricTime, 3.5});
  return metric;
}

inline otel::MetricData sample_up_down_counter() {
  otel::MetricData metric;
  metric.name = "app.buffer.used";
  metric.description = "Bytes buffered";
  metric.unit = "By";
  metric.type = otel::MetricData::Type::kSum;
  metric.is_monotonic = false;
  metric.number_points.push_back({{}, kMetricStart, kMetricTime, std::int64_t{-1024}});
  return metric;
}

inline otel::ResourceMetrics sample_resource_metrics() {
  otel::ResourceMetrics batch;
  batch.resource = std::make_shared<const otel::Resource>(
      otel::Attributes{{"service.name", std::string("orders")},
                       {"process.pid", std::int64_t{4242}}},
      "https://opentelemetry.io/schemas/1.24.0");
  otel::ScopeMetrics scope;
  scope.scope = std::make_shared<const otel::InstrumentationScope>(
      otel::InstrumentationScope{"kafkatrace", "0.1.0", ""});
  scope.metrics = {sample_counter(), sample_histogram(), sample_gauge(), sample_up_down_counter()};
  batch.scope_metrics.push_back(std::move(scope));
  return batch;
}

}  // namespace kafkatrace::testing
