// OTLP metrics encoding, checked field by field with the independent test decoder against the
// field numbers and wire types of opentelemetry-proto metrics.proto.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "support/json_value.h"
#include "support/metric_fixtures.h"
#include "support/protobuf_decoder.h"

namespace kafkatrace::exporters {
namespace {

using testing::ProtoMessage;

constexpr std::uint32_t kFixed64 = 1;
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kLengthDelimited = 2;

bool ascending(const ProtoMessage& message) {
  const auto numbers = message.numbers();
  return std::is_sorted(numbers.begin(), numbers.end());
}

std::vector<std::uint64_t> unpack_fixed64(std::string_view bytes) {
  std::vector<std::uint64_t> values;
  EXPECT_EQ(bytes.size() % 8, 0u);
  for (std::size_t i = 0; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t value = 0;
    for (int b = 0; b < 8; ++b)
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i + b])) << (8 * b);
    values.push_back(value);
  }
  return values;
}

double as_double(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// The Metric messages of the first ScopeMetrics.
std::vector<ProtoMessage> metrics_of(std::string_view body) {
  ProtoMessage request(body);
  EXPECT_EQ(request.count(1), 1u);  // ExportMetricsServiceRequest.resource_metrics
  const ProtoMessage resource_metrics = request.message(1);
  EXPECT_TRUE(ascending(resource_metrics));
  return resource_metrics.message(2).messages(2);  // scope_metrics, metrics
}

TEST(OtlpMetricsEncoding, ResourceAndScope) {
  const std::string body = encode_otlp_metrics_protobuf(testing::sample_resource_metrics());
  const ProtoMessage resource_metrics = ProtoMessage(body).message(1);
  const ProtoMessage resource = resource_metrics.message(1);
  ASSERT_EQ(resource.count(1), 2u);  // Resource.attributes
  EXPECT_EQ(resource.messages(1)[0].get(1).str(), "service.name");
  EXPECT_EQ(resource_metrics.get(3).str(), "https://opentelemetry.io/schemas/1.24.0");
  const ProtoMessage scope_metrics = resource_metrics.message(2);
  EXPECT_EQ(scope_metrics.message(1).get(1).str(), "kafkatrace");  // scope.name
  EXPECT_EQ(scope_metrics.message(1).get(2).str(), "0.1.0");       // scope.version
  EXPECT_EQ(scope_metrics.count(2), 4u);
  EXPECT_FALSE(scope_metrics.has(3));  // no schema_url on the scope
}

TEST(OtlpMetricsEncoding, MonotonicSumWithIntPoint) {
  const std::string body = encode_otlp_metrics_protobuf(testing::sample_resource_metrics());
  const auto metrics = metrics_of(body);  // views into `body`
  const ProtoMessage& metric = metrics[0];
  EXPECT_EQ(metric.numbers(), (std::vector<std::uint32_t>{1, 2, 3, 7}));
  EXPECT_EQ(metric.get(1).str(), "messaging.client.sent.messages");
  EXPECT_EQ(metric.get(2).str(), "Messages sent");
  EXPECT_EQ(metric.get(3).str(), "{message}");
  const ProtoMessage sum = metric.message(7);
  EXPECT_EQ(sum.numbers(), (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(sum.get(2).scalar, 2u);  // AGGREGATION_TEMPORALITY_CUMULATIVE
  EXPECT_EQ(sum.get(3).wire_type, kVarint);
  EXPECT_EQ(sum.get(3).scalar, 1u);  // is_monotonic
  const ProtoMessage point = sum.message(1);
  EXPECT_EQ(point.numbers(), (std::vector<std::uint32_t>{2, 3, 6, 7, 7}));
  EXPECT_EQ(point.get(2).wire_type, kFixed64);
  EXPECT_EQ(point.get(2).scalar, testing::kMetricStart);
  EXPECT_EQ(point.get(3).scalar, testing::kMetricTime);
  EXPECT_EQ(point.get(6).wire_type, kFixed64);  // as_int is sfixed64
  EXPECT_EQ(point.get(6).as_int64(), 42);
  const auto attributes = point.messages(7);
  EXPECT_EQ(attributes[0].get(1).str(), "messaging.system");
  EXPECT_EQ(attributes[0].message(2).get(1).str(), "kafka");
}

TEST(OtlpMetricsEncoding, Histogram) {
  const std::string body = encode_otlp_metrics_protobuf(testing::sample_resource_metrics());
  const auto metrics = metrics_of(body);  // views into `body`
  const ProtoMessage& metric = metrics[1];
  EXPECT_EQ(metric.numbers(), (std::vector<std::uint32_t>{1, 2, 3, 9}));
  const ProtoMessage histogram = metric.message(9);
  EXPECT_EQ(histogram.numbers(), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(histogram.get(2).scalar, 2u);
  const ProtoMessage point = histogram.message(1);
  EXPECT_EQ(point.numbers(), (std::vector<std::uint32_t>{2, 3, 4, 5, 6, 7, 9, 11, 12}));
  EXPECT_EQ(point.get(4).wire_type, kFixed64);
  EXPECT_EQ(point.get(4).scalar, 4u);
  EXPECT_EQ(point.get(5).as_double(), 1.25);
  EXPECT_EQ(point.get(6).wire_type, kLengthDelimited);  // packed
  EXPECT_EQ(unpack_fixed64(point.get(6).bytes), (std::vector<std::uint64_t>{1, 2, 0, 1, 0}));
  std::vector<double> bounds;
  for (auto bits : unpack_fixed64(point.get(7).bytes)) bounds.push_back(as_double(bits));
  EXPECT_EQ(bounds, (std::vector<double>{0.005, 0.01, 0.1, 1}));
  EXPECT_EQ(point.message(9).get(1).str(), "messaging.operation.name");
  EXPECT_EQ(point.get(11).as_double(), 0.001);
  EXPECT_EQ(point.get(12).as_double(), 0.9);
}

TEST(OtlpMetricsEncoding, GaugeAndNonMonotonicSum) {
  const std::string body = encode_otlp_metrics_protobuf(testing::sample_resource_metrics());
  const auto metrics = metrics_of(body);  // views into `body`
  const ProtoMessage& gauge = metrics[2];
  EXPECT_EQ(gauge.numbers(), (std::vector<std::uint32_t>{1, 3, 5}));  // no description
  const ProtoMessage point = gauge.message(5).message(1);
  EXPECT_EQ(point.numbers(), (std::vector<std::uint32_t>{3, 4}));  // no start time, as_double
  EXPECT_EQ(point.get(4).as_double(), 3.5);
  const ProtoMessage sum = metrics[3].message(7);
  EXPECT_EQ(sum.numbers(), (std::vector<std::uint32_t>{1, 2}));  // is_monotonic false: omitted
  EXPECT_EQ(sum.message(1).get(6).as_int64(), -1024);
}

TEST(OtlpMetricsEncoding, ZeroValuesAndDeltaAreWritten) {
  otel::ResourceMetrics batch;
  otel::ScopeMetrics scope;
  otel::MetricData metric = testing::sample_counter();
  metric.temporality = otel::AggregationTemporality::kDelta;
  metric.number_points[0].value = 0.0;
  otel::MetricData empty_histogram = testing::sample_histogram();
  empty_histogram.histogram_points[0] = otel::HistogramDataPoint{};
  scope.metrics = {metric, empty_histogram};
  batch.scope_metrics.push_back(scope);
  const std::string body = encode_otlp_metrics_protobuf(batch);
  const auto metrics = metrics_of(body);
  const ProtoMessage sum = metrics[0].message(7);
  EXPECT_EQ(sum.get(2).scalar, 1u);    // DELTA
  EXPECT_TRUE(sum.message(1).has(4));  // oneof member present even when 0.0
  const ProtoMessage point = metrics[1].message(9).message(1);
  EXPECT_EQ(point.numbers(), (std::vector<std::uint32_t>{5}));  // only the optional sum
  EXPECT_FALSE(ProtoMessage(body).message(1).has(1));           // no resource
}

TEST(OtlpMetricsEncoding, Json) {
  const std::string text = encode_otlp_metrics_json(testing::sample_resource_metrics());
  const auto json = testing::JsonValue::parse(text);
  const auto& resource_metrics = json["resourceMetrics"][0];
  EXPECT_EQ(resource_metrics["resource"]["attributes"][1]["value"]["intValue"].text, "4242");
  const auto& scope = resource_metrics["scopeMetrics"][0];
  EXPECT_EQ(scope["scope"]["name"].text, "kafkatrace");
  const auto& counter = scope["metrics"][0];
  EXPECT_EQ(counter["unit"].text, "{message}");
  EXPECT_EQ(counter["sum"]["aggregationTemporality"].text, "2");
  EXPECT_TRUE(counter["sum"]["isMonotonic"].boolean);
  const auto& point = counter["sum"]["dataPoints"][0];
  EXPECT_EQ(point["asInt"].kind, testing::JsonValue::Kind::kString);
  EXPECT_EQ(point["asInt"].text, "42");
  EXPECT_EQ(point["startTimeUnixNano"].text, "1700000000000000000");
  const auto& histogram = scope["metrics"][1]["histogram"]["dataPoints"][0];
  EXPECT_EQ(histogram["count"].text, "4");
  EXPECT_EQ(histogram["bucketCounts"][1].text, "2");
  EXPECT_EQ(histogram["bucketCounts"][1].kind, testing::JsonValue::Kind::kString);
  EXPECT_EQ(histogram["explicitBounds"][0].text, "0.005");
  EXPECT_EQ(histogram["min"].text, "0.001");
  const auto& gauge = scope["metrics"][2]["gauge"];
  EXPECT_FALSE(gauge.has("aggregationTemporality"));
  EXPECT_EQ(gauge["dataPoints"][0]["asDouble"].text, "3.5");
  EXPECT_FALSE(scope["metrics"][3]["sum"].has("isMonotonic"));
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(OtlpMetricsEncoding, WarmEncoderReusesItsBuffer) {
  OtlpMetricsEncoder encoder;
  const auto batch = testing::sample_resource_metrics();
  const std::string first(encoder.encode_protobuf(batch));
  EXPECT_EQ(encoder.encode_protobuf(batch), first);
  EXPECT_EQ(encoder.encode_json(batch), encode_otlp_metrics_json(batch));
}

TEST(OtlpTemporality, PreferenceMapping) {
  using Kind = otel::InstrumentKind;
  using P = OtlpTemporalityPreference;
  constexpr auto kDelta = otel::AggregationTemporality::kDelta;
  constexpr auto kCumulative = otel::AggregationTemporality::kCumulative;
  for (Kind kind :
       {Kind::kCounter, Kind::kUpDownCounter, Kind::kHistogram, Kind::kGauge,
        Kind::kObservableCounter, Kind::kObservableUpDownCounter, Kind::kObservableGauge}) {
    EXPECT_EQ(otlp_temporality(P::kCumulative, kind), kCumulative);
  }
  EXPECT_EQ(otlp_temporality(P::kDelta, Kind::kCounter), kDelta);
  EXPECT_EQ(otlp_temporality(P::kDelta, Kind::kObservableCounter), kDelta);
  EXPECT_EQ(otlp_temporality(P::kDelta, Kind::kHistogram), kDelta);
  EXPECT_EQ(otlp_temporality(P::kDelta, Kind::kUpDownCounter), kCumulative);
  EXPECT_EQ(otlp_temporality(P::kDelta, Kind::kObservableUpDownCounter), kCumulative);
  EXPECT_EQ(otlp_temporality(P::kLowMemory, Kind::kCounter), kDelta);
  EXPECT_EQ(otlp_temporality(P::kLowMemory, Kind::kHistogram), kDelta);
  EXPECT_EQ(otlp_temporality(P::kLowMemory, Kind::kObservableCounter), kCumulative);
  EXPECT_EQ(otlp_temporality(P::kLowMemory, Kind::kUpDownCounter), kCumulative);
}

TEST(OtlpTemporality, FromEnvironment) {
  constexpr const char* kVariable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
  ::unsetenv(kVariable);
  EXPECT_EQ(otlp_temporality_preference_from_environment(), OtlpTemporalityPreference::kCumulative);
  ::setenv(kVariable, "Delta", 1);
  EXPECT_EQ(otlp_temporality_preference_from_environment(), OtlpTemporalityPreference::kDelta);
  ::setenv(kVariable, " LOWMEMORY ", 1);
  EXPECT_EQ(otlp_temporality_preference_from_environment(), OtlpTemporalityPreference::kLowMemory);
  ::setenv(kVariable, "sometimes", 1);
  EXPECT_EQ(otlp_temporality_preference_from_environment(), OtlpTemporalityPreference::kCumulative);
  ::unsetenv(kVariable);
}

}  // namespace
}  // namespace kafkatrace::exporters
