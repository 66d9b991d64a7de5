#include "kafka/internal/tcp_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

constexpr std::string_view kComponent = "tcp_forwarder";
constexpr std::size_t kCapacity = TcpForwarder::kBufferSize;

void log_errno(LogLevel level, std::string_view what, int error) {
  log(level, kComponent, std::string(what) + ": " + std::strerror(error));
}

bool would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

// Bytes travelling in one direction: read from `from`, written to `to`.
struct Pipe {
  std::unique_ptr<char[]> data = std::make_unique_for_overwrite<char[]>(kCapacity);
  std::size_t begin = 0;
  std::size_t end = 0;
  bool eof = false;        // the source has sent FIN
  bool passed_on = false;  // ... and we have sent FIN to the destination

  bool empty() const { return begin == end; }
  bool wants_input() const { return !eof && end - begin < kCapacity; }

  // Reads what fits. False on a connection error.
  bool fill(int from) {
    if (empty()) begin = end = 0;
    if (!wants_input()) return true;
    if (end == kCapacity) {
      std::memmove(data.get(), data.get() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    const ssize_t got = ::recv(from, data.get() + end, kCapacity - end, 0);
    if (got > 0) end += static_cast<std::size_t>(got);
    if (got == 0) eof = true;
    return got >= 0 || would_block(errno);
  }

  // Writes what the destination takes; passes FIN on once drained. False on a connection error.
  bool drain(int to) {
    if (!empty()) {
      const ssize_t sent = ::send(to, data.get() + begin, end - begin, MSG_NOSIGNAL);
      if (sent < 0 && !would_block(errno)) return false;
      if (sent > 0) begin += static_cast<std::size_t>(sent);
    }
    if (eof && empty() && !passed_on) {
      ::shutdown(to, SHUT_WR);
      passed_on = true;
    }
    return true;
  }
};

struct Connection {
  UniqueFd client;
  UniqueFd upstream;
  bool connecting = true;
  bool failed = false;
  Pipe to_upstream;
  Pipe to_client;

  bool finished() const { return failed || (to_upstream.passed_on && to_client.passed_on); }

  short client_events() const {
    short events = to_upstream.wants_input() ? POLLIN : 0;
    if (!connecting && !to_client.empty()) events |= POLLOUT;
    return events;
  }
  short upstream_events() const {
    if (connecting) return POLLOUT;
    short events = to_client.wants_input() ? POLLIN : 0;
    if (!to_upstream.empty()) events |= POLLOUT;
    return events;
  }

  void service(short client_revents, short upstream_revents) {
    if ((client_revents | upstream_revents) & POLLNVAL) {
      failed = true;
      return;
    }
    if (connecting && upstream_revents != 0) {
      int error = 0;
      socklen_t size = sizeof error;
      if (::getsockopt(upstream.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
      if (error != 0) {
        log_errno(LogLevel::kWarning, "connecting to the target failed", error);
        failed = true;
        return;
      }
      connecting = false;
    }
    // Errors (POLLERR, POLLHUP) surface as failed recv/send calls, so no flag is checked here.
    if (!to_upstream.fill(client.get()) || (!connecting && !to_upstream.drain(upstream.get()))) {
      failed = true;
    } else if (!connecting && (!to_client.fill(upstream.get()) || !to_client.drain(client.get()))) {
      failed = true;
    }
  }
};

void set_no_delay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // best effort: latency only
}

}  // namespace

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

TcpForwarderResult TcpForwarder::start(std::uint16_t listen_port, std::string_view target) {
  const std::size_t colon = target.rfind(':');
  std::string host(target.substr(0, colon));
  if (host == "localhost") host = "127.0.0.1";
  const std::string_view port_text =
      target.substr(colon == target.npos ? target.size() : colon + 1);
  const char* const port_end = port_text.data() + port_text.size();
  std::uint16_t target_port = 0;
  const auto parsed = std::from_chars(port_text.data(), port_end, target_port);
  sockaddr_in target_address{};
  target_address.sin_family = AF_INET;
  target_address.sin_port = htons(target_port);
  if (parsed.ec != std::errc() || parsed.ptr != port_end || target_port == 0 ||
      ::inet_pton(AF_INET, host.c_str(), &target_address.sin_addr) != 1) {
    return {nullptr, "forwarding target '" + std::string(target) + "' is not IPV4:PORT"};
  }

  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!listener.valid() || !wake.valid()) {
    return {nullptr, std::string("cannot create a socket: ") + std::strerror(errno)};
  }
  const int on = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(listen_port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string where = "127.0.0.1:" + std::to_string(listen_port);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    if (error == EADDRINUSE) return {nullptr, "port " + where + " is already in use"};
    return {nullptr, "cannot listen on " + where + ": " + std::strerror(error)};
  }
  socklen_t size = sizeof address;
  if (::listen(listener.get(), SOMAXCONN) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return {nullptr, "cannot listen on " + where + ": " + std::strerror(errno)};
  }

  std::unique_ptr<TcpForwarder> forwarder(new TcpForwarder(
      std::move(listener), std::move(wake), ntohs(address.sin_port), target_address));
  try {
    forwarder->thread_ = std::thread([raw = forwarder.get()] { raw->run(); });
  } catch (const std::system_error& error) {
    return {nullptr, std::string("cannot start the forwarding thread: ") + error.what()};
  }
  return {std::move(forwarder), {}};
}

TcpForwarder::TcpForwarder(UniqueFd listener, UniqueFd wake, std::uint16_t port,
                           const sockaddr_in& target) noexcept
    : listener_(std::move(listener)), wake_(std::move(wake)), port_(port), target_(target) {}

TcpForwarder::~TcpForwarder() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  if (::write(wake_.get(), &one, sizeof one) < 0) log_errno(LogLevel::kError, "wake-up", errno);
  thread_.join();
}

