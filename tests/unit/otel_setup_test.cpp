#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/setup.h"
#include "support/http_test_server.h"
#include "support/json_value.h"

namespace kafkatrace::otel {
namespace {

class OtelSetupTest : public ::testing::Test {
 protected:
  static constexpr const char* kVariables[] = {"OTEL_TRACES_EXPORTER",
                                               "KAFKATRACE_OTLP_FILE_TRACES_PATH",
                                               "OTEL_SERVICE_NAME",
                                               "OTEL_EXPORTER_OTLP_PROTOCOL",
                                               "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                                               "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                                               "OTEL_TRACES_SAMPLER"};
  void SetUp() override {
    clear();
    set_log_handler([this](LogLevel, std::string_view, std::string_view message) {
      logs_.emplace_back(message);
    });
    path_ = (std::filesystem::temp_directory_path() /
             ("kafkatrace-setup-" + std::to_string(::getpid()) + ".jsonl"))
                .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    clear();
    set_log_handler(nullptr);
    std::filesystem::remove(path_);
  }
  static void clear() {
    for (const char* name : kVariables) ::unsetenv(name);
  }
  static SetupOptions quiet() {
    SetupOptions options;
    options.set_global_propagator = false;
    return options;
  }
  std::vector<std::string> logs_;
  std::string path_;
};

TEST_F(OtelSetupTest, OtlpFileExporterFromTheEnvironment) {
  ::setenv("OTEL_TRACES_EXPORTER", "otlp_file", 1);
  ::setenv("KAFKATRACE_OTLP_FILE_TRACES_PATH", path_.c_str(), 1);
  ::setenv("OTEL_SERVICE_NAME", "setup-test", 1);
  {
    TracingHandle tracing = init_tracing_from_environment(quiet());
    ASSERT_NE(tracing.provider(), nullptr);
    EXPECT_EQ(global_tracer_provider(), tracing.provider());
    global_tracer_provider()->get_tracer("setup").start_span("configured")->end();
  }  // flushes and shuts down
  EXPECT_NE(global_tracer_provider(), nullptr);
  EXPECT_FALSE(global_tracer_provider()->enabled());  // reset to a no-op provider

  std::ifstream in(path_);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto request = testing::JsonValue::parse(line);
  const auto& resource_spans = request["resourceSpans"][0];
  bool found_service = false;
  for (const auto& attribute : resource_spans["resource"]["attributes"].items) {
    if (attribute["key"].text == "service.name") {
      found_service = attribute["value"]["stringValue"].text == "setup-test";
    }
  }
  EXPECT_TRUE(found_service);
  EXPECT_EQ(resource_spans["scopeSpans"][0]["spans"][0]["name"].text, "configured");
  EXPECT_TRUE(logs_.empty());
}

TEST_F(OtelSetupTest, HttpJsonProtocolAndOverrides) {
  testing::HttpTestServer server;
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", server.url().c_str(), 1);
  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
  ::setenv("OTEL_TRACES_EXPORTER", "console", 1);  // replaced by the override below
  SetupOptions options = quiet();
  options.traces_exporter = "otlp";
  options.resource = Resource({{"deployment.environment", std::string("test")}});
  TracingHandle tracing = init_tracing_from_environment(std::move(options));
  tracing.provider()->get_tracer("setup").start_span("over http")->end();
  EXPECT_TRUE(tracing.shutdown());
  EXPECT_EQ(tracing.provider(), nullptr);
  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_NE(request.body.find("\"over http\""), std::string::npos);
  EXPECT_NE(request.body.find("deployment.environment"), std::string::npos);
}

TEST_F(OtelSetupTest, GrpcFallsBackWithAWarningAndUnknownExportersAreSkipped) {
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", 1);
  ::setenv("OTEL_TRACES_EXPORTER", "zipkin, otlp", 1);
  TracingHandle tracing = init_tracing_from_environment(quiet());
  ASSERT_EQ(logs_.size(), 2u);
  EXPECT_NE(logs_[0].find("zipkin"), std::string::npos) << logs_[0];
  EXPECT_NE(logs_[1].find("grpc"), std::string::npos) << logs_[1];
}

TEST_F(OtelSetupTest, NoneExportsNothing) {
  ::setenv("OTEL_TRACES_EXPORTER", "none", 1);
  SetupOptions options = quiet();
  options.set_global_tracer_provider = false;
  TracingHandle tracing = init_tracing_from_environment(std::move(options));
  EXPECT_NE(global_tracer_provider(), tracing.provider());
  tracing.provider()->get_tracer("setup").start_span("dropped")->end();
  EXPECT_EQ(tracing.provider()->stats().spans_exported, 0u);
  EXPECT_TRUE(tracing.shutdown());
}

}  // namespace
}  // namespace kafkatrace::otel
