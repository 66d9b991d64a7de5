// HttpTestServer: a tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for exporter tests. It
// records every request (method, target, headers, body) and answers from a script of responses
// (default: 200 with an empty body). Handles keep-alive and Content-Length bodies only — what
// libcurl sends for a POST. One thread per connection; the destructor stops everything.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace kafkatrace::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // The value of header `name` (lower-case), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool never_answer = false;  // read the request, then stay silent until the client gives up
};

class HttpTestServer {
 public:
  HttpTestServer();
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const noexcept { return port_; }
  std::string url(std::string_view path = "/v1/traces") const;

  // Responses are used in order, one per request; when none is left, 200 with an empty body.
  void push_response(ScriptedResponse response);

  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  std::size_t connection_count() const;
  // Waits until at least `count` requests arrived; false on timeout (5 s).
  bool wait_for_requests(std::size_t count) const;

 private:
  void accept_loop();
  void serve(int fd);
  ScriptedResponse next_response();

  int listen_fd_ = -1;
  int port_ = 0;
  bool stopping_ = false;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::deque<ScriptedResponse> script_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> connections_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace kafkatrace::testing