void TcpForwarder::run() noexcept {
  try {
    serve();
  } catch (const std::exception& error) {
    log(LogLevel::kError, kComponent, std::string("stopped forwarding: ") + error.what());
  }
  active_connections_.store(0, std::memory_order_release);
}

void TcpForwarder::serve() {
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<pollfd> fds;
  bool accept_paused = false;  // out of file descriptors: retry accepting after a pause
  while (true) {
    fds.assign({{wake_.get(), POLLIN, 0}, {accept_paused ? -1 : listener_.get(), POLLIN, 0}});
    for (const auto& connection : connections) {
      const short client = connection->client_events();
      const short upstream = connection->upstream_events();
      // An fd with nothing to wait for is left out (-1) so that POLLHUP cannot spin the loop.
      fds.push_back({client != 0 ? connection->client.get() : -1, client, 0});
      fds.push_back({upstream != 0 ? connection->upstream.get() : -1, upstream, 0});
    }
    if (::poll(fds.data(), fds.size(), accept_paused ? 100 : -1) < 0) {
      if (errno == EINTR) continue;
      log_errno(LogLevel::kError, "poll", errno);
      return;
    }
    if (fds[0].revents != 0) return;  // destructor: connections close with `connections`
    accept_paused = false;
    for (std::size_t i = 0; i < connections.size(); ++i) {
      const short client = fds[2 + 2 * i].revents;
      const short upstream = fds[3 + 2 * i].revents;
      if ((client | upstream) != 0) connections[i]->service(client, upstream);
    }
    std::erase_if(connections, [](const auto& connection) { return connection->finished(); });
    while (!accept_paused && (fds[1].revents & POLLIN) != 0) {
      UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!client.valid()) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        log_errno(LogLevel::kWarning, "accept (pausing for 100 ms)", errno);
        accept_paused = true;
        break;
      }
      if (connections.size() >= kMaxConnections) {
        log(LogLevel::kWarning, kComponent, "too many connections; refusing one");
        continue;
      }
      auto connection = std::make_unique<Connection>();
      connection->client = std::move(client);
      connection->upstream.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (!connection->upstream.valid()) {
        log_errno(LogLevel::kWarning, "socket", errno);
        continue;
      }
      set_no_delay(connection->client.get());
      set_no_delay(connection->upstream.get());
      if (::connect(connection->upstream.get(), reinterpret_cast<const sockaddr*>(&target_),
                    sizeof target_) == 0) {
        connection->connecting = false;
      } else if (errno != EINPROGRESS) {
        log_errno(LogLevel::kWarning, "connecting to the target failed", errno);
        continue;
      }
      connections.push_back(std::move(connection));
    }
    active_connections_.store(connections.size(), std::memory_order_release);
  }
}

}  // namespace kafkatrace::kafka::internal
