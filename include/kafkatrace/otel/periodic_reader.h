// The periodic metric reader: collects from its provider every `interval` on its own thread and
// hands the result to a push MetricExporter (OTLP/HTTP, OTLP JSON file, console).
//
//   auto reader = kafkatrace::otel::make_periodic_reader(
//       std::move(exporter), kafkatrace::otel::PeriodicReaderOptions::from_environment());
//   meter_provider_options.readers.push_back(std::move(reader));
//
// Temporality per instrument kind is the exporter's temporality(kind). Threading: the worker
// thread calls export_metrics (and runs observable callbacks) once per interval; force_flush
// and shutdown collect and export on the caller's thread, serialised with the worker, so the
// exporter never sees two calls at once. shutdown exports a last time, then shuts the exporter
// down. An export slower than `timeout` is reported through kafkatrace::log (the exporter is
// expected to honour its own timeout; the reader cannot cancel it).
#pragma once

#include <chrono>
#include <memory>

#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::otel {

struct PeriodicReaderOptions {
  std::chrono::milliseconds interval{60000};
  std::chrono::milliseconds timeout{30000};

  // OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT (milliseconds). Values that are
  // not positive integers are ignored with a warning.
  static PeriodicReaderOptions from_environment();
};

// Never null. A null exporter gives a reader that collects nothing.
std::unique_ptr<MetricReader> make_periodic_reader(
    std::unique_ptr<MetricExporter> exporter,
    PeriodicReaderOptions options = PeriodicReaderOptions::from_environment());

}  // namespace kafkatrace::otel
