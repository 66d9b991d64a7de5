// EmbeddedBroker option checks and the TcpForwarder behind its --port, in-process only: the
// mock cluster and a small echo server on loopback; no external processes.
#include "kafkatrace/kafka/broker.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// The forwarder is private to the library (src/); the unit-test target has no src/ include path.
#include "kafka/internal/tcp_forwarder.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka {
namespace {

using internal::TcpForwarder;
using internal::UniqueFd;
using namespace std::chrono_literals;

UniqueFd listen_on_loopback(std::uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{AF_INET, 0, {htonl(INADDR_LOOPBACK)}, {}};
  socklen_t size = sizeof address;
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd.get(), raw, size) != 0 || ::listen(fd.get(), 64) != 0) return {};
  ::getsockname(fd.get(), raw, &size);
  port = ntohs(address.sin_port);
  return fd;
}

// A blocking client socket whose reads and writes give up after 10 s, so no test can hang.
UniqueFd connect_to(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const timeval limit{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in address{AF_INET, htons(port), {htonl(INADDR_LOOPBACK)}, {}};
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return {};
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Everything until the peer's FIN; stops early on an error or the 10 s socket timeout.
std::string read_to_end(int fd) {
  std::string data;
  char buffer[16384];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) data.append(buffer, got);
  return data;
}

std::size_t open_fds() {
  return static_cast<std::size_t>(std::distance(
      std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{}));
}

template <typename Condition>
bool wait_until(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);  // polling a condition, bounded by the deadline
  }
  return true;
}

