// The OTLP/HTTP span and metric exporters: encode, then hand the body to the shared
// OtlpHttpClient (see kafkatrace/exporters/otlp_http.h).
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "otlp_common/otlp_metrics_encoding.h"
#include "otlp_http/otlp_http_client.h"

namespace kafkatrace::exporters {
namespace {

class OtlpHttpExporter final : public otel::SpanExporter {
 public:
  explicit OtlpHttpExporter(OtlpHttpExporterOptions options) : client_(std::move(options)) {}

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    const bool json = client_.options().encoding == OtlpHttpEncoding::kJson;
    return client_.export_body("spans", spans.size(), [&] {
      return json ? encoder_.encode_json(spans) : encoder_.encode_protobuf(spans);
    });
  }
  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    return client_.force_flush(timeout);
  }
  void begin_shutdown() noexcept override { client_.stop_retrying(); }
  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    return client_.shutdown(timeout);
  }

 private:
  otlp::OtlpHttpClient client_;
  OtlpTraceEncoder encoder_;
};

class OtlpHttpMetricExporter final : public otel::MetricExporter {
 public:
  explicit OtlpHttpMetricExporter(OtlpHttpMetricExporterOptions options)
      : temporality_(options.temporality), client_(std::move(options.http)) {}

  otel::ExportResult export_metrics(const otel::ResourceMetrics& metrics) noexcept override {
    const bool json = client_.options().encoding == OtlpHttpEncoding::kJson;
    return client_.export_body("metric points", otlp::count_data_points(metrics), [&] {
      return json ? encoder_.encode_json(metrics) : encoder_.encode_protobuf(metrics);
    });
  }
  otel::AggregationTemporality temporality(otel::InstrumentKind kind) const noexcept override {
    return otlp_temporality(temporality_, kind);
  }
  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    return client_.force_flush(timeout);
  }
  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    return client_.shutdown(timeout);
  }

 private:
  const OtlpTemporalityPreference temporality_;
  otlp::OtlpHttpClient client_;
  OtlpMetricsEncoder encoder_;
};

}  // namespace

std::unique_ptr<otel::SpanExporter> make_otlp_http_exporter(OtlpHttpExporterOptions options) {
  return std::make_unique<OtlpHttpExporter>(std::move(options));
}

std::unique_ptr<otel::MetricExporter> make_otlp_http_metric_exporter(
    OtlpHttpMetricExporterOptions options) {
  return std::make_unique<OtlpHttpMetricExporter>(std::move(options));
}

}  // namespace kafkatrace::exporters
