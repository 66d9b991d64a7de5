// DiscardingHttpSink: the local "OTLP receiver" of `kafkatrace bench`. A forked child process
// (so that the CPU it spends is not counted as the traced runs' CPU) serving every connection
// from one poll() loop: HTTP/1.1 keep-alive, Content-Length bodies discarded as they arrive.
// Request and byte counts live in a shared anonymous mapping the parent reads.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench_internal.h"

namespace kafkatrace::cli::bench {
namespace {

struct SharedCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// One keep-alive connection: the header of the request being read, then `body_left` bytes to
// drop.
struct Connection {
  int fd = -1;
  std::string header{};
  std::size_t body_left = 0;
  bool in_body = false;
};

std::size_t content_length(std::string_view header) {
  for (std::string_view name : {"Content-Length:", "content-length:"}) {
    const std::size_t at = header.find(name);
    if (at == std::string_view::npos) continue;
    std::string_view digits = header.substr(at + name.size());
    while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
    std::size_t length = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), length);
    return length;
  }
  return 0;
}

// Consumes `data`; false when the connection must be closed.
bool feed(Connection& connection, std::string_view data, SharedCounters& counters) {
  static constexpr std::string_view kResponse =
      "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
  while (!data.empty()) {
    if (connection.in_body) {
      const std::size_t taken = std::min(data.size(), connection.body_left);
      connection.body_left -= taken;
      data.remove_prefix(taken);
    } else {
      const std::size_t old_size = connection.header.size();
      connection.header.append(data);
      // Search only where the terminator can newly appear.
      const std::size_t from = old_size >= 3 ? old_size - 3 : 0;
      const std::size_t end = connection.header.find("\r\n\r\n", from);
      if (end == std::string::npos) {
        if (connection.header.size() > 65536) return false;  // not HTTP
        return true;
      }
      const std::size_t header_size = end + 4;
      data = data.substr(header_size - old_size);
      connection.body_left = content_length(std::string_view(connection.header).substr(0, end));
      counters.bytes.fetch_add(connection.body_left, std::memory_order_relaxed);
      connection.header.clear();
      connection.in_body = true;
    }
    if (connection.in_body && connection.body_left == 0) {
      connection.in_body = false;
      counters.requests.fetch_add(1, std::memory_order_relaxed);
      if (::send(connection.fd, kResponse.data(), kResponse.size(), MSG_NOSIGNAL) < 0) return false;
    }
  }
  return true;
}

[[noreturn]] void serve(int listener, SharedCounters& counters) {
  std::vector<Connection> connections;
  std::vector<pollfd> waiting;
  std::vector<char> chunk(1 << 16);
  for (;;) {
    waiting.assign(1, pollfd{listener, POLLIN, 0});
    for (const Connection& connection : connections) waiting.push_back({connection.fd, POLLIN, 0});
    if (::poll(waiting.data(), waiting.size(), 1000) < 0) continue;
    if (getppid() == 1) _exit(0);  // the parent died without stopping us
    for (std::size_t i = connections.size(); i-- > 0;) {
      if (waiting[i + 1].revents == 0) continue;
      const ssize_t got = ::recv(connections[i].fd, chunk.data(), chunk.size(), 0);
      if (got > 0 && feed(connections[i],
                          std::string_view(chunk.data(), static_cast<std::size_t>(got)), counters))
        continue;
      ::close(connections[i].fd);
      connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (waiting[0].revents != 0) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd >= 0) connections.push_back(Connection{.fd = fd});
    }
  }
}

}  // namespace

struct DiscardingHttpSink::State {
  int listener = -1;
  int port = 0;
  pid_t child = -1;
  SharedCounters* counters = nullptr;
};

DiscardingHttpSink::DiscardingHttpSink() : state_(std::make_unique<State>()) {
  void* shared = ::mmap(nullptr, sizeof(SharedCounters), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return;
  state_->counters = new (shared) SharedCounters();
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 16) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listener);
    return;
  }
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    serve(listener, *state_->counters);
  }
  if (child < 0) {
    ::close(listener);
    return;
  }
  state_->listener = listener;
  state_->port = ntohs(address.sin_port);
  state_->child = child;
}

DiscardingHttpSink::~DiscardingHttpSink() {
  if (state_->child > 0) {
    kill(state_->child, SIGKILL);
    waitpid(state_->child, nullptr, 0);
  }
  if (state_->listener >= 0) ::close(state_->listener);
  if (state_->counters != nullptr) ::munmap(state_->counters, sizeof(SharedCounters));
}

bool DiscardingHttpSink::ok() const noexcept {
  return state_->child > 0;
}
int DiscardingHttpSink::port() const noexcept {
  return state_->port;
}
std::uint64_t DiscardingHttpSink::requests() const noexcept {
  return state_->counters ? state_->counters->requests.load() : 0;
}
std::uint64_t DiscardingHttpSink::bytes() const noexcept {
  return state_->counters ? state_->counters->bytes.load() : 0;
}

}  // namespace kafkatrace::cli::bench
