// TcpForwarder: listens on 127.0.0.1:PORT and pipes every accepted connection, byte for byte in
// both directions, to one IPv4 target. It gives the embedded broker a stable bootstrap port.
//
//   auto started = TcpForwarder::start(9092, "127.0.0.1:40123");
//   if (!started) return fail(started.error);
//   // clients connect to 127.0.0.1:started.forwarder->port() until `started` is destroyed
//
// Why a forwarder: librdkafka 2.0.2's mock cluster binds its listeners to ephemeral ports and
// has no call to choose one. Relaying keeps the library free of tricks such as interposing
// bind() and works with any librdkafka build. The consequence: only bootstrapping goes through
// PORT. The Metadata response still advertises each broker's own ephemeral port, and clients
// then connect there directly, which is fine because everything is on loopback. A client that
// can reach only PORT (a container with just that port published) cannot use the cluster.
//
// Threads: one background thread serves all connections with poll(); sockets are
// non-blocking, each direction has a bounded buffer (a slow reader stops the reading of its
// peer instead of growing memory) and a half-close (FIN) is passed on once the buffer drains.
// Destruction wakes the thread through an eventfd, joins it and closes every socket. Linux only.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace kafkatrace::kafka::internal {

// Owns one file descriptor; closes it on destruction. -1 means none.
class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

class TcpForwarder;

struct TcpForwarderResult {
  std::unique_ptr<TcpForwarder> forwarder{};  // null on failure
  std::string error{};                        // set on failure

  explicit operator bool() const noexcept { return forwarder != nullptr; }
};

class TcpForwarder {
 public:
  // Bytes buffered per direction per connection.
  static constexpr std::size_t kBufferSize = 64 * 1024;
  // Connections beyond this are accepted and closed at once.
  static constexpr std::size_t kMaxConnections = 256;

  // `listen_port` 0 picks an ephemeral port (see port()). `target` is "IPV4:PORT" or
  // "localhost:PORT". The listener uses SO_REUSEADDR; a port already listened on fails with
  // an error naming it. The target is not contacted until a client connects.
  static TcpForwarderResult start(std::uint16_t listen_port, std::string_view target);

  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;
  ~TcpForwarder();

  std::uint16_t port() const noexcept { return port_; }
  // Client connections currently open (accepted and not yet fully closed). Any thread.
  std::size_t active_connections() const noexcept {
    return active_connections_.load(std::memory_order_acquire);
  }

 private:
  TcpForwarder(UniqueFd listener, UniqueFd wake, std::uint16_t port,
               const sockaddr_in& target) noexcept;
  void run() noexcept;
  void serve();

  UniqueFd listener_;
  UniqueFd wake_;  // eventfd: written by the destructor
  std::uint16_t port_;
  sockaddr_in target_;
  std::atomic<std::size_t> active_connections_{0};
  std::thread thread_;  // last: started after every other member exists
};

}  // namespace kafkatrace::kafka::internal
