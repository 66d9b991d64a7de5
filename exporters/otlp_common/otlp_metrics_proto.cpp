// Binary protobuf encoding of ExportMetricsServiceRequest: canonical (fields in number order,
// proto3 defaults omitted except oneof members and explicit-presence fields).
#include <cstring>
#include <variant>

#include "otlp_common/otlp_metrics_encoding.h"
#include "otlp_common/otlp_proto_common.h"

namespace kafkatrace::exporters::otlp {
namespace {

void write_nonzero_fixed64(ProtobufWriter& writer, std::uint32_t field, std::uint64_t value) {
  if (value != 0) writer.write_fixed64(field, value);
}

// A packed repeated fixed64/double field: tag, byte length, then 8 little-endian bytes each.
template <typename T>
void write_packed_64(ProtobufWriter& writer, std::uint32_t field, const std::vector<T>& values) {
  static_assert(sizeof(T) == 8);
  if (values.empty()) return;
  writer.write_tag(field, WireType::kLengthDelimited);
  writer.write_raw_varint(values.size() * 8);
  for (const T& value : values) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(bits));
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
    writer.write_raw(std::string_view(bytes, sizeof(bytes)));
  }
}

void write_number_point(ProtobufWriter& writer, std::uint32_t field,
                        const otel::NumberDataPoint& point) {
  auto message = writer.begin_nested(field, 1);
  write_nonzero_fixed64(writer, kNumberPointStartTime, point.start_time_unix_nano);
  write_nonzero_fixed64(writer, kNumberPointTime, point.time_unix_nano);
  if (const double* value = std::get_if<double>(&point.value)) {
    writer.write_double(kNumberPointAsDouble, *value);
  } else {
    writer.write_fixed64(kNumberPointAsInt,
                         static_cast<std::uint64_t>(std::get<std::int64_t>(point.value)));
  }
  write_key_values(writer, kNumberPointAttributes, point.attributes);
  writer.end_nested(message);
}

void write_histogram_point(ProtobufWriter& writer, std::uint32_t field,
                           const otel::HistogramDataPoint& point) {
  auto message = writer.begin_nested(field, point.explicit_bounds.size() < 6 ? 1 : 2);
  write_nonzero_fixed64(writer, kHistogramPointStartTime, point.start_time_unix_nano);
  write_nonzero_fixed64(writer, kHistogramPointTime, point.time_unix_nano);
  write_nonzero_fixed64(writer, kHistogramPointCount, point.count);
  writer.write_double(kHistogramPointSum, point.sum);  // `optional`: present even when 0
  write_packed_64(writer, kHistogramPointBucketCounts, point.bucket_counts);
  write_packed_64(writer, kHistogramPointExplicitBounds, point.explicit_bounds);
  write_key_values(writer, kHistogramPointAttributes, point.attributes);
  if (point.min) writer.write_double(kHistogramPointMin, *point.min);
  if (point.max) writer.write_double(kHistogramPointMax, *point.max);
  writer.end_nested(message);
}

void write_metric(ProtobufWriter& writer, const otel::MetricData& metric) {
  auto message = writer.begin_nested(kScopeMetricsMetrics, 2);
  if (!metric.name.empty()) writer.write_string(kMetricName, metric.name);
  if (!metric.description.empty()) writer.write_string(kMetricDescription, metric.description);
  if (!metric.unit.empty()) writer.write_string(kMetricUnit, metric.unit);
  switch (metric.type) {
    case otel::MetricData::Type::kGauge: {
      auto gauge = writer.begin_nested(kMetricGauge, 2);
      for (const auto& point : metric.number_points)
        write_number_point(writer, kGaugeDataPoints, point);
      writer.end_nested(gauge);
      break;
    }
    case otel::MetricData::Type::kSum: {
      auto sum = writer.begin_nested(kMetricSum, 2);
      for (const auto& point : metric.number_points)
        write_number_point(writer, kSumDataPoints, point);
      writer.write_varint(kSumAggregationTemporality,
                          static_cast<std::uint64_t>(metric.temporality));
      if (metric.is_monotonic) writer.write_bool(kSumIsMonotonic, true);
      writer.end_nested(sum);
      break;
    }
    case otel::MetricData::Type::kHistogram: {
      auto histogram = writer.begin_nested(kMetricHistogram, 2);
      for (const auto& point : metric.histogram_points)
        write_histogram_point(writer, kHistogramDataPoints, point);
      writer.write_varint(kHistogramAggregationTemporality,
                          static_cast<std::uint64_t>(metric.temporality));
      writer.end_nested(histogram);
      break;
    }
  }
  writer.end_nested(message);
}

}  // namespace

void encode_metrics_request(const otel::ResourceMetrics& metrics, ProtobufWriter& writer) {
  auto resource_metrics = writer.begin_nested(kExportMetricsResourceMetrics, 3);
  write_resource(writer, kResourceMetricsResource, metrics.resource.get());
  for (const auto& scope_metrics : metrics.scope_metrics) {
    auto scope = writer.begin_nested(kResourceMetricsScopeMetrics, 3);
    write_scope(writer, kScopeMetricsScope, scope_metrics.scope.get());
    for (const auto& metric : scope_metrics.metrics) write_metric(writer, metric);
    if (scope_metrics.scope != nullptr && !scope_metrics.scope->schema_url.empty()) {
      writer.write_string(kScopeMetricsSchemaUrl, scope_metrics.scope->schema_url);
    }
    writer.end_nested(scope);
  }
  if (metrics.resource != nullptr && !metrics.resource->schema_url().empty()) {
    writer.write_string(kResourceMetricsSchemaUrl, metrics.resource->schema_url());
  }
  writer.end_nested(resource_metrics);
}

std::size_t count_data_points(const otel::ResourceMetrics& metrics) noexcept {
  std::size_t count = 0;
  for (const auto& scope : metrics.scope_metrics)
    for (const auto& metric : scope.metrics)
      count += metric.number_points.size() + metric.histogram_points.size();
  return count;
}

}  // namespace kafkatrace::exporters::otlp
