// HttpServer: a deliberately small HTTP/1.1 server for the Prometheus endpoint — one thread,
// one connection at a time, GET/HEAD only, "Connection: close" after every response. Enough for
// scrapers (Prometheus, curl, the collector's prometheus receiver); not a general web server.
//
//   HttpServer server;
//   if (!server.start("127.0.0.1", 9464, handler, &error)) log(error);
//   ...  server.stop();
//
// The handler runs on the server thread, once per request, and must not throw.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace kafkatrace::exporters::prometheus {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  // Called with the request path (query string removed).
  using Handler = std::function<HttpReply(std::string_view path)>;

  HttpServer() = default;
  ~HttpServer() { stop(); }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Resolves and binds host:port (port 0: ephemeral), then starts the thread. On failure returns
  // a description of what went wrong; "" on success.
  std::string start(const std::string& host, std::uint16_t port, Handler handler);
  void stop() noexcept;
  std::uint16_t port() const noexcept { return port_; }

 private:
  void run();
  void serve(int connection);
  // Reads the request head into `head`; false on timeout, stop, oversize or disconnect.
  bool read_head(int connection, std::string& head);

  Handler handler_;
  int listen_fd_ = -1;
  int wake_read_ = -1;  // a pipe: stop() writes to interrupt poll()
  int wake_write_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kafkatrace::exporters::prometheus
