// The Prometheus /metrics endpoint over a real loopback socket, with a hand-built producer and
// with the real metrics SDK.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/otel/meter_provider.h"
#include "support/metric_fixtures.h"

namespace kafkatrace::exporters {
namespace {

// Sends `request` to 127.0.0.1:port and returns everything the server wrote before closing.
std::string http_exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[4096];
  ssize_t received;
  while ((received = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    response.append(buffer, static_cast<std::size_t>(received));
  }
  ::close(fd);
  return response;
}

std::string get(std::uint16_t port, std::string_view path, std::string_view method = "GET") {
  return http_exchange(port, std::string(method) + " " + std::string(path) +
                                 " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
}

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

class FakeProducer final : public otel::MetricProducer {
 public:
  bool collect(const std::function<void(const otel::ResourceMetrics&)>& sink) noexcept override {
    ++collections;
    if (!available) return false;
    sink(testing::sample_resource_metrics());
    return true;
  }
  std::atomic<int> collections{0};
  std::atomic<bool> available{true};
};

PrometheusExporterOptions ephemeral() {
  PrometheusExporterOptions options;
  options.port = 0;
  return options;
}

TEST(PrometheusEndpoint, ServesTheExpositionOnEveryScrape) {
  auto producer = std::make_shared<FakeProducer>();
  auto endpoint = PrometheusEndpoint::start(producer, ephemeral());
  ASSERT_NE(endpoint, nullptr);
  ASSERT_NE(endpoint->port(), 0);
  EXPECT_EQ(endpoint->url(), "http://127.0.0.1:" + std::to_string(endpoint->port()) + "/metrics");
  const std::string response = get(endpoint->port(), "/metrics");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_EQ(body_of(response), format_prometheus_text(testing::sample_resource_metrics()));
  EXPECT_EQ(body_of(get(endpoint->port(), "/metrics?x=1")), body_of(response));
  EXPECT_EQ(producer->collections.load(), 2);
}

TEST(PrometheusEndpoint, OtherPathsMethodsAndShutDownProducer) {
  auto producer = std::make_shared<FakeProducer>();
  auto endpoint = PrometheusEndpoint::start(producer, ephemeral());
  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(get(endpoint->port(), "/").rfind("HTTP/1.1 404", 0), 0u);
  const std::string post = get(endpoint->port(), "/metrics", "POST");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u);
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos);
  const std::string head = get(endpoint->port(), "/metrics", "HEAD");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(body_of(head), "");
  producer->available = false;
  EXPECT_EQ(get(endpoint->port(), "/metrics").rfind("HTTP/1.1 503", 0), 0u);
  // Garbage and a client that disconnects early do not stop the server.
  http_exchange(endpoint->port(), "nonsense\r\n\r\n");
  http_exchange(endpoint->port(), "GET /metr");
  producer->available = true;
  EXPECT_EQ(get(endpoint->port(), "/metrics").rfind("HTTP/1.1 200", 0), 0u);
}

TEST(PrometheusEndpoint, StopClosesTheSocket) {
  auto endpoint = PrometheusEndpoint::start(std::make_shared<FakeProducer>(), ephemeral());
  ASSERT_NE(endpoint, nullptr);
  const auto port = endpoint->port();
  endpoint->stop();
  endpoint->stop();  // idempotent
  EXPECT_EQ(get(port, "/metrics"), "connect failed");
}

TEST(PrometheusEndpoint, StartFailures) {
  EXPECT_EQ(PrometheusEndpoint::start(nullptr, ephemeral()), nullptr);
  auto first = PrometheusEndpoint::start(std::make_shared<FakeProducer>(), ephemeral());
  ASSERT_NE(first, nullptr);
  PrometheusExporterOptions taken;
  taken.port = first->port();
  EXPECT_EQ(PrometheusEndpoint::start(std::make_shared<FakeProducer>(), taken), nullptr);
  PrometheusExporterOptions bad_host = ephemeral();
  bad_host.host = "999.1.1.1";
  EXPECT_EQ(PrometheusEndpoint::start(std::make_shared<FakeProducer>(), bad_host), nullptr);
}

TEST(PrometheusEndpoint, OptionsFromEnvironment) {
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_HOST");
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_PORT");
  auto options = PrometheusExporterOptions::from_environment();
  EXPECT_EQ(options.host, "127.0.0.1");  // loopback by default
  EXPECT_EQ(options.port, 9464);
  ::setenv("OTEL_EXPORTER_PROMETHEUS_HOST", "::1", 1);
  ::setenv("OTEL_EXPORTER_PROMETHEUS_PORT", "19464", 1);
  options = PrometheusExporterOptions::from_environment();
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 19464);
  ::setenv("OTEL_EXPORTER_PROMETHEUS_PORT", "70000", 1);
  EXPECT_EQ(PrometheusExporterOptions::from_environment().port, 9464);
  ::setenv("OTEL_EXPORTER_PROMETHEUS_PORT", "12ab", 1);
  EXPECT_EQ(PrometheusExporterOptions::from_environment().port, 9464);
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_HOST");
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_PORT");
}

TEST(PrometheusEndpoint, ServesTheRealSdk) {
  otel::MeterProviderOptions options;
  options.resource = otel::Resource({{"service.name", std::string("checkout")}});
  auto provider = otel::make_meter_provider(std::move(options));
  auto endpoint = PrometheusEndpoint::start(provider->producer(), ephemeral());
  ASSERT_NE(endpoint, nullptr);
  auto meter = provider->get_meter("kafkatrace", "0.1.0");
  auto sent = meter.create_counter<std::int64_t>("messaging.client.sent.messages",
                                                 {.description = "Sent", .unit = "{message}"});
  sent.add(3, {{"messaging.system", "kafka"}});
  sent.add(4, {{"messaging.system", "kafka"}});
  const std::string body = body_of(get(endpoint->port(), "/metrics"));
  EXPECT_NE(body.find("target_info{service_name=\"checkout\"} 1\n"), std::string::npos) << body;
  EXPECT_NE(body.find("# TYPE messaging_client_sent_messages_total counter\n"), std::string::npos);
  EXPECT_NE(body.find("messaging_client_sent_messages_total{messaging_system=\"kafka\","
                      "otel_scope_name=\"kafkatrace\",otel_scope_version=\"0.1.0\"} 7\n"),
            std::string::npos)
      << body;
  provider->shutdown();
  EXPECT_EQ(get(endpoint->port(), "/metrics").rfind("HTTP/1.1 503", 0), 0u);
}

}  // namespace
}  // namespace kafkatrace::exporters
