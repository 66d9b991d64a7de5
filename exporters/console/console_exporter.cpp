#include <mutex>
#include <ostream>

#include "kafkatrace/exporters/console.h"

namespace kafkatrace::exporters {
namespace {

class ConsoleExporter final : public otel::SpanExporter {
 public:
  explicit ConsoleExporter(ConsoleExporterOptions options) : options_(options) {}

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    std::lock_guard lock(mutex_);
    if (shut_down_) return otel::ExportResult::kFailure;
    try {
      text_.clear();
      for (const auto& span : spans) {
        if (span != nullptr) text_ += format_span_for_console(*span);
      }
      if (options_.stream != nullptr) {
        options_.stream->write(text_.data(), static_cast<std::streamsize>(text_.size()));
        return options_.stream->good() ? otel::ExportResult::kSuccess
                                       : otel::ExportResult::kFailure;
      }
      if (options_.file == nullptr) return otel::ExportResult::kFailure;
      return std::fwrite(text_.data(), 1, text_.size(), options_.file) == text_.size()
                 ? otel::ExportResult::kSuccess
                 : otel::ExportResult::kFailure;
    } catch (...) {
      return otel::ExportResult::kFailure;
    }
  }

  bool force_flush(std::chrono::microseconds) noexcept override {
    std::lock_guard lock(mutex_);
    return flush();
  }

  bool shutdown(std::chrono::microseconds) noexcept override {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    return flush();
  }

 private:
  bool flush() noexcept {
    try {
      if (options_.stream != nullptr) return options_.stream->flush().good();
      return options_.file == nullptr || std::fflush(options_.file) == 0;
    } catch (...) {
      return false;
    }
  }

  const ConsoleExporterOptions options_;
  std::mutex mutex_;
  std::string text_;  // reused between batches
  bool shut_down_ = false;
};

}  // namespace

std::unique_ptr<otel::SpanExporter> make_console_exporter(ConsoleExporterOptions options) {
  return std::make_unique<ConsoleExporter>(options);
}

}  // namespace kafkatrace::exporters
