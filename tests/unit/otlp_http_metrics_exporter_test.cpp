// The push metric exporters (OTLP/HTTP, OTLP file, console) and the metrics half of the
// environment set-up.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kafkatrace/exporters/console.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/otel/setup.h"
#include "support/http_test_server.h"
#include "support/json_value.h"
#include "support/metric_fixtures.h"
#include "support/protobuf_decoder.h"

namespace kafkatrace::exporters {
namespace {

using std::chrono::milliseconds;

constexpr const char* kVariables[] = {
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_METRICS_EXPORTER",
    "KAFKATRACE_OTLP_FILE_METRICS_PATH",
    "OTEL_EXPORTER_PROMETHEUS_PORT",
    "OTEL_METRIC_EXPORT_INTERVAL",
};

class MetricExportersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) ::unsetenv(name);
  }
  void TearDown() override {
    for (const char* name : kVariables) ::unsetenv(name);
    std::filesystem::remove(path_);
  }
  OtlpHttpMetricExporterOptions options() {
    OtlpHttpMetricExporterOptions options;
    options.http.endpoint = server_.url("/v1/metrics");
    options.http.timeout = milliseconds(5000);
    options.http.retry.initial_backoff = milliseconds(10);
    options.http.retry.max_backoff = milliseconds(20);
    return options;
  }
  std::string read_file() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  testing::HttpTestServer server_;
  const otel::ResourceMetrics batch_ = testing::sample_resource_metrics();
  const std::string path_ = (std::filesystem::temp_directory_path() /
                             ("kt-metrics-" + std::to_string(::getpid()) + ".jsonl"))
                                .string();
};

std::string metric_name(std::string_view body, std::size_t index) {
  testing::ProtoMessage request(body);
  return request.message(1).message(2).messages(2).at(index).get(1).str();
}

TEST_F(MetricExportersTest, OtlpHttpPostsProtobufToV1Metrics) {
  auto exporter = make_otlp_http_metric_exporter(options());
  ASSERT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kSuccess);
  ASSERT_EQ(server_.request_count(), 1u);
  const auto request = server_.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/metrics");
  EXPECT_EQ(request.header("content-type"), "application/x-protobuf");
  EXPECT_EQ(request.body, encode_otlp_metrics_protobuf(batch_));
  EXPECT_EQ(metric_name(request.body, 1), "messaging.client.operation.duration");
  EXPECT_EQ(exporter->temporality(otel::InstrumentKind::kCounter),
            otel::AggregationTemporality::kCumulative);
  EXPECT_TRUE(exporter->force_flush(milliseconds(100)));
  EXPECT_TRUE(exporter->shutdown(milliseconds(100)));
  EXPECT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kFailure);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(MetricExportersTest, OtlpHttpRetriesAndJson) {
  auto opts = options();
  opts.http.encoding = OtlpHttpEncoding::kJson;
  opts.temporality = OtlpTemporalityPreference::kDelta;
  testing::ScriptedResponse unavailable;
  unavailable.status = 503;
  server_.push_response(unavailable);
  auto exporter = make_otlp_http_metric_exporter(opts);
  ASSERT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kSuccess);
  ASSERT_EQ(server_.request_count(), 2u);
  const auto request = server_.requests()[1];
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.body, encode_otlp_metrics_json(batch_));
  EXPECT_EQ(exporter->temporality(otel::InstrumentKind::kCounter),
            otel::AggregationTemporality::kDelta);
  EXPECT_EQ(exporter->temporality(otel::InstrumentKind::kUpDownCounter),
            otel::AggregationTemporality::kCumulative);
}

TEST_F(MetricExportersTest, OtlpHttpOptionsFromEnvironment) {
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/", 1);
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces-only:1/v1/traces", 1);
  ::setenv("OTEL_EXPORTER_OTLP_HEADERS", "generic=1", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "x-key=a%20b", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "2500", 1);
  ::setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "lowmemory", 1);
  auto options = OtlpHttpMetricExporterOptions::from_environment();
  EXPECT_EQ(options.http.endpoint, "http://collector:4318/v1/metrics");
  ASSERT_EQ(options.http.headers.size(), 1u);
  EXPECT_EQ(options.http.headers[0], (std::pair<std::string, std::string>{"x-key", "a b"}));
  EXPECT_EQ(options.http.timeout, milliseconds(2500));
  EXPECT_EQ(options.http.compression, OtlpCompression::kGzip);
  EXPECT_EQ(options.temporality, OtlpTemporalityPreference::kLowMemory);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://metrics:9/custom", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "none", 1);
  options = OtlpHttpMetricExporterOptions::from_environment();
  EXPECT_EQ(options.http.endpoint, "http://metrics:9/custom");  // used as-is
  EXPECT_EQ(options.http.compression, OtlpCompression::kNone);
  EXPECT_EQ(OtlpHttpExporterOptions::from_environment().endpoint, "http://traces-only:1/v1/traces");
}

