#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/processor.h"
#include "otlp_http/http_session.h"
#include "support/http_test_server.h"
#include "support/protobuf_decoder.h"
#include "support/span_fixtures.h"

namespace kafkatrace::exporters {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string gunzip(const std::string& input) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);  // gzip wrapper only
  std::string output(input.size() * 20 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  output.resize(stream.total_out);
  inflateEnd(&stream);
  return output;
}

testing::ScriptedResponse respond(int status,
                                  std::vector<std::pair<std::string, std::string>> headers = {},
                                  std::string body = {}) {
  testing::ScriptedResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = std::move(body);
  return response;
}

// Names of the spans in an ExportTraceServiceRequest.
std::vector<std::string> span_names(std::string_view body) {
  std::vector<std::string> names;
  testing::ProtoMessage request(body);
  for (const auto& resource_spans : request.messages(1))
    for (const auto& scope_spans : resource_spans.messages(2))
      for (const auto& span : scope_spans.messages(2)) names.push_back(span.get(5).str());
  return names;
}

class OtlpHttpExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_log_handler([this](LogLevel level, std::string_view, std::string_view message) {
      std::lock_guard lock(log_mutex_);
      logs_.push_back(std::string(to_string(level)) + ": " + std::string(message));
    });
    spans_.push_back(testing::make_full_span());
    spans_.push_back(testing::make_root_span("second"));
  }
  void TearDown() override { set_log_handler(nullptr); }

  OtlpHttpExporterOptions options(std::string path = "/v1/traces") {
    OtlpHttpExporterOptions options;
    options.endpoint = server_.url(path);
    options.timeout = milliseconds(5000);
    options.retry.initial_backoff = milliseconds(10);
    options.retry.max_backoff = milliseconds(20);
    return options;
  }
  std::vector<std::string> logs() {
    std::lock_guard lock(log_mutex_);
    return logs_;
  }

  testing::HttpTestServer server_;
  std::vector<std::unique_ptr<otel::SpanData>> spans_;
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
};

TEST_F(OtlpHttpExporterTest, PostsProtobufWithHeaders) {
  auto opts = options("/custom/v1/traces");
  opts.headers = {{"x-api-key", "secret"}, {"x-tenant", "a b"}};
  auto exporter = make_otlp_http_exporter(opts);
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  ASSERT_EQ(server_.request_count(), 1u);
  const auto request = server_.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/custom/v1/traces");
  EXPECT_EQ(request.header("content-type"), "application/x-protobuf");
  EXPECT_FALSE(request.has_header("content-encoding"));
  EXPECT_EQ(request.header("user-agent"), otlp_http_user_agent());
  EXPECT_EQ(request.header("user-agent").rfind("OTel-OTLP-Exporter-Cpp/", 0), 0u);
  EXPECT_EQ(request.header("x-api-key"), "secret");
  EXPECT_EQ(request.header("x-tenant"), "a b");
  EXPECT_FALSE(request.has_header("expect"));
  EXPECT_EQ(span_names(request.body), (std::vector<std::string>{"orders send", "second"}));
}

TEST_F(OtlpHttpExporterTest, GzipBodyInflatesToTheSameRequest) {
  auto opts = options();
  opts.compression = OtlpCompression::kGzip;
  auto exporter = make_otlp_http_exporter(opts);
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);  // reused state
  ASSERT_EQ(server_.request_count(), 2u);
  for (const auto& request : server_.requests()) {
    EXPECT_EQ(request.header("content-encoding"), "gzip");
    EXPECT_EQ(span_names(gunzip(request.body)),
              (std::vector<std::string>{"orders send", "second"}));
  }
}

TEST_F(OtlpHttpExporterTest, JsonEncodingPostsOtlpJson) {
  auto opts = options();
  opts.encoding = OtlpHttpEncoding::kJson;
  auto exporter = make_otlp_http_exporter(opts);
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  ASSERT_EQ(server_.request_count(), 1u);
  const auto request = server_.requests()[0];
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.body.rfind(R"({"resourceSpans":[{"resource":)", 0), 0u) << request.body;
}

TEST_F(OtlpHttpExporterTest, KeepsTheConnectionAlive) {
  auto exporter = make_otlp_http_exporter(options());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_EQ(server_.connection_count(), 1u);
}

