#include "kafkatrace/exporters/memory.h"

namespace kafkatrace::exporters {

std::vector<otel::SpanData> InMemorySpanStore::spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

std::size_t InMemorySpanStore::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

void InMemorySpanStore::clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

void InMemorySpanStore::add(std::span<const std::unique_ptr<otel::SpanData>> spans) {
  std::lock_guard lock(mutex_);
  for (const auto& span : spans) {
    otel::SpanData& copy = spans_.emplace_back(*span);
    if (copy.shared_attributes) {  // stored as one list, as the store's users read it
      otel::Attributes all;
      copy.attributes = otel::all_attributes(*span, all);
      copy.shared_attributes.reset();
    }
  }
}

otel::ExportResult InMemorySpanExporter::export_spans(
    std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept {
  if (shut_down_.load()) return otel::ExportResult::kFailure;
  try {
    store_->add(spans);
    return otel::ExportResult::kSuccess;
  } catch (...) {
    return otel::ExportResult::kFailure;
  }
}

bool InMemorySpanExporter::force_flush(std::chrono::microseconds) noexcept {
  return true;
}

bool InMemorySpanExporter::shutdown(std::chrono::microseconds) noexcept {
  shut_down_.store(true);
  return true;
}

}  // namespace kafkatrace::exporters
