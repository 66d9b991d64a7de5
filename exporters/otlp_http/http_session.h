// HttpSession: one libcurl easy handle posting to one URL with a fixed set of headers, reused
// for every request so the connection stays alive. Used by the OTLP/HTTP exporters.
//
//   HttpSession session(url, {"Content-Type: application/x-protobuf"});
//   HttpResponse response = session.post(body, std::chrono::seconds(10), abort_flag);
//   if (response.status == 200) ...
//
// Not thread-safe: one request at a time. `abort` may be set from another thread to cut a
// transfer short (it is checked from libcurl's progress callback, about once a second when idle
// and on every chunk of traffic).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkatrace::exporters::otlp {

struct HttpResponse {
  long status = 0;                 // 0 when no HTTP response arrived
  bool connection_failed = false;  // could not connect / resolve / send: worth retrying
  bool timed_out = false;
  bool aborted = false;
  std::string error;  // libcurl's error text when status == 0
  // From Retry-After (delta-seconds or HTTP-date), already converted to a wait.
  std::optional<std::chrono::milliseconds> retry_after;
  std::string body;  // at most kMaxBody bytes are kept
  static constexpr std::size_t kMaxBody = 64 * 1024;
};

class HttpSession {
 public:
  // `header_lines` are "Name: value" lines sent with every request.
  HttpSession(std::string url, const std::vector<std::string>& header_lines);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  bool valid() const noexcept { return handle_ != nullptr; }

  HttpResponse post(std::string_view body, std::chrono::milliseconds timeout,
                    const std::atomic<bool>& abort) noexcept;

  // Parses a Retry-After value; nullopt when malformed. Exposed for tests.
  static std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

 private:
  std::string url_;
  void* handle_ = nullptr;   // CURL*
  void* headers_ = nullptr;  // curl_slist*
};

// curl_global_init, once per process (thread-safe).
bool ensure_curl_initialized() noexcept;

}  // namespace kafkatrace::exporters::otlp