TEST_F(OtlpHttpExporterTest, Retries503ThenSucceeds) {
  server_.push_response(respond(503));
  server_.push_response(respond(200));
  auto exporter = make_otlp_http_exporter(options());
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(OtlpHttpExporterTest, HonoursRetryAfterSeconds) {
  server_.push_response(respond(429, {{"Retry-After", "1"}}));
  auto exporter = make_otlp_http_exporter(options());
  const auto start = Clock::now();
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  EXPECT_GE(Clock::now() - start, milliseconds(950));  // backoff alone would be ≤ 20 ms
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(OtlpHttpExporterTest, RetryAfterLongerThanTheTimeoutFailsAtOnce) {
  server_.push_response(respond(503, {{"Retry-After", "60"}}));
  auto opts = options();
  opts.timeout = milliseconds(2000);
  auto exporter = make_otlp_http_exporter(opts);
  const auto start = Clock::now();
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OtlpHttpExporterTest, BadRequestIsNotRetriedAndHeaderValuesAreNotLogged) {
  server_.push_response(respond(400, {}, "bad payload"));
  server_.push_response(respond(400, {}, "bad payload"));
  auto opts = options();
  opts.headers = {{"authorization", "Bearer TOPSECRET"}};
  opts.endpoint = "http://user:hunter2@127.0.0.1:" + std::to_string(server_.port()) + "/v1/traces";
  auto exporter = make_otlp_http_exporter(opts);
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_EQ(server_.request_count(), 2u);
  const auto lines = logs();
  ASSERT_EQ(lines.size(), 1u);  // the second failure is rate-limited
  EXPECT_NE(lines[0].find("HTTP 400"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("not retryable"), std::string::npos) << lines[0];
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("TOPSECRET"), std::string::npos);
    EXPECT_EQ(line.find("hunter2"), std::string::npos);
  }
}

TEST_F(OtlpHttpExporterTest, SilentServerFailsWithinTheTimeout) {
  testing::ScriptedResponse silent;
  silent.never_answer = true;
  server_.push_response(silent);
  auto opts = options();
  opts.timeout = milliseconds(300);
  auto exporter = make_otlp_http_exporter(opts);
  const auto start = Clock::now();
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(250));
  EXPECT_LT(elapsed, milliseconds(1500));
}

TEST_F(OtlpHttpExporterTest, ConnectionRefusedIsRetriedThenFails) {
  auto opts = options();
  {
    testing::HttpTestServer closed;
    opts.endpoint = closed.url();
  }  // port now refuses
  opts.retry.max_attempts = 3;
  auto exporter = make_otlp_http_exporter(opts);
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  const auto lines = logs();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("after 3 attempts"), std::string::npos) << lines[0];
}

TEST_F(OtlpHttpExporterTest, PartialSuccessIsLoggedAsAWarning) {
  // ExportTraceServiceResponse{partial_success{rejected_spans: 3, error_message: "too old"}}
  const std::string partial = std::string("\x08\x03\x12\x07too old", 11);
  server_.push_response(respond(200, {{"Content-Type", "application/x-protobuf"}},
                                std::string("\x0a") + static_cast<char>(partial.size()) + partial));
  auto exporter = make_otlp_http_exporter(options());
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  const auto lines = logs();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("rejected 3 spans: too old"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].rfind("warn", 0), 0u) << lines[0];
}

TEST_F(OtlpHttpExporterTest, ExportAfterShutdownFailsFast) {
  auto exporter = make_otlp_http_exporter(options());
  EXPECT_TRUE(exporter->shutdown(std::chrono::seconds(1)));
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_EQ(server_.request_count(), 0u);
  EXPECT_TRUE(exporter->force_flush(std::chrono::milliseconds(10)));
}

TEST_F(OtlpHttpExporterTest, ShutdownCutsABackoffWaitShort) {
  server_.push_response(respond(503, {{"Retry-After", "20"}}));
  auto opts = options();
  opts.timeout = milliseconds(30000);
  auto exporter = make_otlp_http_exporter(opts);
  auto result = std::async(std::launch::async, [&] { return exporter->export_spans(spans_); });
  ASSERT_TRUE(server_.wait_for_requests(1));
  const auto start = Clock::now();
  EXPECT_TRUE(exporter->shutdown(std::chrono::seconds(5)));
  EXPECT_EQ(result.get(), otel::ExportResult::kFailure);
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
}

// A batch processor shutting down over an endpoint that answers 503 gives its last batch one
// attempt instead of backing off until the shutdown timeout; the spans count as failed.
TEST_F(OtlpHttpExporterTest, BatchShutdownWithAFailingEndpointDoesNotRetry) {
  for (int i = 0; i < 10; ++i) server_.push_response(respond(503, {{"Retry-After", "2"}}));
  auto opts = options();
  opts.timeout = milliseconds(30000);
  auto processor = otel::make_batch_processor(
      make_otlp_http_exporter(opts),
      {.max_queue_size = 64, .schedule_delay = std::chrono::hours(1), .max_export_batch_size = 8});
  for (int i = 0; i < 6; ++i) processor->on_end(testing::make_root_span("queued"));
  const auto start = Clock::now();
  EXPECT_TRUE(processor->shutdown(std::chrono::seconds(20)));
  EXPECT_LT(Clock::now() - start, milliseconds(1500));  // a retry would wait 2 s
  EXPECT_EQ(server_.request_count(), 1u);               // one batch (the drain), one attempt
  const auto stats = processor->stats();
  EXPECT_EQ(stats.spans_export_failed, 6u);
  EXPECT_EQ(stats.spans_exported, 0u);
}

}  // namespace
}  // namespace kafkatrace::exporters
