// Nothing kafkatrace listens on is reachable from the network by default: the embedded broker
// (and its --port forwarder) and the Prometheus endpoint bind loopback addresses only. Checked
// on the sockets the process really holds (/proc), not on the options.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/setup.h"
#include "security_support.h"

namespace kafkatrace::testing {
namespace {

std::string describe(const std::vector<ListeningSocket>& sockets) {
  std::string text;
  for (const auto& socket : sockets)
    text += socket.address + ":" + std::to_string(socket.port) + " ";
  return text;
}

// The listening sockets that appeared since `before`.
std::vector<ListeningSocket> new_sockets(const std::vector<ListeningSocket>& before) {
  std::vector<ListeningSocket> added;
  for (const auto& socket : listening_sockets()) {
    bool old = false;
    for (const auto& known : before)
      old = old || (known.port == socket.port && known.address == socket.address);
    if (!old) added.push_back(socket);
  }
  return added;
}

TEST(LoopbackBinding, SocketsOfThisProcessAreListed) {
  // The helper itself must see a socket bound to all interfaces, or the tests below prove nothing.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  bool found = false;
  for (const auto& socket : listening_sockets()) {
    if (socket.port != ntohs(address.sin_port)) continue;
    found = true;
    EXPECT_EQ(socket.address, "0.0.0.0");
    EXPECT_FALSE(socket.loopback());
  }
  ::close(fd);
  EXPECT_TRUE(found);
}

TEST(LoopbackBinding, EmbeddedBrokerListensOnLoopbackOnly) {
  const auto before = listening_sockets();
  auto started = kafka::EmbeddedBroker::start({.brokers = 3});
  ASSERT_TRUE(started) << started.error;
  const auto sockets = new_sockets(before);
  ASSERT_GE(sockets.size(), 3U) << describe(sockets);
  for (const auto& socket : sockets) EXPECT_TRUE(socket.loopback()) << describe(sockets);
}

TEST(LoopbackBinding, EmbeddedBrokerForwarderListensOnLoopbackOnly) {
  const std::uint16_t port = unused_port();
  ASSERT_NE(port, 0);
  const auto before = listening_sockets();
  auto started = kafka::EmbeddedBroker::start({.port = port});
  ASSERT_TRUE(started) << started.error;
  const auto sockets = new_sockets(before);
  bool forwarder = false;
  for (const auto& socket : sockets) {
    EXPECT_TRUE(socket.loopback()) << describe(sockets);
    forwarder = forwarder || socket.port == port;
  }
  EXPECT_TRUE(forwarder) << describe(sockets);
}

TEST(LoopbackBinding, PrometheusEndpointDefaultsToLoopback) {
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_HOST");
  EXPECT_EQ(exporters::PrometheusExporterOptions::from_environment().host, "127.0.0.1");
  auto provider = otel::make_meter_provider();
  exporters::PrometheusExporterOptions options;  // host left at its default
  options.port = 0;
  const auto before = listening_sockets();
  auto endpoint = exporters::PrometheusEndpoint::start(provider->producer(), options);
  ASSERT_NE(endpoint, nullptr);
  const auto sockets = new_sockets(before);
  ASSERT_EQ(sockets.size(), 1U) << describe(sockets);
  EXPECT_EQ(sockets[0].address, "127.0.0.1");
  EXPECT_EQ(sockets[0].port, endpoint->port());
}

TEST(LoopbackBinding, PrometheusFromEnvironmentSetupListensOnLoopback) {
  const std::uint16_t port = unused_port();
  ASSERT_NE(port, 0);
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_HOST");
  ::setenv("OTEL_EXPORTER_PROMETHEUS_PORT", std::to_string(port).c_str(), 1);
  const auto before = listening_sockets();
  {
    auto metrics = otel::init_metrics_from_environment(
        {.metrics_exporter = "prometheus", .set_global_meter_provider = false});
    const auto sockets = new_sockets(before);
    ASSERT_EQ(sockets.size(), 1U) << describe(sockets);
    EXPECT_EQ(sockets[0].address, "127.0.0.1");
    EXPECT_EQ(sockets[0].port, port);
  }
  ::unsetenv("OTEL_EXPORTER_PROMETHEUS_PORT");
}

}  // namespace
}  // namespace kafkatrace::testing
