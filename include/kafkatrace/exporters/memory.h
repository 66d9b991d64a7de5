// InMemorySpanExporter: keeps copies of exported spans in memory, for tests and examples.
//
//   auto exporter = std::make_unique<kafkatrace::exporters::InMemorySpanExporter>();
//   auto store = exporter->store();             // keep this; the processor owns the exporter
//   ... run code ...; provider->force_flush(); auto spans = store->spans();
//
// Threading: export_spans runs on the processor's thread; the store may be read and cleared from
// any thread at the same time. The spans are deep copies (the SDK recycles its SpanData), each
// with all its attributes in `attributes` (shared attributes copied in, shared_attributes null).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::exporters {

class InMemorySpanStore final {
 public:
  // A snapshot copy of the spans exported so far, in export order.
  std::vector<otel::SpanData> spans() const;
  std::size_t size() const;
  void clear();
  void add(std::span<const std::unique_ptr<otel::SpanData>> spans);

 private:
  mutable std::mutex mutex_;
  std::vector<otel::SpanData> spans_;
};

class InMemorySpanExporter final : public otel::SpanExporter {
 public:
  InMemorySpanExporter() : store_(std::make_shared<InMemorySpanStore>()) {}
  explicit InMemorySpanExporter(std::shared_ptr<InMemorySpanStore> store)
      : store_(std::move(store)) {}

  const std::shared_ptr<InMemorySpanStore>& store() const noexcept { return store_; }

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override;
  bool force_flush(std::chrono::microseconds timeout) noexcept override;
  bool shutdown(std::chrono::microseconds timeout) noexcept override;

 private:
  std::shared_ptr<InMemorySpanStore> store_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace kafkatrace::exporters
