// OtlpMetricsEncoder and the temporality preference (kafkatrace/exporters/otlp_encoding.h).
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/log.h"
#include "otlp_common/environment.h"
#include "otlp_common/otlp_metrics_encoding.h"

namespace kafkatrace::exporters {

struct OtlpMetricsEncoder::Impl {
  otlp::ProtobufWriter protobuf;
  otlp::JsonWriter json;
};

OtlpMetricsEncoder::OtlpMetricsEncoder() : impl_(std::make_unique<Impl>()) {}
OtlpMetricsEncoder::~OtlpMetricsEncoder() = default;
OtlpMetricsEncoder::OtlpMetricsEncoder(OtlpMetricsEncoder&&) noexcept = default;
OtlpMetricsEncoder& OtlpMetricsEncoder::operator=(OtlpMetricsEncoder&&) noexcept = default;

std::string_view OtlpMetricsEncoder::encode_protobuf(const otel::ResourceMetrics& metrics) {
  impl_->protobuf.clear();
  otlp::encode_metrics_request(metrics, impl_->protobuf);
  return impl_->protobuf.view();
}

std::string_view OtlpMetricsEncoder::encode_json(const otel::ResourceMetrics& metrics) {
  impl_->json.clear();
  otlp::encode_metrics_request(metrics, impl_->json);
  return impl_->json.view();
}

std::string encode_otlp_metrics_protobuf(const otel::ResourceMetrics& metrics) {
  return std::string(OtlpMetricsEncoder().encode_protobuf(metrics));
}

std::string encode_otlp_metrics_json(const otel::ResourceMetrics& metrics) {
  return std::string(OtlpMetricsEncoder().encode_json(metrics));
}

otel::AggregationTemporality otlp_temporality(OtlpTemporalityPreference preference,
                                              otel::InstrumentKind kind) noexcept {
  using Kind = otel::InstrumentKind;
  bool delta = false;
  switch (preference) {
    case OtlpTemporalityPreference::kCumulative: break;
    case OtlpTemporalityPreference::kDelta:
      delta = kind != Kind::kUpDownCounter && kind != Kind::kObservableUpDownCounter;
      break;
    case OtlpTemporalityPreference::kLowMemory:
      delta = kind == Kind::kCounter || kind == Kind::kHistogram;
      break;
  }
  return delta ? otel::AggregationTemporality::kDelta : otel::AggregationTemporality::kCumulative;
}

OtlpTemporalityPreference otlp_temporality_preference_from_environment() {
  constexpr const char* kVariable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
  const auto value = otlp::env_value(kVariable);
  if (!value || otlp::iequals(*value, "cumulative")) return OtlpTemporalityPreference::kCumulative;
  if (otlp::iequals(*value, "delta")) return OtlpTemporalityPreference::kDelta;
  if (otlp::iequals(*value, "lowmemory") || otlp::iequals(*value, "low_memory")) {
    return OtlpTemporalityPreference::kLowMemory;
  }
  log(LogLevel::kWarning, "otlp",
      std::string(kVariable) + ": unsupported value (use cumulative, delta or lowmemory); " +
          "using cumulative");
  return OtlpTemporalityPreference::kCumulative;
}

}  // namespace kafkatrace::exporters
