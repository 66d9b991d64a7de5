#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/log.h"
#include "otlp_http/http_session.h"

namespace kafkatrace::exporters {
namespace {

using std::chrono::milliseconds;

TEST(OtlpHttpRetryAfterTest, ParsesSecondsAndDates) {
  using otlp::HttpSession;
  EXPECT_EQ(HttpSession::parse_retry_after(" 7 "), milliseconds(7000));
  EXPECT_EQ(HttpSession::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), milliseconds(0));
  const auto future = HttpSession::parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT");
  ASSERT_TRUE(future.has_value());
  EXPECT_GT(*future, milliseconds(3600 * 1000));
  EXPECT_FALSE(HttpSession::parse_retry_after("soon").has_value());
  EXPECT_FALSE(HttpSession::parse_retry_after("-3").has_value());
}

class OtlpHttpOptionsEnvTest : public ::testing::Test {
 protected:
  static constexpr const char* kVariables[] = {
      "OTEL_EXPORTER_OTLP_ENDPOINT",    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      "OTEL_EXPORTER_OTLP_HEADERS",     "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
      "OTEL_EXPORTER_OTLP_TIMEOUT",     "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
      "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"};
  void SetUp() override { clear(); }
  void TearDown() override {
    clear();
    set_log_handler(nullptr);
  }
  static void clear() {
    for (const char* name : kVariables) ::unsetenv(name);
  }
};

TEST_F(OtlpHttpOptionsEnvTest, DefaultsWithoutVariables) {
  const auto options = OtlpHttpExporterOptions::from_environment();
  EXPECT_EQ(options.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_TRUE(options.headers.empty());
  EXPECT_EQ(options.timeout, milliseconds(10000));
  EXPECT_EQ(options.compression, OtlpCompression::kNone);
}

TEST_F(OtlpHttpOptionsEnvTest, BaseEndpointGetsTheSignalPath) {
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/", 1);
  EXPECT_EQ(OtlpHttpExporterOptions::from_environment().endpoint,
            "http://collector:4318/v1/traces");
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "https://gw.example/otlp", 1);
  EXPECT_EQ(OtlpHttpExporterOptions::from_environment().endpoint,
            "https://gw.example/otlp/v1/traces");
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:9999/custom", 1);
  EXPECT_EQ(OtlpHttpExporterOptions::from_environment().endpoint, "http://other:9999/custom");
}

TEST_F(OtlpHttpOptionsEnvTest, HeadersTimeoutAndCompression) {
  ::setenv("OTEL_EXPORTER_OTLP_HEADERS", "generic=1", 1);
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", " api-key = a%20b%3Dc , x=y,broken,=nokey", 1);
  ::setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "2500", 1);
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "GZIP", 1);
  std::vector<std::string> warnings;
  set_log_handler([&](LogLevel, std::string_view, std::string_view message) {
    warnings.emplace_back(message);
  });
  const auto options = OtlpHttpExporterOptions::from_environment();
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(options.headers, (Headers{{"api-key", "a b=c"}, {"x", "y"}}));
  EXPECT_EQ(options.timeout, milliseconds(2500));
  EXPECT_EQ(options.compression, OtlpCompression::kGzip);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("OTEL_EXPORTER_OTLP_TRACES_HEADERS"), std::string::npos);
  EXPECT_EQ(warnings[0].find("a%20b"), std::string::npos);
}

TEST_F(OtlpHttpOptionsEnvTest, InvalidValuesFallBackToDefaults) {
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "soon", 1);
  ::setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd", 1);
  int warnings = 0;
  set_log_handler([&](LogLevel, std::string_view, std::string_view) { ++warnings; });
  const auto options = OtlpHttpExporterOptions::from_environment();
  EXPECT_EQ(options.timeout, milliseconds(10000));
  EXPECT_EQ(options.compression, OtlpCompression::kNone);
  EXPECT_EQ(warnings, 2);
}

}  // namespace
}  // namespace kafkatrace::exporters
