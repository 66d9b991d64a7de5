// OTLP/JSON encoding of ExportMetricsServiceRequest: lowerCamelCase keys, enums as integers,
// int64/fixed64 values (asInt, count, bucketCounts, *UnixNano) as decimal strings, doubles as
// numbers (NaN/±Infinity as strings), proto3 defaults omitted as in the protobuf encoder.
#include <variant>

#include "otlp_common/otlp_json_common.h"
#include "otlp_common/otlp_metrics_encoding.h"

namespace kafkatrace::exporters::otlp {
namespace {

void write_times(JsonWriter& json, std::uint64_t start, std::uint64_t time) {
  write_json_time(json, "startTimeUnixNano", start);
  write_json_time(json, "timeUnixNano", time);
}

void write_number_point(JsonWriter& json, const otel::NumberDataPoint& point) {
  json.begin_object();
  write_json_attributes(json, point.attributes);
  write_times(json, point.start_time_unix_nano, point.time_unix_nano);
  if (const double* value = std::get_if<double>(&point.value)) {
    json.key("asDouble");
    json.double_value(*value);
  } else {
    json.key("asInt");
    json.int64_string_value(std::get<std::int64_t>(point.value));
  }
  json.end_object();
}

void write_histogram_point(JsonWriter& json, const otel::HistogramDataPoint& point) {
  json.begin_object();
  write_json_attributes(json, point.attributes);
  write_times(json, point.start_time_unix_nano, point.time_unix_nano);
  if (point.count != 0) {
    json.key("count");
    json.uint64_string_value(point.count);
  }
  json.key("sum");
  json.double_value(point.sum);
  if (!point.bucket_counts.empty()) {
    json.key("bucketCounts");
    json.begin_array();
    for (const std::uint64_t count : point.bucket_counts) json.uint64_string_value(count);
    json.end_array();
  }
  if (!point.explicit_bounds.empty()) {
    json.key("explicitBounds");
    json.begin_array();
    for (const double bound : point.explicit_bounds) json.double_value(bound);
    json.end_array();
  }
  if (point.min) {
    json.key("min");
    json.double_value(*point.min);
  }
  if (point.max) {
    json.key("max");
    json.double_value(*point.max);
  }
  json.end_object();
}

void write_temporality(JsonWriter& json, otel::AggregationTemporality temporality) {
  json.key("aggregationTemporality");
  json.uint_value(static_cast<std::uint64_t>(temporality));
}

void write_metric(JsonWriter& json, const otel::MetricData& metric) {
  json.begin_object();
  write_json_string(json, "name", metric.name);
  write_json_string(json, "description", metric.description);
  write_json_string(json, "unit", metric.unit);
  const bool histogram = metric.type == otel::MetricData::Type::kHistogram;
  json.key(histogram                                       ? "histogram"
           : metric.type == otel::MetricData::Type::kGauge ? "gauge"
                                                           : "sum");
  json.begin_object();
  json.key("dataPoints");
  json.begin_array();
  if (histogram) {
    for (const auto& point : metric.histogram_points) write_histogram_point(json, point);
  } else {
    for (const auto& point : metric.number_points) write_number_point(json, point);
  }
  json.end_array();
  if (metric.type != otel::MetricData::Type::kGauge) write_temporality(json, metric.temporality);
  if (metric.type == otel::MetricData::Type::kSum && metric.is_monotonic) {
    json.key("isMonotonic");
    json.bool_value(true);
  }
  json.end_object();
  json.end_object();
}

}  // namespace

void encode_metrics_request(const otel::ResourceMetrics& metrics, JsonWriter& json) {
  json.begin_object();
  json.key("resourceMetrics");
  json.begin_array();
  json.begin_object();
  write_json_resource(json, metrics.resource.get());
  json.key("scopeMetrics");
  json.begin_array();
  for (const auto& scope_metrics : metrics.scope_metrics) {
    json.begin_object();
    write_json_scope(json, scope_metrics.scope.get());
    json.key("metrics");
    json.begin_array();
    for (const auto& metric : scope_metrics.metrics) write_metric(json, metric);
    json.end_array();
    if (scope_metrics.scope != nullptr)
      write_json_string(json, "schemaUrl", scope_metrics.scope->schema_url);
    json.end_object();
  }
  json.end_array();
  if (metrics.resource != nullptr)
    write_json_string(json, "schemaUrl", metrics.resource->schema_url());
  json.end_object();
  json.end_array();
  json.end_object();
}

}  // namespace kafkatrace::exporters::otlp
