// The OTLP file span and metric exporters (see kafkatrace/exporters/otlp_file.h).
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "otlp_common/environment.h"
#include "otlp_common/otlp_metrics_encoding.h"
#include "otlp_file/json_lines_file.h"

namespace kafkatrace::exporters {
namespace {

otel::ExportResult to_result(bool ok) noexcept {
  return ok ? otel::ExportResult::kSuccess : otel::ExportResult::kFailure;
}

class OtlpFileExporter final : public otel::SpanExporter {
 public:
  explicit OtlpFileExporter(OtlpFileExporterOptions options) : file_(std::move(options.path)) {}

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    return to_result(file_.append([&] { return encoder_.encode_json(spans); },
                                  std::to_string(spans.size()) + " spans"));
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return file_.flush(); }
  bool shutdown(std::chrono::microseconds) noexcept override { return file_.close(); }

 private:
  otlp::JsonLinesFile file_;
  OtlpTraceEncoder encoder_;  // used only under file_'s lock
};

class OtlpFileMetricExporter final : public otel::MetricExporter {
 public:
  explicit OtlpFileMetricExporter(OtlpFileMetricExporterOptions options)
      : temporality_(options.temporality), file_(std::move(options.path)) {}

  otel::ExportResult export_metrics(const otel::ResourceMetrics& metrics) noexcept override {
    return to_result(
        file_.append([&] { return encoder_.encode_json(metrics); },
                     std::to_string(otlp::count_data_points(metrics)) + " metric points"));
  }
  otel::AggregationTemporality temporality(otel::InstrumentKind kind) const noexcept override {
    return otlp_temporality(temporality_, kind);
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return file_.flush(); }
  bool shutdown(std::chrono::microseconds) noexcept override { return file_.close(); }

 private:
  const OtlpTemporalityPreference temporality_;
  otlp::JsonLinesFile file_;
  OtlpMetricsEncoder encoder_;  // used only under file_'s lock
};

}  // namespace

OtlpFileExporterOptions OtlpFileExporterOptions::from_environment() {
  OtlpFileExporterOptions options;
  if (auto path = otlp::env_value(kPathVariable)) options.path = std::move(*path);
  return options;
}

OtlpFileMetricExporterOptions OtlpFileMetricExporterOptions::from_environment() {
  OtlpFileMetricExporterOptions options;
  if (auto path = otlp::env_value(kPathVariable)) options.path = std::move(*path);
  options.temporality = otlp_temporality_preference_from_environment();
  return options;
}

std::unique_ptr<otel::SpanExporter> make_otlp_file_exporter(OtlpFileExporterOptions options) {
  return std::make_unique<OtlpFileExporter>(std::move(options));
}

std::unique_ptr<otel::MetricExporter> make_otlp_file_metric_exporter(
    OtlpFileMetricExporterOptions options) {
  return std::make_unique<OtlpFileMetricExporter>(std::move(options));
}

}  // namespace kafkatrace::exporters
