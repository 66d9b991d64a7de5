// MetricExporter (push: OTLP/HTTP, OTLP JSON file, console) and MetricProducer (what a pull
// exporter such as the Prometheus endpoint asks for a fresh collection).
//
//   auto reader = kafkatrace::otel::make_periodic_reader(std::move(exporter), options);
//   meter_provider_options.readers.push_back(std::move(reader));
//   prometheus_endpoint.serve(meter_provider->producer());   // pull: collect on each scrape
//
// Threading: a periodic reader calls export_metrics from its own thread, one call at a time.
// MetricProducer::collect may be called from any thread (e.g. the Prometheus HTTP thread); the
// SDK serialises collections. No method may throw.
#pragma once

#include <chrono>
#include <functional>

#include "kafkatrace/otel/exporter.h"  // ExportResult
#include "kafkatrace/otel/metric_data.h"

namespace kafkatrace::otel {

class MetricExporter {
 public:
  virtual ~MetricExporter() = default;

  // `metrics` is valid only during the call.
  virtual ExportResult export_metrics(const ResourceMetrics& metrics) noexcept = 0;
  // The temporality this exporter wants for an instrument kind (OTLP exporters follow
  // OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE; Prometheus is always cumulative).
  virtual AggregationTemporality temporality(InstrumentKind kind) const noexcept = 0;
  virtual bool force_flush(std::chrono::microseconds timeout) noexcept = 0;
  virtual bool shutdown(std::chrono::microseconds timeout) noexcept = 0;
};

class MetricProducer {
 public:
  virtual ~MetricProducer() = default;
  // Runs observable callbacks, aggregates, and hands the result to `sink` (valid only during
  // the call) with cumulative temporality. Returns false when the provider is shut down.
  virtual bool collect(const std::function<void(const ResourceMetrics&)>& sink) noexcept = 0;
};

}  // namespace kafkatrace::otel
