// Secrets never reach the log, at any level: OTLP header values (API keys from
// OTEL_EXPORTER_OTLP_HEADERS), credentials in the OTLP endpoint URL, SASL and SSL passwords.
// Each test captures every line (debug level, as OTEL_LOG_LEVEL=debug; librdkafka's own
// debug=all on), makes exports and clients fail in every way it can, checks that the secret was
// really in play (sent to the server, set on the client) and that something was logged, and
// then that no line holds a secret.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"
#include "security_support.h"
#include "support/http_test_server.h"
#include "support/span_fixtures.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kApiKey = "KT-SECRET-API-KEY-5f1c";
constexpr const char* kBearerToken = "KT-SECRET-TOKEN-9a2e";
constexpr const char* kMalformedEntry = "KT-SECRET-MALFORMED-77d0";
constexpr const char* kEndpointPassword = "KT-SECRET-USERINFO-3b8a";
constexpr const char* kSaslPassword = "KT-SECRET-SASL-c41f";
constexpr const char* kSslKeyPassword = "KT-SECRET-SSLKEY-0e6d";
constexpr const char* kOauthSecret = "KT-SECRET-OAUTH-8d35";
const std::vector<std::string> kSecrets = {kApiKey,           kBearerToken,  kMalformedEntry,
                                           kEndpointPassword, kSaslPassword, kSslKeyPassword,
                                           kOauthSecret};

// OTEL_EXPORTER_OTLP_HEADERS with two secrets and a malformed entry (warned about, by name).
std::string otlp_headers() {
  return std::string("x-api-key=") + kApiKey + ",authorization=Bearer%20" + kBearerToken + "," +
         kMalformedEntry;
}

std::string endpoint_with_credentials(int port, const std::string& path) {
  return std::string("http://kt-user:") + kEndpointPassword + "@127.0.0.1:" + std::to_string(port) +
         path;
}

void expect_no_secret(const LogCapture& capture) {
  for (const auto& secret : kSecrets)
    EXPECT_EQ(capture.lines_containing(secret), std::vector<std::string>{}) << secret;
}

TEST(SecretLogging, OtlpExportFailuresNeverLogHeaderValuesOrEndpointCredentials) {
  HttpTestServer server;
  for (const auto& [status, body] : std::vector<std::pair<int, std::string>>{
           // One script entry per HTTP attempt: export 1 is refused (401), export 2 runs out of
           // its 3 attempts on 503s, export 3 is rejected (400).
           {401, "unauthorized"},
           {503, "overloaded"},
           {503, ""},
           {503, "still overloaded"},
           {400, "bad request"}}) {
    ScriptedResponse response;
    response.status = status;
    response.body = body;
    server.push_response(response);
  }
  const ScopedEnvironment environment({{"OTEL_LOG_LEVEL", "debug"},
                                       {"OTEL_EXPORTER_OTLP_HEADERS", otlp_headers()},
                                       {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                                        endpoint_with_credentials(server.port(), "/v1/traces")}});
  LogCapture capture;

  auto options = exporters::OtlpHttpExporterOptions::from_environment();
  options.retry = {.max_attempts = 3, .initial_backoff = 1ms, .max_backoff = 2ms};
  options.timeout = 5s;
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(make_root_span());
  {
    auto exporter = exporters::make_otlp_http_exporter(options);
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(exporter->export_spans(spans), otel::ExportResult::kFailure);
    exporter->shutdown(1s);
  }
  options.endpoint = endpoint_with_credentials(unused_port(), "/v1/traces");  // refused
  {
    auto exporter = exporters::make_otlp_http_exporter(options);
    EXPECT_EQ(exporter->export_spans(spans), otel::ExportResult::kFailure);
    exporter->shutdown(1s);
  }

  const auto requests = server.requests();
  ASSERT_GE(requests.size(), 1U);
  EXPECT_EQ(requests[0].header("x-api-key"), kApiKey) << "the secret must have been in play";
  EXPECT_FALSE(capture.lines_containing("failed").empty()) << "the failures must be logged";
  EXPECT_FALSE(capture.lines_containing("OTEL_EXPORTER_OTLP_HEADERS").empty())
      << "the malformed entry must be warned about (by variable name)";
  expect_no_secret(capture);
}

