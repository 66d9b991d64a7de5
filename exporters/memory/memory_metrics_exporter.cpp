#include "kafkatrace/exporters/memory_metrics.h"

namespace kafkatrace::exporters {

std::vector<otel::ResourceMetrics> InMemoryMetricStore::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::size_t InMemoryMetricStore::size() const {
  std::lock_guard lock(mutex_);
  return batches_.size();
}

void InMemoryMetricStore::clear() {
  std::lock_guard lock(mutex_);
  batches_.clear();
}

void InMemoryMetricStore::add(const otel::ResourceMetrics& batch) {
  {
    std::lock_guard lock(mutex_);
    batches_.push_back(batch);
  }
  added_.notify_all();
}

std::optional<otel::MetricData> InMemoryMetricStore::last_metric(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (auto batch = batches_.rbegin(); batch != batches_.rend(); ++batch) {
    for (const auto& scope : batch->scope_metrics) {
      for (const auto& metric : scope.metrics) {
        if (metric.name == name) return metric;
      }
    }
  }
  return std::nullopt;
}

std::vector<otel::MetricData> InMemoryMetricStore::metrics(std::string_view name) const {
  std::lock_guard lock(mutex_);
  std::vector<otel::MetricData> found;
  for (const auto& batch : batches_) {
    for (const auto& scope : batch.scope_metrics) {
      for (const auto& metric : scope.metrics) {
        if (metric.name == name) found.push_back(metric);
      }
    }
  }
  return found;
}

bool InMemoryMetricStore::wait_for_batches(std::size_t count,
                                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return added_.wait_for(lock, timeout, [&] { return batches_.size() >= count; });
}

otel::ExportResult InMemoryMetricExporter::export_metrics(
    const otel::ResourceMetrics& metrics) noexcept {
  if (shut_down_.load()) return otel::ExportResult::kFailure;
  try {
    store_->add(metrics);
    return otel::ExportResult::kSuccess;
  } catch (...) {
    return otel::ExportResult::kFailure;
  }
}

otel::AggregationTemporality InMemoryMetricExporter::temporality(
    otel::InstrumentKind) const noexcept {
  return temporality_;
}

bool InMemoryMetricExporter::force_flush(std::chrono::microseconds) noexcept {
  store_->count_force_flush();
  return true;
}

bool InMemoryMetricExporter::shutdown(std::chrono::microseconds) noexcept {
  shut_down_.store(true);
  store_->count_shutdown();
  return true;
}

}  // namespace kafkatrace::exporters
