#include "otlp_test_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace kafkatrace::reliability {
namespace {

// A TCP socket bound to 127.0.0.1 on an ephemeral port, listening when asked; -1 on failure.
int bind_loopback(bool listening, std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (listening && ::listen(fd, OtlpTestReceiver::kMaxConnections) != 0) ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::fprintf(stderr, "loopback socket: %s\n", std::strerror(errno));
    ::close(fd);
    return -1;
  }
  port = ntohs(address.sin_port);
  return fd;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char a = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
    if (a != prefix[i]) return false;
  }
  return true;
}

// The size of the complete request at the front of `buffer` and its body; nullopt while the
// request is incomplete.
struct Request {
  std::size_t size = 0;
  std::string_view body;
};
std::optional<Request> complete_request(std::string_view buffer) {
  const std::size_t header_end = buffer.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return std::nullopt;
  std::size_t content_length = 0;
  for (std::size_t line = buffer.find("\r\n") + 2; line < header_end;) {
    const std::size_t next = buffer.find("\r\n", line);
    const std::string_view header = buffer.substr(line, next - line);
    if (iequals_prefix(header, "content-length:"))
      content_length = std::strtoull(std::string(header.substr(15)).c_str(), nullptr, 10);
    line = next + 2;
  }
  const std::size_t size = header_end + 4 + content_length;
  if (buffer.size() < size) return std::nullopt;
  return Request{size, buffer.substr(header_end + 4, content_length)};
}

bool read_varint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Calls on_field(number, payload) for each length-delimited field of `message`, skipping the
// others; false when the message is malformed or on_field returned false.
template <class OnField>
bool for_each_length_field(std::string_view message, OnField&& on_field) {
  while (!message.empty()) {
    std::uint64_t tag = 0, value = 0;
    if (!read_varint(message, tag)) return false;
    switch (tag & 7) {
      case 0:
        if (!read_varint(message, value)) return false;
        break;
      case 1:
      case 5: {
        const std::size_t width = (tag & 7) == 1 ? 8 : 4;
        if (message.size() < width) return false;
        message.remove_prefix(width);
        break;
      }
      case 2:
        if (!read_varint(message, value) || value > message.size()) return false;
        if (!on_field(tag >> 3, message.substr(0, value))) return false;
        message.remove_prefix(value);
        break;
      default: return false;
    }
  }
  return true;
}

constexpr std::string_view kOk =
    "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view kUnavailable =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";

}  // namespace

std::optional<std::uint64_t> count_otlp_spans(std::string_view request) {
  std::uint64_t spans = 0;
  const bool ok = for_each_length_field(request, [&](std::uint64_t field, std::string_view rs) {
    return field != 1 || for_each_length_field(rs, [&](std::uint64_t f2, std::string_view ss) {
             return f2 != 2 || for_each_length_field(ss, [&](std::uint64_t f3, std::string_view) {
                      spans += f3 == 2;
                      return true;
                    });
           });
  });
  return ok ? std::optional(spans) : std::nullopt;
}

std::unique_ptr<OtlpTestReceiver> OtlpTestReceiver::start(ReceiverMode mode) {
  std::uint16_t port = 0;
  const int fd = bind_loopback(true, port);
  int wake[2];
  if (fd < 0 || ::pipe2(wake, O_CLOEXEC) != 0) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<OtlpTestReceiver>(new OtlpTestReceiver(mode, fd, wake[0], wake[1], port));
}

OtlpTestReceiver::OtlpTestReceiver(ReceiverMode mode, int listen_fd, int wake_fd_read,
                                   int wake_fd_write, std::uint16_t port)
    : mode_(mode),
      listen_fd_(listen_fd),
      wake_read_(wake_fd_read),
      wake_write_(wake_fd_write),
      port_(port),
      thread_([this] { serve(); }) {}

OtlpTestReceiver::~OtlpTestReceiver() {
  const char stop = 'x';
  if (::write(wake_write_, &stop, 1) != 1) std::perror("receiver wake-up");
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

std::string OtlpTestReceiver::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces";
}

ReceiverStats OtlpTestReceiver::stats() const noexcept {
  return {connections_.load(), requests_.load(), spans_accepted_.load(), spans_rejected_.load(),
          bytes_read_.load()};
}

void OtlpTestReceiver::serve() {
  struct Connection {
    int fd;
    std::string pending;  // bytes of the request being received
  };
  std::vector<Connection> connections;
  std::vector<pollfd> polled;
  std::vector<char> chunk(64 * 1024);
  for (;;) {
    polled.assign({{wake_read_, POLLIN, 0}, {listen_fd_, POLLIN, 0}});
    for (const auto& connection : connections) polled.push_back({connection.fd, POLLIN, 0});
    if (::poll(polled.data(), polled.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (polled[0].revents != 0) break;
    for (std::size_t i = connections.size(); i-- > 0;) {  // backwards: erasing keeps indices
      if (polled[i + 2].revents == 0) continue;
      Connection& connection = connections[i];
      const ssize_t count = ::read(connection.fd, chunk.data(), chunk.size());
      if (count <= 0) {
        ::close(connection.fd);
        connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      bytes_read_ += static_cast<std::uint64_t>(count);
      if (mode_ == ReceiverMode::kBlackHole) continue;  // read and forget, never answer
      connection.pending.append(chunk.data(), static_cast<std::size_t>(count));
      while (auto request = complete_request(connection.pending)) {
        ++requests_;
        const std::uint64_t spans = count_otlp_spans(request->body).value_or(0);
        const std::string_view answer = mode_ == ReceiverMode::kHealthy ? kOk : kUnavailable;
        (mode_ == ReceiverMode::kHealthy ? spans_accepted_ : spans_rejected_) += spans;
        if (::send(connection.fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) break;
        connection.pending.erase(0, request->size);
      }
    }
    if ((polled[1].revents & POLLIN) != 0) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0 && connections.size() >= static_cast<std::size_t>(kMaxConnections)) {
        ::close(fd);
      } else if (fd >= 0) {
        connections.push_back({fd, {}});
        ++connections_;
      }
    }
  }
  for (const auto& connection : connections) ::close(connection.fd);
}

std::unique_ptr<RefusingEndpoint> RefusingEndpoint::start() {
  std::uint16_t port = 0;
  const int fd = bind_loopback(false, port);
  if (fd < 0) return nullptr;
  return std::unique_ptr<RefusingEndpoint>(new RefusingEndpoint(fd, port));
}

RefusingEndpoint::~RefusingEndpoint() {
  ::close(fd_);
}

std::string RefusingEndpoint::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces";
}

}  // namespace kafkatrace::reliability
