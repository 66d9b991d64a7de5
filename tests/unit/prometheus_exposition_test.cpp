// Prometheus text exposition and OpenTelemetry→Prometheus name conversion, from the
// compatibility specification's rules.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/log.h"
#include "prometheus/prometheus_names.h"
#include "support/metric_fixtures.h"

namespace kafkatrace::exporters {
namespace {

using prometheus::convert_unit;
using prometheus::metric_family_name;
using prometheus::sanitize_label_name;
using prometheus::sanitize_metric_name;

otel::ResourceMetrics single(otel::MetricData metric) {
  otel::ResourceMetrics batch;
  otel::ScopeMetrics scope;
  scope.metrics.push_back(std::move(metric));
  batch.scope_metrics.push_back(std::move(scope));
  return batch;
}

TEST(PrometheusNames, Units) {
  EXPECT_EQ(convert_unit("s"), "seconds");
  EXPECT_EQ(convert_unit("ms"), "milliseconds");
  EXPECT_EQ(convert_unit("By"), "bytes");
  EXPECT_EQ(convert_unit("KiBy"), "kibibytes");
  EXPECT_EQ(convert_unit("1"), "ratio");
  EXPECT_EQ(convert_unit("%"), "percent");
  EXPECT_EQ(convert_unit("{message}"), "");
  EXPECT_EQ(convert_unit("By/s"), "bytes_per_second");
  EXPECT_EQ(convert_unit("{packet}/s"), "per_second");
  EXPECT_EQ(convert_unit("1/s"), "per_second");
  EXPECT_EQ(convert_unit("m/s"), "meters_per_second");
  EXPECT_EQ(convert_unit("messages"), "messages");
  EXPECT_EQ(convert_unit("By{compressed}"), "bytes");
  EXPECT_EQ(convert_unit(""), "");
}

TEST(PrometheusNames, Sanitising) {
  EXPECT_EQ(sanitize_metric_name("kafka.consumer.lag"), "kafka_consumer_lag");
  EXPECT_EQ(sanitize_metric_name("a..b--c"), "a_b_c");
  EXPECT_EQ(sanitize_metric_name("ns:metric"), "ns:metric");
  EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
  EXPECT_EQ(sanitize_label_name("ns:label"), "ns_label");
  EXPECT_EQ(sanitize_label_name("__reserved"), "_reserved");
  EXPECT_EQ(sanitize_label_name("http.request.method"), "http_request_method");
  EXPECT_EQ(sanitize_label_name("ünïcode"), "_n_code");
}

TEST(PrometheusNames, FamilyNames) {
  EXPECT_EQ(metric_family_name("messaging.client.operation.duration", "s", false),
            "messaging_client_operation_duration_seconds");
  EXPECT_EQ(metric_family_name("messaging.client.sent.messages", "{message}", true),
            "messaging_client_sent_messages_total");
  EXPECT_EQ(metric_family_name("requests_total", "{request}", true), "requests_total");
  EXPECT_EQ(metric_family_name("kafka.bytes", "By", true), "kafka_bytes_total");
  EXPECT_EQ(metric_family_name("wait_total", "s", true), "wait_seconds_total");
  EXPECT_EQ(metric_family_name("cpu.utilization", "1", false), "cpu_utilization_ratio");
  EXPECT_EQ(metric_family_name("seconds", "s", false), "seconds");
  EXPECT_EQ(metric_family_name("trailing.", "s", false), "trailing_seconds");
}

TEST(PrometheusExposition, SampleBatch) {
  const std::string expected =
      "# HELP target_info Target metadata\n"
      "# TYPE target_info gauge\n"
      "target_info{process_pid=\"4242\",service_name=\"orders\"} 1\n"
      "# HELP messaging_client_sent_messages_total Messages sent\n"
      "# TYPE messaging_client_sent_messages_total counter\n"
      "messaging_client_sent_messages_total{messaging_destination_name=\"orders\","
      "messaging_system=\"kafka\",otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} "
      "42\n"
      "# HELP messaging_client_operation_duration_seconds Duration of messaging operations\n"
      "# TYPE messaging_client_operation_duration_seconds histogram\n"
      "messaging_client_operation_duration_seconds_bucket{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\",le=\"0.005\"} 1\n"
      "messaging_client_operation_duration_seconds_bucket{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\",le=\"0.01\"} 3\n"
      "messaging_client_operation_duration_seconds_bucket{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\",le=\"0.1\"} 3\n"
      "messaging_client_operation_duration_seconds_bucket{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\",le=\"1\"} 4\n"
      "messaging_client_operation_duration_seconds_bucket{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\",le=\"+Inf\"} 4\n"
      "messaging_client_operation_duration_seconds_sum{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} 1.25\n"
      "messaging_client_operation_duration_seconds_count{messaging_operation_name=\"send\","
      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} 4\n"
      "# HELP app_queue_depth app.queue.depth\n"
      "# TYPE app_queue_depth gauge\n"
      "app_queue_depth{otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} 3.5\n"
      "# HELP app_buffer_used_bytes Bytes buffered\n"
      "# TYPE app_buffer_used_bytes gauge\n"
      "app_buffer_used_bytes{otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} -1024\n";
  EXPECT_EQ(format_prometheus_text(testing::sample_resource_metrics()), expected);
}

TEST(PrometheusExposition, OptionsDropScopeLabelsAndTargetInfo) {
  PrometheusExporterOptions options;
  options.scope_labels = false;
  options.target_info = false;
  const std::string text = format_prometheus_text(testing::sample_resource_metrics(), options);
  EXPECT_EQ(text.find("target_info"), std::string::npos);
  EXPECT_EQ(text.find("otel_scope"), std::string::npos);
  EXPECT_NE(text.find("\napp_queue_depth 3.5\n"), std::string::npos) << text;
}

TEST(PrometheusExposition, EscapingAndInvalidUtf8) {
  otel::MetricData metric = testing::sample_gauge();
  metric.description = "line one\nback\\slash \"quoted\"";
  metric.number_points[0].attributes = {{"path", std::string("C:\\dir\n\"x\"")},
                                        {"bad", std::string("a\xff"
                                                            "b")}};
  const std::string text = format_prometheus_text(single(metric));
  EXPECT_NE(text.find("# HELP app_queue_depth line one\\nback\\\\slash \"quoted\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("app_queue_depth{bad=\"a\xEF\xBF\xBD"
                      "b\",path=\"C:\\\\dir\\n\\\"x\\\"\"} "
                      "3.5\n"),
            std::string::npos)
      << text;
}

TEST(PrometheusExposition, AttributeValuesAndCollisions) {
  otel::MetricData metric = testing::sample_gauge();
  metric.number_points[0].attributes = {
      {"a_b", std::string("second")},
      {"a.b", std::string("first")},
      {"flag", true},
      {"count", std::int64_t{-7}},
      {"ratio", 0.25},
      {"list", std::vector<std::string>{"x", "y\""}},
  };
  const std::string text = format_prometheus_text(single(metric));
  EXPECT_NE(text.find("app_queue_depth{a_b=\"first;second\",count=\"-7\",flag=\"true\","
                      "list=\"[\\\"x\\\",\\\"y\\\\\\\"\\\"]\",ratio=\"0.25\"} 3.5\n"),
            std::string::npos)
      << text;
}

TEST(PrometheusExposition, SpecialValuesAndNegativeHistograms) {
  otel::MetricData gauge = testing::sample_gauge();
  gauge.number_points.push_back({{{"k", std::string("inf")}}, 0, 0, 1.0 / 0.0});
  gauge.number_points.push_back({{{"k", std::string("nan")}}, 0, 0, 0.0 / 0.0});
  otel::MetricData histogram = testing::sample_histogram();
  histogram.histogram_points[0].min = -3;
  histogram.histogram_points[0].sum = -1;
  otel::ResourceMetrics batch = single(gauge);
  batch.scope_metrics[0].metrics.push_back(histogram);
  const std::string text = format_prometheus_text(batch);
  EXPECT_NE(text.find("app_queue_depth{k=\"inf\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_queue_depth{k=\"nan\"} NaN\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("_sum"), std::string::npos) << text;  // not monotonic: no _sum
  EXPECT_NE(text.find("messaging_client_operation_duration_seconds_count{"), std::string::npos);
}

class PrometheusDropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_log_handler([this](LogLevel, std::string_view component, std::string_view message) {
      std::lock_guard lock(mutex_);
      if (component == "prometheus") messages_.emplace_back(message);
    });
  }
  void TearDown() override { set_log_handler(nullptr); }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

TEST_F(PrometheusDropTest, DeltaAndConflictingTypesAreDropped) {
  otel::MetricData delta = testing::sample_counter();
  delta.temporality = otel::AggregationTemporality::kDelta;
  otel::MetricData gauge = testing::sample_gauge();
  otel::MetricData clash = testing::sample_counter();  // same family name, other type
  clash.name = "app.queue.depth";
  clash.type = otel::MetricData::Type::kHistogram;
  clash.unit = "{message}";
  clash.number_points.clear();
  clash.histogram_points = testing::sample_histogram().histogram_points;
  otel::ResourceMetrics batch = single(delta);
  batch.scope_metrics[0].metrics.push_back(gauge);
  batch.scope_metrics[0].metrics.push_back(clash);
  const std::string text = format_prometheus_text(batch);
  EXPECT_EQ(text.find("messaging_client_sent_messages"), std::string::npos) << text;
  EXPECT_EQ(text.find("_bucket"), std::string::npos) << text;
  EXPECT_EQ(text.find("# TYPE app_queue_depth gauge\n"), text.rfind("# TYPE"));
  // Rate-limited: at least the first drop is reported.
  ASSERT_FALSE(messages().empty());
  EXPECT_NE(messages()[0].find("messaging.client.sent.messages"), std::string::npos);
}

TEST(PrometheusExposition, SameFamilyFromTwoScopesIsMerged) {
  otel::ResourceMetrics batch = testing::sample_resource_metrics();
  otel::ScopeMetrics other;
  other.scope = std::make_shared<const otel::InstrumentationScope>(
      otel::InstrumentationScope{"other", "", ""});
  other.metrics.push_back(testing::sample_gauge());
  batch.scope_metrics.push_back(other);
  const std::string text = format_prometheus_text(batch);
  const auto type_line = text.find("# TYPE app_queue_depth gauge\n");
  ASSERT_NE(type_line, std::string::npos);
  EXPECT_EQ(text.find("# TYPE app_queue_depth", type_line + 1), std::string::npos);
  const auto second = text.find("app_queue_depth{otel_scope_name=\"other\"} 3.5\n");
  ASSERT_NE(second, std::string::npos) << text;
  // Both samples sit together under the one TYPE line.
  EXPECT_LT(text.find("app_queue_depth{otel_scope_name=\"kafkatrace\""), second);
  EXPECT_EQ(text.find("# ", type_line + 1), text.find("# HELP app_buffer_used_bytes"));
}

}  // namespace
}  // namespace kafkatrace::exporters
