// InMemoryMetricExporter: keeps copies of exported metric batches in memory, for tests and
// examples.
//
//   auto exporter = std::make_unique<kafkatrace::exporters::InMemoryMetricExporter>();
//   auto store = exporter->store();   // keep this; the reader owns the exporter
//   ... record ...; provider->force_flush(); auto sent = store->last_metric("app.sent");
//
// Threading: export_metrics runs on the reader's thread; the store may be read, waited on and
// cleared from any thread at the same time. Temporality: the one given at construction, for
// every instrument kind (cumulative by default).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::exporters {

class InMemoryMetricStore final {
 public:
  // Snapshot copies of the batches exported so far, in export order.
  std::vector<otel::ResourceMetrics> batches() const;
  std::size_t size() const;
  void clear();
  void add(const otel::ResourceMetrics& batch);
  // The metric named `name` in the most recent batch that has it.
  std::optional<otel::MetricData> last_metric(std::string_view name) const;
  // Every exported MetricData named `name`, oldest first.
  std::vector<otel::MetricData> metrics(std::string_view name) const;
  // Waits until at least `count` batches were exported; false on timeout.
  bool wait_for_batches(std::size_t count, std::chrono::milliseconds timeout) const;

  std::size_t force_flush_calls() const noexcept { return force_flushes_.load(); }
  std::size_t shutdown_calls() const noexcept { return shutdowns_.load(); }
  void count_force_flush() noexcept { ++force_flushes_; }
  void count_shutdown() noexcept { ++shutdowns_; }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable added_;
  std::vector<otel::ResourceMetrics> batches_;
  std::atomic<std::size_t> force_flushes_{0};
  std::atomic<std::size_t> shutdowns_{0};
};

class InMemoryMetricExporter final : public otel::MetricExporter {
 public:
  explicit InMemoryMetricExporter(
      otel::AggregationTemporality temporality = otel::AggregationTemporality::kCumulative)
      : store_(std::make_shared<InMemoryMetricStore>()), temporality_(temporality) {}

  const std::shared_ptr<InMemoryMetricStore>& store() const noexcept { return store_; }

  otel::ExportResult export_metrics(const otel::ResourceMetrics& metrics) noexcept override;
  otel::AggregationTemporality temporality(otel::InstrumentKind kind) const noexcept override;
  bool force_flush(std::chrono::microseconds timeout) noexcept override;
  bool shutdown(std::chrono::microseconds timeout) noexcept override;

 private:
  std::shared_ptr<InMemoryMetricStore> store_;
  otel::AggregationTemporality temporality_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace kafkatrace::exporters
