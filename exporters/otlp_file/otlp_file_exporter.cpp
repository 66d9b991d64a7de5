#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "otlp_common/environment.h"
#include "otlp_common/rate_limited_log.h"

namespace kafkatrace::exporters {
namespace {

constexpr std::string_view kComponent = "otlp_file";

class OtlpFileExporter final : public otel::SpanExporter {
 public:
  explicit OtlpFileExporter(OtlpFileExporterOptions options) : options_(std::move(options)) {}
  ~OtlpFileExporter() override { close(); }

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    std::lock_guard lock(mutex_);
    if (shut_down_) return otel::ExportResult::kFailure;
    try {
      if (!open()) return otel::ExportResult::kFailure;
      const std::string_view line = encoder_.encode_json(spans);
      const bool written = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
                           std::fputc('\n', file_) != EOF && std::fflush(file_) == 0;
      if (!written) {
        const int error = errno;
        failures_.log(LogLevel::kError, "cannot write to " + options_.path + ": " +
                                            std::strerror(error) + "; " +
                                            std::to_string(spans.size()) + " spans dropped");
        close();  // reopened by the next export
        return otel::ExportResult::kFailure;
      }
      return otel::ExportResult::kSuccess;
    } catch (...) {
      failures_.log(LogLevel::kError, "export failed: out of memory");
      return otel::ExportResult::kFailure;
    }
  }

  bool force_flush(std::chrono::microseconds) noexcept override {
    std::lock_guard lock(mutex_);
    return file_ == nullptr || std::fflush(file_) == 0;
  }

  bool shutdown(std::chrono::microseconds) noexcept override {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    return close();
  }

 private:
  bool open() {
    if (file_ != nullptr) return true;
    file_ = std::fopen(options_.path.c_str(), "ab");
    if (file_ == nullptr) {
      const int error = errno;
      failures_.log(LogLevel::kError,
                    "cannot open " + options_.path + " for appending: " + std::strerror(error));
      return false;
    }
    return true;
  }
  bool close() noexcept {
    if (file_ == nullptr) return true;
    const bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

  const OtlpFileExporterOptions options_;
  otlp::RateLimitedLog failures_{std::string(kComponent)};
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool shut_down_ = false;
  OtlpTraceEncoder encoder_;
};

}  // namespace

OtlpFileExporterOptions OtlpFileExporterOptions::from_environment() {
  OtlpFileExporterOptions options;
  if (auto path = otlp::env_value(kPathVariable)) options.path = std::move(*path);
  return options;
}

std::unique_ptr<otel::SpanExporter> make_otlp_file_exporter(OtlpFileExporterOptions options) {
  return std::make_unique<OtlpFileExporter>(std::move(options));
}

}  // namespace kafkatrace::exporters
