// Span: attribute/event/link recording under a per-span spinlock, limits, status rules, end.
#include "kafkatrace/otel/span.h"

#include <cxxabi.h>

#include <cstdlib>
#include <thread>
#include <typeinfo>

#include "otel/internal/provider_state.h"
#include "otel/internal/span_attributes.h"

namespace kafkatrace::otel {

AttributeValue AttributeArg::to_value() const {
  return std::visit(
      [](const auto& value) -> AttributeValue {
        using V = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<V, std::string_view>) {
          return std::string(value);
        } else {
          return value;
        }
      },
      value_);
}

class Span::Lock final {
 public:
  explicit Lock(std::atomic_flag& flag) noexcept : flag_(flag) {
    while (flag_.test_and_set(std::memory_order_acquire)) {
      while (flag_.test(std::memory_order_relaxed)) std::this_thread::yield();
    }
  }
  ~Lock() { flag_.clear(std::memory_order_release); }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  std::atomic_flag& flag_;
};

Span::Span(SpanContext context, std::unique_ptr<SpanData> data, std::uint32_t attribute_count,
           std::shared_ptr<internal::ProviderState> provider) noexcept
    : context_(std::move(context)),
      recording_(data != nullptr),
      attribute_count_(attribute_count),
      data_(std::move(data)),
      provider_(std::move(provider)) {}

Span::~Span() {
  if (data_) end();
}

void Span::set_attribute_recording(std::string_view key, const AttributeArg& value) noexcept {
  Lock lock(lock_);
  if (!data_) return;
  const auto& limits = provider_->limits();
  const SharedAttributes* shared = data_->shared_attributes.get();
  if (shared != nullptr && shared->contains(key)) {
    internal::materialize_shared(*data_, attribute_count_, limits, nullptr);
  }
  internal::put_attribute(data_->attributes, attribute_count_, data_->dropped_attributes_count,
                          internal::own_attribute_limit(*data_, limits),
                          limits.attribute_value_length, key, value);
}

void Span::add_event_locked(std::string_view name, std::initializer_list<SpanAttribute> attributes,
                            std::uint64_t time_unix_nano) noexcept {
  const auto& limits = provider_->limits();
  if (data_->events.size() >= limits.event_count) {
    ++data_->dropped_events_count;
    return;
  }
  auto& event = data_->events.emplace_back();
  event.name.assign(name);
  event.time_unix_nano = time_unix_nano;
  std::uint32_t live = 0;
  for (const auto& attribute : attributes) {
    internal::put_attribute(event.attributes, live, event.dropped_attributes_count,
                            limits.event_attribute_count, limits.attribute_value_length,
                            attribute.key, attribute.value);
  }
}

void Span::add_event_recording(std::string_view name,
                               std::initializer_list<SpanAttribute> attributes,
                               std::optional<std::chrono::system_clock::time_point> time) noexcept {
  const std::uint64_t when = internal::unix_nano(time);
  Lock lock(lock_);
  if (data_) add_event_locked(name, attributes, when);
}

void Span::add_link(const SpanContext& context,
                    std::initializer_list<SpanAttribute> attributes) noexcept {
  if (!provider_ || !context.is_valid()) return;
  Lock lock(lock_);
  if (!data_) return;
  const auto& limits = provider_->limits();
  if (data_->links.size() >= limits.link_count) {
    ++data_->dropped_links_count;
    return;
  }
  auto& link = data_->links.emplace_back();
  link.context = context;
  std::uint32_t live = 0;
  for (const auto& attribute : attributes) {
    internal::put_attribute(link.attributes, live, link.dropped_attributes_count,
                            limits.link_attribute_count, limits.attribute_value_length,
                            attribute.key, attribute.value);
  }
}

void Span::record_exception(const std::exception& exception,
                            std::initializer_list<SpanAttribute> attributes) noexcept {
  if (!provider_) return;
  const char* mangled = typeid(exception).name();
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  const std::string_view type = status == 0 && demangled ? demangled.get() : mangled;
  const std::uint64_t when = internal::unix_nano(std::nullopt);
  Lock lock(lock_);
  if (!data_) return;
  add_event_locked("exception", {{"exception.type", type}, {"exception.message", exception.what()}},
                   when);
  if (attributes.size() == 0 || data_->events.empty() || data_->events.back().name != "exception")
    return;
  auto& event = data_->events.back();
  std::uint32_t live = static_cast<std::uint32_t>(event.attributes.size());
  const auto& limits = provider_->limits();
  for (const auto& attribute : attributes) {
    internal::put_attribute(event.attributes, live, event.dropped_attributes_count,
                            limits.event_attribute_count, limits.attribute_value_length,
                            attribute.key, attribute.value);
  }
}

void Span::record_exception(std::string_view type, std::string_view message) noexcept {
  add_event("exception", {{"exception.type", type}, {"exception.message", message}});
}

void Span::set_status_recording(StatusCode code, std::string_view description) noexcept {
  if (code == StatusCode::kUnset) return;
  Lock lock(lock_);
  if (!data_ || data_->status_code == StatusCode::kOk) return;  // Ok is final
  data_->status_code = code;
  if (code == StatusCode::kError) {
    data_->status_message.assign(description);
  } else {
    data_->status_message.clear();
  }
}

void Span::update_name(std::string_view name) noexcept {
  if (!provider_) return;
  Lock lock(lock_);
  if (data_) data_->name.assign(name);
}

void Span::end_recording(std::optional<std::chrono::system_clock::time_point> end_time) noexcept {
  const std::uint64_t when = internal::unix_nano(end_time);
  std::unique_ptr<SpanData> data;
  {
    Lock lock(lock_);
    if (!data_) return;  // already ended
    data = std::move(data_);
    recording_.store(false, std::memory_order_release);
  }
  data->attributes.resize(attribute_count_);
  data->end_time_unix_nano = when;
  provider_->on_end(std::move(data));
}

}  // namespace kafkatrace::otel
