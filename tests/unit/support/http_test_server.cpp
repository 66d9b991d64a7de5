#include "support/http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace kafkatrace::testing {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return {};
}

bool RecordedRequest::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return header.first == name; });
}

HttpTestServer::HttpTestServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t length = sizeof(address);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  for (auto& worker : workers_) worker.join();
  for (int fd : connections_) ::close(fd);
}

std::string HttpTestServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void HttpTestServer::push_response(ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(response));
}

std::vector<RecordedRequest> HttpTestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t HttpTestServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t HttpTestServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

bool HttpTestServer::wait_for_requests(std::size_t count) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, std::chrono::seconds(5),
                           [&] { return requests_.size() >= count; });
}

ScriptedResponse HttpTestServer::next_response() {
  std::lock_guard lock(mutex_);
  if (script_.empty()) return {};
  ScriptedResponse response = std::move(script_.front());
  script_.pop_front();
  return response;
}

void HttpTestServer::accept_loop() {
  for (;;) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;  // shut down
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    connections_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void HttpTestServer::serve(int fd) {
  std::string buffer;
  char chunk[16384];
  auto fill = [&]() {
    const ssize_t received = ::recv(fd, chunk, sizeof(chunk), 0);
    if (received <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(received));
    return true;
  };
  for (;;) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return;
    }
    RecordedRequest request;
    std::string_view head(buffer.data(), header_end);
    const auto first_line_end = head.find("\r\n");
    std::string_view line = head.substr(0, first_line_end);
    const auto space1 = line.find(' ');
    const auto space2 = line.find(' ', space1 + 1);
    request.method = std::string(line.substr(0, space1));
    request.target = std::string(line.substr(space1 + 1, space2 - space1 - 1));
    std::size_t content_length = 0;
    std::size_t pos = first_line_end == std::string_view::npos ? head.size() : first_line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      const std::string_view header_line = head.substr(pos, end - pos);
      const auto colon = header_line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = lower(trim(header_line.substr(0, colon)));
        std::string value(trim(header_line.substr(colon + 1)));
        if (name == "content-length") content_length = std::stoul(value);
        request.headers.emplace_back(std::move(name), std::move(value));
      }
      pos = end + 2;
    }
    const std::size_t body_start = header_end + 4;
    while (buffer.size() < body_start + content_length) {
      if (!fill()) return;
    }
    request.body = buffer.substr(body_start, content_length);
    buffer.erase(0, body_start + content_length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    arrived_.notify_all();

    const ScriptedResponse response = next_response();
    if (response.never_answer) {
      while (fill()) {
      }
      return;
    }
    std::string text = "HTTP/1.1 " + std::to_string(response.status) + " Scripted\r\n";
    text += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    for (const auto& [name, value] : response.headers) text += name + ": " + value + "\r\n";
    text += "\r\n" + response.body;
    if (!send_all(fd, text)) return;
  }
}

}  // namespace kafkatrace::testing