TEST(SecretLogging, EnvironmentSetupNeverLogsSecrets) {
  const ScopedEnvironment environment(
      {{"OTEL_LOG_LEVEL", "debug"},
       {"OTEL_TRACES_EXPORTER", "otlp"},
       {"OTEL_METRICS_EXPORTER", "otlp"},
       {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},  // unsupported: warned about, with the endpoint
       {"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint_with_credentials(unused_port(), "")},
       {"OTEL_EXPORTER_OTLP_HEADERS", otlp_headers()},
       {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"}});
  LogCapture capture;
  {
    auto tracing = otel::init_tracing_from_environment({.set_global_tracer_provider = false,
                                                        .set_global_propagator = false,
                                                        .shutdown_timeout = 3s});
    auto metrics = otel::init_metrics_from_environment(
        {.set_global_meter_provider = false, .shutdown_timeout = 3s});
    tracing.provider()->get_tracer("security").start_span("refused")->end();
    metrics.provider()->get_meter("security").create_counter<std::int64_t>("refused").add(1);
  }  // shutdown: the last exports fail (connection refused)
  EXPECT_FALSE(capture.lines_containing("grpc").empty());
  EXPECT_FALSE(capture.lines_containing("failed").empty());
  expect_no_secret(capture);
}

std::map<std::string, std::string> secret_properties(std::string protocol) {
  return {{"security.protocol", std::move(protocol)},
          {"sasl.mechanism", "PLAIN"},
          {"sasl.username", "kt-user"},
          {"sasl.password", kSaslPassword},
          {"ssl.key.password", kSslKeyPassword},
          {"debug", "all"},  // librdkafka's most verbose logging, its configuration dump included
          {"message.timeout.ms", "2000"}};
}

TEST(SecretLogging, KafkaClientsNeverLogSaslOrSslSecrets) {
  auto broker = kafka::EmbeddedBroker::start({.topics = {"security"}});
  ASSERT_TRUE(broker) << broker.error;
  const std::string bootstrap = broker.broker->bootstrap_servers();
  LogCapture capture;
  for (const char* protocol : {"plaintext", "sasl_plaintext"}) {  // delivered, then refused
    auto producer = kafka::TracedProducer::create({.bootstrap_servers = bootstrap,
                                                   .properties = secret_properties(protocol),
                                                   .close_timeout = 100ms});
    ASSERT_TRUE(producer) << producer.error;
    const auto result = producer.producer->send({.topic = "security", .value = "v"}).get();
    EXPECT_EQ(result.ok(), std::string(protocol) == "plaintext");
  }
  auto consumer =
      kafka::TracedConsumer::create({.bootstrap_servers = bootstrap,
                                     .group_id = "security",
                                     .topics = {"security"},
                                     .properties = secret_properties("sasl_plaintext")});
  ASSERT_TRUE(consumer) << consumer.error;
  for (int i = 0; i < 5; ++i) consumer.consumer->poll(200ms);
  consumer.consumer.reset();

  EXPECT_GT(capture.size(), 100U) << "debug=all should have logged plenty";
  EXPECT_FALSE(capture.lines_containing("[redacted]").empty())
      << "librdkafka's configuration dump should be in the log, passwords redacted";
  expect_no_secret(capture);
}

TEST(SecretLogging, ConfigurationErrorsNeverEchoSecretValues) {
  LogCapture capture;
  // A misspelt property, a secret librdkafka was built without (Debian's has no OIDC), and a
  // key password with a key file that does not exist.
  const std::vector<std::map<std::string, std::string>> broken = {
      {{"sasl.pasword", kSaslPassword}},
      {{"sasl.oauthbearer.client.secret", kOauthSecret}},
      {{"ssl.key.location", "/nonexistent/kafkatrace.key"},
       {"ssl.key.password", kSslKeyPassword},
       {"security.protocol", "ssl"}}};
  int failures = 0;
  for (const auto& properties : broken) {
    SCOPED_TRACE(properties.begin()->first);
    auto producer = kafka::TracedProducer::create(
        {.bootstrap_servers = "127.0.0.1:9", .properties = properties, .close_timeout = 100ms});
    auto consumer = kafka::TracedConsumer::create({.bootstrap_servers = "127.0.0.1:9",
                                                   .group_id = "g",
                                                   .topics = {"t"},
                                                   .properties = properties});
    kafka::ConsumerOptions dead_letter{
        .bootstrap_servers = "127.0.0.1:9", .group_id = "g", .topics = {"t"}};
    dead_letter.dead_letter = {.topic = "dlq", .producer_properties = properties};
    auto with_dead_letter = kafka::TracedConsumer::create(std::move(dead_letter));
    for (const std::string* error : {&producer.error, &consumer.error, &with_dead_letter.error}) {
      failures += error->empty() ? 0 : 1;
      for (const auto& secret : kSecrets)
        EXPECT_EQ(error->find(secret), std::string::npos) << *error;
    }
  }
  EXPECT_GE(failures, 3) << "at least the misspelt property must be refused by every client";
  expect_no_secret(capture);
}

}  // namespace
}  // namespace kafkatrace::testing
