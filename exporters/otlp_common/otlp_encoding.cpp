#include "kafkatrace/exporters/otlp_encoding.h"

#include "otlp_common/otlp_trace_proto.h"

namespace kafkatrace::exporters {

struct OtlpTraceEncoder::Impl {
  otlp::SpanGrouping grouping;
  otlp::ProtobufWriter protobuf;
  otlp::SharedAttributeCache shared_attributes;
  otlp::JsonWriter json;
};

OtlpTraceEncoder::OtlpTraceEncoder() : impl_(std::make_unique<Impl>()) {}
OtlpTraceEncoder::~OtlpTraceEncoder() = default;
OtlpTraceEncoder::OtlpTraceEncoder(OtlpTraceEncoder&&) noexcept = default;
OtlpTraceEncoder& OtlpTraceEncoder::operator=(OtlpTraceEncoder&&) noexcept = default;

std::string_view OtlpTraceEncoder::encode_protobuf(
    std::span<const std::unique_ptr<otel::SpanData>> spans) {
  impl_->grouping.build(spans);
  impl_->protobuf.clear();
  otlp::encode_trace_request(impl_->grouping, impl_->protobuf, impl_->shared_attributes);
  return impl_->protobuf.view();
}

std::string_view OtlpTraceEncoder::encode_json(
    std::span<const std::unique_ptr<otel::SpanData>> spans) {
  impl_->grouping.build(spans);
  impl_->json.clear();
  otlp::encode_trace_request(impl_->grouping, impl_->json);
  return impl_->json.view();
}

std::string encode_otlp_trace_protobuf(std::span<const std::unique_ptr<otel::SpanData>> spans) {
  return std::string(OtlpTraceEncoder().encode_protobuf(spans));
}

std::string encode_otlp_trace_json(std::span<const std::unique_ptr<otel::SpanData>> spans) {
  return std::string(OtlpTraceEncoder().encode_json(spans));
}

}  // namespace kafkatrace::exporters
