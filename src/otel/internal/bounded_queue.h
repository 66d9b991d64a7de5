// BoundedQueue<T>: a fixed-capacity multi-producer, single-consumer queue that never blocks:
// try_push fails when the queue is full. Lock-free (one compare-and-swap per push), after
// D. Vyukov's bounded queue design: each cell carries a sequence number telling whose turn it is.
//
//   BoundedQueue<std::unique_ptr<SpanData>> queue(2048);
//   if (!queue.try_push(span)) ++dropped;                 // any thread
//   while (queue.pop_into(batch, 512) > 0) export(batch);  // one consumer thread at a time
//
// Memory order: pushes and size() are sequentially consistent, so that a producer that pushes and
// then reads a "consumer asleep?" flag, and a consumer that clears that flag and then reads
// size(), cannot both miss each other (the batch processor's wake-up relies on it). On x86 that
// costs nothing extra: the compare-and-swap is a full barrier anyway, and the loads are plain.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kafkatrace::otel::internal {

template <typename T>
class BoundedQueue final {
 public:
  explicit BoundedQueue(std::size_t capacity)
      : capacity_(capacity == 0 ? 1 : capacity),
        power_of_two_((capacity_ & (capacity_ - 1)) == 0),
        cells_(new Cell[capacity_]) {
    for (std::size_t i = 0; i < capacity_; ++i)
      cells_[i].sequence.store(i, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }
  // Approximate while operations are in flight; exact otherwise.
  std::size_t size() const noexcept {
    const auto tail = dequeue_position_.load(std::memory_order_seq_cst);
    const auto head = enqueue_position_.load(std::memory_order_seq_cst);
    return head > tail ? head - tail : 0;
  }

  // The push's position (0 for the first push ever, then 1, 2, ...), or nullopt when the queue is
  // full; then `value` is left untouched, so the caller still owns it.
  std::optional<std::uint64_t> try_push(T& value) noexcept {
    std::uint64_t position = enqueue_position_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cell_at(position);
      const std::uint64_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::int64_t>(sequence - position);
      if (difference == 0) {
        if (enqueue_position_.compare_exchange_weak(
                position, position + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
          cell.value = std::move(value);
          cell.sequence.store(position + 1, std::memory_order_release);
          return position;
        }
      } else if (difference < 0) {
        return std::nullopt;  // full
      } else {
        position = enqueue_position_.load(std::memory_order_relaxed);
      }
    }
  }

  // Single consumer: moves up to `max_count` values into `out` (which must have room for them
  // without reallocating) and returns how many. Publishes the consumer position once per call.
  std::size_t pop_into(std::vector<T>& out, std::size_t max_count) noexcept {
    std::uint64_t position = dequeue_position_.load(std::memory_order_relaxed);
    std::size_t popped = 0;
    while (popped < max_count) {
      Cell& cell = cell_at(position);
      if (cell.sequence.load(std::memory_order_acquire) != position + 1) break;  // empty
      out.push_back(std::move(cell.value));
      cell.sequence.store(position + capacity_, std::memory_order_release);
      ++position;
      ++popped;
    }
    if (popped > 0) dequeue_position_.store(position, std::memory_order_seq_cst);
    return popped;
  }

 private:
  struct Cell {
    std::atomic<std::uint64_t> sequence{0};
    T value{};
  };

  // A mask when the capacity is a power of two (the defaults are): no division per operation.
  Cell& cell_at(std::uint64_t position) noexcept {
    return cells_[power_of_two_ ? position & (capacity_ - 1) : position % capacity_];
  }

  const std::size_t capacity_;
  const bool power_of_two_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::uint64_t> enqueue_position_{0};
  alignas(64) std::atomic<std::uint64_t> dequeue_position_{0};
};

}  // namespace kafkatrace::otel::internal
