// The two OTLP metrics encoders behind OtlpMetricsEncoder (see kafkatrace/exporters/
// otlp_encoding.h): both append one ExportMetricsServiceRequest for a ResourceMetrics to their
// writer. Field numbers below were checked against opentelemetry-proto's metrics/v1/
// metrics.proto and collector/metrics/v1/metrics_service.proto (and the generated decoders in
// @opentelemetry/otlp-transformer 0.52).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kafkatrace/otel/metric_data.h"
#include "otlp_common/json_writer.h"
#include "otlp_common/protobuf_writer.h"

namespace kafkatrace::exporters::otlp {

inline constexpr std::uint32_t kExportMetricsResourceMetrics = 1;
inline constexpr std::uint32_t kResourceMetricsResource = 1;
inline constexpr std::uint32_t kResourceMetricsScopeMetrics = 2;
inline constexpr std::uint32_t kResourceMetricsSchemaUrl = 3;
inline constexpr std::uint32_t kScopeMetricsScope = 1;
inline constexpr std::uint32_t kScopeMetricsMetrics = 2;
inline constexpr std::uint32_t kScopeMetricsSchemaUrl = 3;
inline constexpr std::uint32_t kMetricName = 1;
inline constexpr std::uint32_t kMetricDescription = 2;
inline constexpr std::uint32_t kMetricUnit = 3;
inline constexpr std::uint32_t kMetricGauge = 5;
inline constexpr std::uint32_t kMetricSum = 7;
inline constexpr std::uint32_t kMetricHistogram = 9;
inline constexpr std::uint32_t kGaugeDataPoints = 1;
inline constexpr std::uint32_t kSumDataPoints = 1;
inline constexpr std::uint32_t kSumAggregationTemporality = 2;
inline constexpr std::uint32_t kSumIsMonotonic = 3;
inline constexpr std::uint32_t kHistogramDataPoints = 1;
inline constexpr std::uint32_t kHistogramAggregationTemporality = 2;
inline constexpr std::uint32_t kNumberPointStartTime = 2;  // fixed64
inline constexpr std::uint32_t kNumberPointTime = 3;       // fixed64
inline constexpr std::uint32_t kNumberPointAsDouble = 4;   // double
inline constexpr std::uint32_t kNumberPointAsInt = 6;      // sfixed64
inline constexpr std::uint32_t kNumberPointAttributes = 7;
inline constexpr std::uint32_t kHistogramPointStartTime = 2;       // fixed64
inline constexpr std::uint32_t kHistogramPointTime = 3;            // fixed64
inline constexpr std::uint32_t kHistogramPointCount = 4;           // fixed64
inline constexpr std::uint32_t kHistogramPointSum = 5;             // optional double
inline constexpr std::uint32_t kHistogramPointBucketCounts = 6;    // packed fixed64
inline constexpr std::uint32_t kHistogramPointExplicitBounds = 7;  // packed double
inline constexpr std::uint32_t kHistogramPointAttributes = 9;
inline constexpr std::uint32_t kHistogramPointMin = 11;  // optional double
inline constexpr std::uint32_t kHistogramPointMax = 12;  // optional double

void encode_metrics_request(const otel::ResourceMetrics& metrics, ProtobufWriter& writer);
void encode_metrics_request(const otel::ResourceMetrics& metrics, JsonWriter& writer);

// Number and histogram points in the batch (for log messages).
std::size_t count_data_points(const otel::ResourceMetrics& metrics) noexcept;

}  // namespace kafkatrace::exporters::otlp
