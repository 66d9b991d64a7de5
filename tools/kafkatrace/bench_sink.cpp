// DiscardingHttpSink: the local "OTLP receiver" of `kafkatrace bench`. One thread per
// connection (the exporter keeps one or two open), HTTP/1.1 keep-alive, Content-Length bodies.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_internal.h"

namespace kafkatrace::cli::bench {

struct DiscardingHttpSink::State {
  int listener = -1;
  int port = 0;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes{0};
  std::thread acceptor;
  std::mutex mutex;
  std::vector<std::thread> connections;

  // Serves one connection until it closes or the sink stops.
  void serve(int fd) {
    std::string buffer;
    char chunk[65536];
    while (!stop.load()) {
      const std::size_t header_end = buffer.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t length = 0;
        for (const char* name : {"Content-Length:", "content-length:"}) {
          const std::size_t at = buffer.find(name);
          if (at != std::string::npos && at < header_end)
            length = std::stoul(buffer.substr(at + std::strlen(name)));
        }
        if (buffer.size() >= header_end + 4 + length) {
          buffer.erase(0, header_end + 4 + length);
          requests.fetch_add(1);
          bytes.fetch_add(length);
          static constexpr char kResponse[] =
              "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
              "Content-Length: 0\r\n\r\n";
          if (::send(fd, kResponse, sizeof kResponse - 1, MSG_NOSIGNAL) < 0) break;
          continue;
        }
      }
      pollfd waiting{fd, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    ::close(fd);
  }

  void accept_loop() {
    while (!stop.load()) {
      pollfd waiting{listener, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard lock(mutex);
      connections.emplace_back([this, fd] { serve(fd); });
    }
  }
};

DiscardingHttpSink::DiscardingHttpSink() : state_(std::make_unique<State>()) {
  state_->listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (state_->listener < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(state_->listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(state_->listener, 16) != 0 ||
      ::getsockname(state_->listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(state_->listener);
    state_->listener = -1;
    return;
  }
  state_->port = ntohs(address.sin_port);
  state_->acceptor = std::thread([state = state_.get()] { state->accept_loop(); });
}

DiscardingHttpSink::~DiscardingHttpSink() {
  state_->stop.store(true);
  if (state_->acceptor.joinable()) state_->acceptor.join();
  for (auto& connection : state_->connections) connection.join();
  if (state_->listener >= 0) ::close(state_->listener);
}

bool DiscardingHttpSink::ok() const noexcept {
  return state_->listener >= 0;
}
int DiscardingHttpSink::port() const noexcept {
  return state_->port;
}
std::uint64_t DiscardingHttpSink::requests() const noexcept {
  return state_->requests.load();
}
std::uint64_t DiscardingHttpSink::bytes() const noexcept {
  return state_->bytes.load();
}

}  // namespace kafkatrace::cli::bench
