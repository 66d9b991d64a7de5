// Helpers of the security tests: capturing everything the library logs, and listing the TCP
// sockets a process listens on (from /proc), to check what an endpoint exposes.
//
//   LogCapture capture;                              // debug level, every line kept
//   ...;                                             // make things fail
//   EXPECT_EQ(capture.lines_containing(kSecret), std::vector<std::string>{});
//   for (const auto& socket : listening_sockets()) EXPECT_TRUE(socket.loopback());
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafkatrace/log.h"

namespace kafkatrace::testing {

// Installs a handler that keeps every line ("level component: message") and lowers the level to
// debug, as OTEL_LOG_LEVEL=debug would; the destructor restores stderr at `restore_level`.
// The handler may run on any thread (librdkafka's, the exporters').
class LogCapture {
 public:
  explicit LogCapture(LogLevel restore_level = LogLevel::kInfo);
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const;
  // The captured lines containing `needle`.
  std::vector<std::string> lines_containing(std::string_view needle) const;
  std::size_t size() const;

 private:
  struct Shared {
    mutable std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  LogLevel restore_level_;
};

struct ListeningSocket {
  std::string address;  // "127.0.0.1", "0.0.0.0", "::1", "::", "::ffff:127.0.0.1", ...
  std::uint16_t port = 0;
  bool loopback() const;  // 127.0.0.0/8, ::1 or IPv4-mapped 127.0.0.0/8
};

// TCP sockets in LISTEN state held open by process `pid` (its file descriptors matched against
// /proc/<pid>/net/tcp and tcp6 by inode).
std::vector<ListeningSocket> listening_sockets(pid_t pid = ::getpid());

// Sets environment variables for its lifetime and restores the previous values (or absence)
// afterwards. Not thread-safe, like setenv itself: use it where no other thread reads the
// environment.
class ScopedEnvironment {
 public:
  explicit ScopedEnvironment(std::vector<std::pair<std::string, std::string>> variables);
  ~ScopedEnvironment();
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> previous_;
};

// A TCP port nothing listens on right now (bound to 127.0.0.1:0 and released).
std::uint16_t unused_port();

}  // namespace kafkatrace::testing
