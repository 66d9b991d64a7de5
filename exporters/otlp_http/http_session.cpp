#include "otlp_http/http_session.h"

#include <curl/curl.h>

#include <charconv>
#include <ctime>
#include <mutex>

#include "otlp_common/environment.h"

namespace kafkatrace::exporters::otlp {
namespace {

struct Transfer {
  HttpResponse* response;
  const std::atomic<bool>* abort;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string& body = transfer->response->body;
  const size_t room = HttpResponse::kMaxBody - std::min(body.size(), HttpResponse::kMaxBody);
  body.append(data, std::min(bytes, room));
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), "retry-after")) {
    transfer->response->retry_after = HttpSession::parse_retry_after(line.substr(colon + 1));
  }
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->abort->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

bool ensure_curl_initialized() noexcept {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return initialized;
}

std::optional<std::chrono::milliseconds> HttpSession::parse_retry_after(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min(seconds, 86400LL) * 1000);
  }
  const std::string text(value);
  const time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  const time_t now = std::time(nullptr);
  return std::chrono::milliseconds(date > now ? (date - now) * 1000LL : 0);
}

HttpSession::HttpSession(std::string url, const std::vector<std::string>& header_lines)
    : url_(std::move(url)) {
  if (!ensure_curl_initialized()) return;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return;
  curl_slist* list = nullptr;
  for (const auto& line : header_lines) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) break;
    list = next;
  }
  // No "Expect: 100-continue" round trip for large bodies.
  if (curl_slist* next = curl_slist_append(list, "Expect:")) list = next;
  headers_ = list;
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM, thread-safe
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  handle_ = curl;
}

HttpSession::~HttpSession() {
  if (handle_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle_));
  if (headers_ != nullptr) curl_slist_free_all(static_cast<curl_slist*>(headers_));
}

HttpResponse HttpSession::post(std::string_view body, std::chrono::milliseconds timeout,
                               const std::atomic<bool>& abort) noexcept {
  HttpResponse response;
  if (handle_ == nullptr) {
    response.error = "libcurl is not available";
    return response;
  }
  CURL* curl = static_cast<CURL*>(handle_);
  Transfer transfer{&response, &abort};
  char error_text[CURL_ERROR_SIZE] = {};
  const long timeout_ms = static_cast<long>(std::max<std::int64_t>(timeout.count(), 1));
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
  response.status = 0;
  response.error = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
  response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  response.aborted = code == CURLE_ABORTED_BY_CALLBACK;
  response.connection_failed =
      code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
      code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
      code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE;
  return response;
}

}  // namespace kafkatrace::exporters::otlp
