#include "kafkatrace/kafka/headers.h"

#include <cstring>
#include <string>

#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka {
namespace {

// librdkafka's lookups take NUL-terminated names; propagator keys are views. Short names are
// copied to the stack, longer ones to the heap (out of memory, or a name with an embedded NUL,
// gives an invalid name that the caller treats as absent).
class HeaderName {
 public:
  explicit HeaderName(std::string_view key) noexcept {
    if (key.find('\0') != std::string_view::npos) return;
    if (key.size() < sizeof buffer_) {
      key.copy(buffer_, key.size());
      buffer_[key.size()] = '\0';
      name_ = buffer_;
      return;
    }
    try {
      heap_.assign(key);
      name_ = heap_.c_str();
    } catch (...) {
      name_ = nullptr;
    }
  }
  HeaderName(const HeaderName&) = delete;
  HeaderName& operator=(const HeaderName&) = delete;

  const char* c_str() const noexcept { return name_; }

 private:
  char buffer_[64];
  std::string heap_;
  const char* name_ = nullptr;
};

std::string_view bytes(const void* value, std::size_t size) noexcept {
  return value ? std::string_view(static_cast<const char*>(value), size) : std::string_view{};
}

}  // namespace

const otel::TracingBackend& default_propagation_backend() noexcept {
  // Never destroyed: callers may propagate from other static destructors.
  static const otel::TracingBackend* const backend =
      otel::make_sdk_tracing_backend(otel::Tracer{}).release();
  return *backend;
}

std::optional<std::string_view> KafkaHeadersCarrier::get(std::string_view key) const noexcept {
  if (headers_ == nullptr) return std::nullopt;
  const HeaderName name(key);
  if (name.c_str() == nullptr) return std::nullopt;
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(headers_, name.c_str(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  return bytes(value, size);
}

void KafkaHeadersCarrier::set(std::string_view key, std::string_view value) noexcept {
  if (writable_ == nullptr || key.empty()) return;
  const HeaderName name(key);
  if (name.c_str() == nullptr) return;
  rd_kafka_header_remove(writable_, name.c_str());  // __NOENT when there was none: fine
  rd_kafka_header_add(writable_, key.data(), static_cast<ssize_t>(key.size()), value.data(),
                      static_cast<ssize_t>(value.size()));
}

void KafkaHeadersCarrier::for_each_key(Visitor visit) const noexcept {
  if (headers_ == nullptr) return;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; !rd_kafka_header_get_all(headers_, i, &name, &value, &size); ++i) {
    if (!visit(std::string_view(name))) return;
  }
}

void KafkaHeadersCarrier::for_each_value(std::string_view key, Visitor visit) const noexcept {
  if (headers_ == nullptr) return;
  const HeaderName name(key);
  if (name.c_str() == nullptr) return;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; !rd_kafka_header_get(headers_, i, name.c_str(), &value, &size); ++i) {
    if (!visit(bytes(value, size))) return;
  }
}

void inject_context(rd_kafka_headers_t* headers, const otel::Context& context,
                    const otel::TracingBackend* backend) noexcept {
  if (headers == nullptr) return;
  KafkaHeadersCarrier carrier(headers);
  (backend ? *backend : default_propagation_backend()).inject(context, carrier);
}

otel::Context extract_context(const rd_kafka_headers_t* headers, const otel::Context& base,
                              const otel::TracingBackend* backend) noexcept {
  if (headers == nullptr) return base;
  const KafkaHeadersCarrier carrier(headers);
  return (backend ? *backend : default_propagation_backend()).extract(carrier, base);
}

otel::Context extract_context(const rd_kafka_message_t* message, const otel::Context& base,
                              const otel::TracingBackend* backend) noexcept {
  if (message == nullptr) return base;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return base;
  return extract_context(static_cast<const rd_kafka_headers_t*>(headers), base, backend);
}

}  // namespace kafkatrace::kafka
