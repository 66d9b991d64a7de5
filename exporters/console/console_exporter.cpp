// The console span and metric exporters (see kafkatrace/exporters/console.h).
#include <mutex>
#include <ostream>

#include "kafkatrace/exporters/console.h"

namespace kafkatrace::exporters {
namespace {

// Where both exporters write: the options' stream or FILE*, one whole batch per write, under a
// mutex shared with flush.
class ConsoleOutput {
 public:
  explicit ConsoleOutput(ConsoleExporterOptions options) : options_(options) {}

  // `format` appends the batch's text to the reused buffer. Never throws.
  template <typename Format>
  otel::ExportResult write(Format&& format) noexcept {
    std::lock_guard lock(mutex_);
    if (shut_down_) return otel::ExportResult::kFailure;
    try {
      text_.clear();
      format(text_);
      bool ok = false;
      if (options_.stream != nullptr) {
        options_.stream->write(text_.data(), static_cast<std::streamsize>(text_.size()));
        ok = options_.stream->good();
      } else if (options_.file != nullptr) {
        ok = std::fwrite(text_.data(), 1, text_.size(), options_.file) == text_.size();
      }
      return ok ? otel::ExportResult::kSuccess : otel::ExportResult::kFailure;
    } catch (...) {
      return otel::ExportResult::kFailure;
    }
  }

  bool flush(bool shut_down) noexcept {
    std::lock_guard lock(mutex_);
    shut_down_ = shut_down_ || shut_down;
    try {
      if (options_.stream != nullptr) return options_.stream->flush().good();
      return options_.file == nullptr || std::fflush(options_.file) == 0;
    } catch (...) {
      return false;
    }
  }

 private:
  const ConsoleExporterOptions options_;
  std::mutex mutex_;
  std::string text_;  // reused between batches
  bool shut_down_ = false;
};

class ConsoleExporter final : public otel::SpanExporter {
 public:
  explicit ConsoleExporter(ConsoleExporterOptions options) : output_(options) {}

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    return output_.write([&spans](std::string& text) {
      for (const auto& span : spans) {
        if (span != nullptr) text += format_span_for_console(*span);
      }
    });
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return output_.flush(false); }
  bool shutdown(std::chrono::microseconds) noexcept override { return output_.flush(true); }

 private:
  ConsoleOutput output_;
};

class ConsoleMetricExporter final : public otel::MetricExporter {
 public:
  explicit ConsoleMetricExporter(ConsoleExporterOptions options) : output_(options) {}

  otel::ExportResult export_metrics(const otel::ResourceMetrics& metrics) noexcept override {
    return output_.write(
        [&metrics](std::string& text) { text += format_metrics_for_console(metrics); });
  }
  otel::AggregationTemporality temporality(otel::InstrumentKind) const noexcept override {
    return otel::AggregationTemporality::kCumulative;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return output_.flush(false); }
  bool shutdown(std::chrono::microseconds) noexcept override { return output_.flush(true); }

 private:
  ConsoleOutput output_;
};

}  // namespace

std::unique_ptr<otel::SpanExporter> make_console_exporter(ConsoleExporterOptions options) {
  return std::make_unique<ConsoleExporter>(options);
}

std::unique_ptr<otel::MetricExporter> make_console_metric_exporter(ConsoleExporterOptions options) {
  return std::make_unique<ConsoleMetricExporter>(options);
}

}  // namespace kafkatrace::exporters