// Echoes each connection's bytes and answers the client's FIN with its own.
class EchoServer {
 public:
  EchoServer() : listener_(listen_on_loopback(port_)), thread_([this] { serve(); }) {}
  ~EchoServer() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes accept()
    thread_.join();
    for (auto& worker : workers_) worker.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    for (int fd; (fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
      workers_.emplace_back([connection = UniqueFd(fd)] {
        const timeval limit{10, 0};
        ::setsockopt(connection.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        char buffer[16384];
        for (ssize_t got; (got = ::recv(connection.get(), buffer, sizeof buffer, 0)) > 0;) {
          if (!send_all(connection.get(), {buffer, static_cast<std::size_t>(got)})) return;
        }
        ::shutdown(connection.get(), SHUT_WR);
      });
    }
  }

  std::uint16_t port_ = 0;
  UniqueFd listener_;
  std::vector<std::thread> workers_;
  std::thread thread_;
};

TEST(EmbeddedBrokerOptionsTest, DefaultsAreValid) {
  EXPECT_EQ(validate({}), "");
}

TEST(EmbeddedBrokerOptionsTest, BadValuesAreNamed) {
  const auto error_for = [](EmbeddedBrokerOptions options) { return validate(options); };
  EXPECT_NE(error_for({.brokers = 0}).find("brokers"), std::string::npos);
  EXPECT_NE(error_for({.brokers = 65}).find("brokers"), std::string::npos);
  EXPECT_NE(error_for({.partitions = 0}).find("partitions"), std::string::npos);
  EXPECT_NE(error_for({.replication_factor = 0}).find("replication_factor"), std::string::npos);
  EXPECT_NE(error_for({.port = 0}).find("port"), std::string::npos);
  for (const std::string& name :
       std::vector<std::string>{"", "has space", "..", "slash/", std::string(250, 'x')}) {
    EXPECT_NE(error_for({.topics = {name}}).find("invalid"), std::string::npos) << name;
  }
  EXPECT_NE(error_for({.topics = {"a", "b", "a"}}).find("twice"), std::string::npos);
  EXPECT_EQ(error_for({.brokers = 64, .partitions = 10000, .topics = {"a.b_c-D9"}}), "");
}

TEST(EmbeddedBrokerTest, StartRejectsBadOptionsWithoutABroker) {
  const auto started = EmbeddedBroker::start({.partitions = -3});
  EXPECT_FALSE(started);
  EXPECT_EQ(started.broker, nullptr);
  EXPECT_NE(started.error.find("partitions"), std::string::npos) << started.error;
}

TEST(EmbeddedBrokerTest, StartsBrokersAndTopics) {
  const auto started = EmbeddedBroker::start({.brokers = 3, .topics = {"ready"}});
  ASSERT_TRUE(started) << started.error;
  EmbeddedBroker& broker = *started.broker;
  EXPECT_EQ(broker.broker_count(), 3);
  EXPECT_EQ(broker.bootstrap_servers(), broker.broker_addresses());
  EXPECT_TRUE(broker.bootstrap_servers().starts_with("127.0.0.1:"));
  EXPECT_EQ(std::count(broker.bootstrap_servers().begin(), broker.bootstrap_servers().end(), ','),
            2);
  EXPECT_EQ(broker.create_topic("ready"), RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
  EXPECT_EQ(broker.create_topic("more", 2, 7), RD_KAFKA_RESP_ERR_NO_ERROR);  // replication clamped
  EXPECT_EQ(broker.create_topic("bad name"), RD_KAFKA_RESP_ERR__INVALID_ARG);
}

TEST(EmbeddedBrokerTest, FaultCallsCheckTheirArguments) {
  const auto started = EmbeddedBroker::start({.brokers = 2});
  ASSERT_TRUE(started) << started.error;
  EmbeddedBroker& broker = *started.broker;
  EXPECT_EQ(broker.set_broker_down(9), RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE);
  EXPECT_EQ(broker.set_round_trip_time(1, -1ms), RD_KAFKA_RESP_ERR__INVALID_ARG);
  EXPECT_EQ(broker.set_partition_leader("t", -1, 1), RD_KAFKA_RESP_ERR__INVALID_ARG);
  EXPECT_EQ(broker.set_coordinator(CoordinatorType::kGroup, "", 1), RD_KAFKA_RESP_ERR__INVALID_ARG);
  EXPECT_EQ(broker.set_coordinator(CoordinatorType::kGroup, "g", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(broker.push_request_errors(ApiKey::kProduce, {}), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(broker.set_broker_down(2), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(broker.reset_faults(), RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST(EmbeddedBrokerTest, LibrdkafkaLogsGoToTheLogHandler) {
  std::vector<std::pair<LogLevel, std::string>> lines;
  std::mutex mutex;
  const LogLevel previous_level = log_level();
  set_log_level(LogLevel::kDebug);
  set_log_handler([&](LogLevel level, std::string_view component, std::string_view message) {
    std::lock_guard lock(mutex);
    if (component == "embedded_broker") lines.emplace_back(level, message);
  });
  { EXPECT_TRUE(EmbeddedBroker::start()); }
  set_log_handler({});
  set_log_level(previous_level);
  // librdkafka's warning that the private handle has no bootstrap.servers is ours, not the
  // user's: it arrives, but only at debug level.
  const auto warning = std::find_if(lines.begin(), lines.end(), [](const auto& line) {
    return line.second.find("bootstrap.servers") != std::string::npos;
  });
  ASSERT_NE(warning, lines.end());
  EXPECT_EQ(warning->first, LogLevel::kDebug);
}

TEST(EmbeddedBrokerTest, PortForwardsToTheCluster) {
  std::uint16_t port = 0;
  { listen_on_loopback(port); }  // a port that was free a moment ago
  const auto started = EmbeddedBroker::start({.port = port});
  ASSERT_TRUE(started) << started.error;
  const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(started.broker->bootstrap_servers(), bootstrap);

  // A Kafka client bootstraps through the port; metadata then names the broker's own port.
  char error[512] = "";
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error),
            RD_KAFKA_CONF_OK);
  const std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> client(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error), rd_kafka_destroy);
  ASSERT_NE(client, nullptr) << error;
  const rd_kafka_metadata_t* metadata = nullptr;
  ASSERT_EQ(rd_kafka_metadata(client.get(), 1, nullptr, &metadata, 10000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(std::string(metadata->orig_broker_name), bootstrap + "/bootstrap");
  ASSERT_EQ(metadata->broker_cnt, 1);
  EXPECT_EQ("127.0.0.1:" + std::to_string(metadata->brokers[0].port),
            started.broker->broker_addresses());
  rd_kafka_metadata_destroy(metadata);

  const auto clash = EmbeddedBroker::start({.port = port});
  EXPECT_FALSE(clash);
  EXPECT_NE(clash.error.find("already in use"), std::string::npos) << clash.error;
}

TEST(TcpForwarderTest, RejectsBadTargetsAndTakenPorts) {
  EXPECT_FALSE(TcpForwarder::start(0, "no-port"));
  EXPECT_FALSE(TcpForwarder::start(0, "127.0.0.1:0"));
  EXPECT_FALSE(TcpForwarder::start(0, "example.com:9092"));  // IPv4 literals only, no DNS
  const auto first = TcpForwarder::start(0, "localhost:9");
  ASSERT_TRUE(first) << first.error;
  const auto second = TcpForwarder::start(first.forwarder->port(), "127.0.0.1:9");
  EXPECT_NE(second.error.find("already in use"), std::string::npos) << second.error;
}

TEST(TcpForwarderTest, RelaysBothWaysAndPassesHalfClose) {
  EchoServer echo;
  const auto started = TcpForwarder::start(0, echo.address());
  ASSERT_TRUE(started) << started.error;
  const UniqueFd client = connect_to(started.forwarder->port());
  ASSERT_TRUE(client.valid());
  ASSERT_TRUE(send_all(client.get(), "hello, kafka"));
  ::shutdown(client.get(), SHUT_WR);  // the echo server answers only once it sees this FIN
  EXPECT_EQ(read_to_end(client.get()), "hello, kafka");
}

TEST(TcpForwarderTest, StreamsMoreThanItsBuffersHold) {
  EchoServer echo;
  const auto started = TcpForwarder::start(0, echo.address());
  ASSERT_TRUE(started) << started.error;
  std::string payload(40 * TcpForwarder::kBufferSize, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131 % 251);
  const UniqueFd client = connect_to(started.forwarder->port());
  std::thread writer([&] {
    send_all(client.get(), payload);
    ::shutdown(client.get(), SHUT_WR);
  });
  const std::string echoed = read_to_end(client.get());
  writer.join();
  EXPECT_EQ(echoed.size(), payload.size());
  EXPECT_TRUE(echoed == payload);
}

TEST(TcpForwarderTest, ServesManyConnectionsAndLeaksNoDescriptors) {
  EchoServer echo;
  const std::size_t fds_before = open_fds();
  UniqueFd lingering;  // outlives the forwarder
  {
    const auto started = TcpForwarder::start(0, echo.address());
    ASSERT_TRUE(started) << started.error;
    std::vector<UniqueFd> clients;
    for (int i = 0; i < 20; ++i) clients.push_back(connect_to(started.forwarder->port()));
    for (std::size_t i = 0; i < clients.size(); ++i) {
      ASSERT_TRUE(send_all(clients[i].get(), "message " + std::to_string(i)));
      ::shutdown(clients[i].get(), SHUT_WR);
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(read_to_end(clients[i].get()), "message " + std::to_string(i));
    }
    clients.clear();
    EXPECT_TRUE(wait_until([&] { return started.forwarder->active_connections() == 0; }));
    lingering = connect_to(started.forwarder->port());
    EXPECT_TRUE(wait_until([&] { return started.forwarder->active_connections() == 1; }));
  }
  // `started` is gone: the forwarder closed its end of the connection still open.
  EXPECT_EQ(read_to_end(lingering.get()), "");
  lingering.reset();
  // The echo server (same process) closes its ends a moment later; a leak never settles.
  EXPECT_TRUE(wait_until([&] { return open_fds() == fds_before; })) << open_fds() - fds_before;
}

TEST(TcpForwarderTest, ClosesClientsWhenTheTargetIsDown) {
  std::uint16_t closed_port = 0;
  { listen_on_loopback(closed_port); }  // nothing listens there any more
  const auto started = TcpForwarder::start(0, "127.0.0.1:" + std::to_string(closed_port));
  ASSERT_TRUE(started) << started.error;
  const UniqueFd client = connect_to(started.forwarder->port());
  ASSERT_TRUE(client.valid());
  EXPECT_EQ(read_to_end(client.get()), "");  // EOF or reset, well before the 10 s timeout
  EXPECT_TRUE(wait_until([&] { return started.forwarder->active_connections() == 0; }));
}

}  // namespace
}  // namespace kafkatrace::kafka
