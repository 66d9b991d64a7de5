// BoundedQueue<T>: a fixed-capacity multi-producer queue that never blocks: try_push fails when
// the queue is full. Lock-free (one compare-and-swap per operation), after D. Vyukov's bounded
// queue design: each cell carries a sequence number telling whose turn it is.
//
//   BoundedQueue<std::unique_ptr<SpanData>> queue(2048);
//   if (!queue.try_push(std::move(span))) ++dropped;      // any thread
//   while (auto span = queue.try_pop()) export(*span);     // the consumer thread(s)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace kafkatrace::otel::internal {

template <typename T>
class BoundedQueue final {
 public:
  explicit BoundedQueue(std::size_t capacity)
      : capacity_(capacity == 0 ? 1 : capacity), cells_(new Cell[capacity_]) {
    for (std::size_t i = 0; i < capacity_; ++i)
      cells_[i].sequence.store(i, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }
  // Approximate (exact when no operation is in flight).
  std::size_t size() const noexcept {
    const auto tail = dequeue_position_.load(std::memory_order_acquire);
    const auto head = enqueue_position_.load(std::memory_order_acquire);
    return head > tail ? head - tail : 0;
  }

  // On failure (full) `value` is left untouched, so the caller still owns it.
  bool try_push(T& value) noexcept {
    std::uint64_t position = enqueue_position_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[position % capacity_];
      const std::uint64_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::int64_t>(sequence - position);
      if (difference == 0) {
        if (enqueue_position_.compare_exchange_weak(position, position + 1,
                                                    std::memory_order_relaxed)) {
          cell.value = std::move(value);
          cell.sequence.store(position + 1, std::memory_order_release);
          return true;
        }
      } else if (difference < 0) {
        return false;  // full
      } else {
        position = enqueue_position_.load(std::memory_order_relaxed);
      }
    }
  }

  std::optional<T> try_pop() noexcept {
    std::uint64_t position = dequeue_position_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[position % capacity_];
      const std::uint64_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::int64_t>(sequence - (position + 1));
      if (difference == 0) {
        if (dequeue_position_.compare_exchange_weak(position, position + 1,
                                                    std::memory_order_relaxed)) {
          std::optional<T> value{std::move(cell.value)};
          cell.sequence.store(position + capacity_, std::memory_order_release);
          return value;
        }
      } else if (difference < 0) {
        return std::nullopt;  // empty (or the next push is not yet published)
      } else {
        position = dequeue_position_.load(std::memory_order_relaxed);
      }
    }
  }

 private:
  struct Cell {
    std::atomic<std::uint64_t> sequence{0};
    T value{};
  };

  const std::size_t capacity_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::uint64_t> enqueue_position_{0};
  alignas(64) std::atomic<std::uint64_t> dequeue_position_{0};
};

}  // namespace kafkatrace::otel::internal
