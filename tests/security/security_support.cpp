#include "security_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace kafkatrace::testing {

LogCapture::LogCapture(LogLevel restore_level) : restore_level_(restore_level) {
  set_log_handler(
      [shared = shared_](LogLevel level, std::string_view component, std::string_view message) {
        std::string line(to_string(level));
        line.append(" ").append(component).append(": ").append(message);
        const std::lock_guard lock(shared->mutex);
        shared->lines.push_back(std::move(line));
      });
  set_log_level(LogLevel::kDebug);
}

LogCapture::~LogCapture() {
  set_log_handler({});
  set_log_level(restore_level_);
}

std::vector<std::string> LogCapture::lines() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->lines;
}

std::vector<std::string> LogCapture::lines_containing(std::string_view needle) const {
  std::vector<std::string> found;
  for (const auto& line : lines())
    if (line.find(needle) != std::string::npos) found.push_back(line);
  return found;
}

std::size_t LogCapture::size() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->lines.size();
}

bool ListeningSocket::loopback() const {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

namespace {

// The kernel prints each 32-bit word of the address in host byte order as 8 hex digits.
std::string decode_address(const std::string& hex) {
  unsigned char bytes[16] = {};
  const std::size_t words = hex.size() / 8;
  for (std::size_t w = 0; w < words && w < 4; ++w) {
    const auto word = static_cast<std::uint32_t>(std::stoul(hex.substr(8 * w, 8), nullptr, 16));
    std::memcpy(bytes + 4 * w, &word, sizeof word);
  }
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(words == 1 ? AF_INET : AF_INET6, bytes, text, sizeof text);
  return text;
}

std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code error;
  const auto directory = std::filesystem::path("/proc") / std::to_string(pid) / "fd";
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
    if (target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
  }
  return inodes;
}

}  // namespace

std::vector<ListeningSocket> listening_sockets(pid_t pid) {
  const std::set<std::string> inodes = socket_inodes(pid);
  std::vector<ListeningSocket> sockets;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(file, line);  // header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "0A" || inodes.count(inode) == 0) continue;  // 0A: LISTEN
      const auto colon = local.find(':');
      sockets.push_back(
          {decode_address(local.substr(0, colon)),
           static_cast<std::uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16))});
    }
  }
  return sockets;
}

ScopedEnvironment::ScopedEnvironment(std::vector<std::pair<std::string, std::string>> variables) {
  for (const auto& [name, value] : variables) {
    const char* old = std::getenv(name.c_str());
    previous_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
}

ScopedEnvironment::~ScopedEnvironment() {
  for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) {
    if (it->second)
      ::setenv(it->first.c_str(), it->second->c_str(), 1);
    else
      ::unsetenv(it->first.c_str());
  }
}

std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

}  // namespace kafkatrace::testing