TEST_F(MetricExportersTest, OtlpFileAppendsOneJsonLinePerExport) {
  auto exporter = make_otlp_file_metric_exporter({.path = path_});
  ASSERT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kSuccess);
  ASSERT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kSuccess);
  EXPECT_TRUE(exporter->shutdown(milliseconds(100)));
  EXPECT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kFailure);
  const std::string line = encode_otlp_metrics_json(batch_);
  EXPECT_EQ(read_file(), line + "\n" + line + "\n");
  ::setenv("KAFKATRACE_OTLP_FILE_METRICS_PATH", "/tmp/elsewhere.jsonl", 1);
  EXPECT_EQ(OtlpFileMetricExporterOptions::from_environment().path, "/tmp/elsewhere.jsonl");
}

TEST_F(MetricExportersTest, OtlpFileReportsUnwritablePaths) {
  auto exporter = make_otlp_file_metric_exporter({.path = "/nonexistent-dir/metrics.jsonl"});
  EXPECT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kFailure);
}

TEST_F(MetricExportersTest, ConsolePrintsEveryMetric) {
  std::ostringstream out;
  auto exporter = make_console_metric_exporter({.stream = &out});
  ASSERT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kSuccess);
  const std::string text = out.str();
  EXPECT_EQ(text, format_metrics_for_console(batch_));
  EXPECT_EQ(text.rfind("metrics at 2023-11-14T22:13:21.500000000Z service \"orders\"\n", 0), 0u)
      << text;
  EXPECT_NE(text.find("scope kafkatrace 0.1.0\n"), std::string::npos);
  EXPECT_NE(text.find("  metric \"messaging.client.sent.messages\" sum (monotonic, cumulative) "
                      "unit \"{message}\"\n    description \"Messages sent\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      messaging.system = \"kafka\"\n"), std::string::npos);
  EXPECT_NE(text.find("      value 42\n"), std::string::npos);
  EXPECT_NE(text.find("      count 4 sum 1.25 min 0.001 max 0.9\n      buckets (-inf, 0.005] 1; "
                      "(0.005, 0.01] 2; (0.01, 0.1] 0; (0.1, 1] 1; (1, +inf) 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      value -1024\n"), std::string::npos);
  EXPECT_TRUE(exporter->shutdown(milliseconds(10)));
  EXPECT_EQ(exporter->export_metrics(batch_), otel::ExportResult::kFailure);
}

TEST_F(MetricExportersTest, SetupWithTheFileExporter) {
  ::setenv("OTEL_METRICS_EXPORTER", "otlp_file", 1);
  ::setenv("KAFKATRACE_OTLP_FILE_METRICS_PATH", path_.c_str(), 1);
  {
    auto metrics = otel::init_metrics_from_environment();
    ASSERT_NE(metrics.provider(), nullptr);
    EXPECT_EQ(otel::global_meter_provider(), metrics.provider());
    EXPECT_EQ(metrics.prometheus_url(), "");
    auto counter = metrics.provider()
                       ->get_meter("setup-test")
                       .create_counter<std::int64_t>("setup.test.count");
    counter.add(5);
    EXPECT_TRUE(metrics.shutdown());
    EXPECT_NE(otel::global_meter_provider(), nullptr);
    EXPECT_EQ(metrics.provider(), nullptr);
  }
  const std::string text = read_file();
  ASSERT_FALSE(text.empty());
  const auto json = testing::JsonValue::parse(text.substr(0, text.find('\n')));
  const auto& metric = json["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0];
  EXPECT_EQ(metric["name"].text, "setup.test.count");
  EXPECT_EQ(metric["sum"]["dataPoints"][0]["asInt"].text, "5");
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(MetricExportersTest, SetupWithPrometheusAndOtlp) {
  const auto port = free_port();
  ::setenv("OTEL_METRICS_EXPORTER", "prometheus, otlp, bogus", 1);
  ::setenv("OTEL_EXPORTER_PROMETHEUS_PORT", std::to_string(port).c_str(), 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", server_.url("/v1/metrics").c_str(), 1);
  ::setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000", 1);
  auto metrics = otel::init_metrics_from_environment({.set_global_meter_provider = false});
  EXPECT_EQ(metrics.prometheus_url(), "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  metrics.provider()->get_meter("setup-test").create_counter<double>("setup.test.value").add(1.5);
  EXPECT_TRUE(metrics.shutdown());  // final export through the periodic reader
  ASSERT_GE(server_.request_count(), 1u);
  EXPECT_EQ(metric_name(server_.requests().back().body, 0), "setup.test.value");
  EXPECT_EQ(metrics.prometheus_url(), "");
}

TEST_F(MetricExportersTest, SetupNoneAndOverride) {
  ::setenv("OTEL_METRICS_EXPORTER", "none", 1);
  std::ostringstream out;
  auto metrics = otel::init_metrics_from_environment(
      {.exporter = make_console_metric_exporter({.stream = &out}),
       .set_global_meter_provider = false});
  metrics.provider()->get_meter("m").create_up_down_counter<std::int64_t>("updown").add(-2);
  EXPECT_TRUE(metrics.shutdown());
  EXPECT_NE(out.str().find("metric \"updown\" sum (non-monotonic, cumulative)"), std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace kafkatrace::exporters
