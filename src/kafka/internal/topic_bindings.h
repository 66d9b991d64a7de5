// TopicBindings<Handles>: per-topic metric handles bound once (bound_instruments.h), so that the
// per-message metrics of a steady stream skip the attribute lookup. At most kMaxTopics topics
// get bindings; records of further topics take the unbound path (same series, slower).
//
//   const SendHandles* handles = bindings.find(topic);       // any thread, lock-free
//   if (!handles) handles = bindings.add(topic, [&] { return bind_for(topic); });
//
// Threading: find() on any thread without a lock (entries are published with release and never
// change or move afterwards); add() takes a mutex. Handles must be safe to use concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "otel/internal/span_attributes.h"  // same_bytes

namespace kafkatrace::kafka::internal {

template <class Handles>
class TopicBindings {
 public:
  static constexpr std::size_t kMaxTopics = 64;

  const Handles* find(std::string_view topic) const noexcept {
    const std::size_t count = count_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < count; ++i) {
      const Entry& entry = *entries_[i];
      if (entry.topic.size() == topic.size() &&
          otel::internal::same_bytes(entry.topic.data(), topic.data(), topic.size()))
        return &entry.handles;
    }
    return nullptr;
  }

  // The handles of `topic`, made by `make()` unless another thread added them first. Null when
  // the table is full or out of memory.
  template <class Make>
  const Handles* add(std::string_view topic, Make make) noexcept {
    std::lock_guard lock(mutex_);
    if (const Handles* found = find(topic)) return found;
    const std::size_t count = count_.load(std::memory_order_relaxed);
    if (count == kMaxTopics) return nullptr;
    try {
      entries_[count] = std::make_unique<Entry>(Entry{std::string(topic), make()});
    } catch (...) {
      return nullptr;
    }
    count_.store(count + 1, std::memory_order_release);
    return &entries_[count]->handles;
  }

 private:
  struct Entry {
    std::string topic;
    Handles handles;
  };
  std::array<std::unique_ptr<Entry>, kMaxTopics> entries_{};
  std::atomic<std::size_t> count_{0};
  std::mutex mutex_;
};

}  // namespace kafkatrace::kafka::internal
