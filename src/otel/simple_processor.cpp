// The simple processor: exports each sampled span synchronously on the thread that ends it.
#include <atomic>
#include <mutex>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/processor.h"

namespace kafkatrace::otel {
namespace {

class SimpleProcessor final : public SpanProcessor {
 public:
  bool start_required() const noexcept override { return false; }
  explicit SimpleProcessor(std::unique_ptr<SpanExporter> exporter) noexcept
      : exporter_(std::move(exporter)) {}
  ~SimpleProcessor() override { shutdown(std::chrono::seconds(30)); }

  void on_end(std::unique_ptr<SpanData> span) noexcept override {
    if (!span->context.is_sampled()) {
      recycle_span_data(std::move(span));
      return;
    }
    std::unique_lock lock(mutex_);  // the exporter is never called concurrently
    if (shut_down_ || !exporter_) {
      lock.unlock();
      dropped_.fetch_add(1, std::memory_order_relaxed);
      recycle_span_data(std::move(span));
      return;
    }
    const auto result = exporter_->export_spans({&span, 1});
    lock.unlock();
    if (result == ExportResult::kSuccess) {
      exported_.fetch_add(1, std::memory_order_relaxed);
    } else {
      failed_.fetch_add(1, std::memory_order_relaxed);
      failures_.fetch_add(1, std::memory_order_relaxed);
    }
    recycle_span_data(std::move(span));
  }

  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    return exporter_ ? exporter_->force_flush(timeout) : true;
  }

  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    {
      std::lock_guard lock(mutex_);
      if (shut_down_) return true;
      shut_down_ = true;
    }
    return exporter_ ? exporter_->shutdown(timeout) : true;
  }

  SpanProcessorStats stats() const noexcept override {
    return {dropped_.load(std::memory_order_relaxed), exported_.load(std::memory_order_relaxed),
            failed_.load(std::memory_order_relaxed), failures_.load(std::memory_order_relaxed)};
  }

 private:
  std::unique_ptr<SpanExporter> exporter_;
  std::mutex mutex_;
  bool shut_down_ = false;
  std::atomic<std::uint64_t> dropped_{0}, exported_{0}, failed_{0}, failures_{0};
};

}  // namespace

std::unique_ptr<SpanProcessor> make_simple_processor(std::unique_ptr<SpanExporter> exporter) {
  return std::make_unique<SimpleProcessor>(std::move(exporter));
}

}  // namespace kafkatrace::otel
