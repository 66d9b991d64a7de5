// PendingSend: one record of TracedProducer on its way, from send() to its delivery report (or
// its last retry); and PendingPool, which recycles them so that a steady stream of sends does not
// allocate one per record.
//
//   PendingPtr pending = pool.acquire();   // sending thread
//   pending->callback = std::move(callback);
//   ...                                    // poll thread: finished, then returned by PendingPtr
//
// Each PendingSend is owned by exactly one place at a time: the sending call, librdkafka (as the
// message opaque, a raw pointer), or the retry queue. Destroying a PendingPtr clears the object
// and returns it to its pool.
// Threading: acquire() on any sending thread, release (PendingPtr's deleter) on the poll thread or
// a sending thread; one short mutex section each. Why a pool: the record is allocated on the
// sending thread and freed on the poll thread, which defeats malloc's per-thread caches (every
// allocation went to the shared arena). Cost: a lock/unlock pair instead of malloc/free plus the
// object's construction; the pool keeps at most kMaxPooled objects (≈0.5 KiB each).
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/deferred_span.h"

namespace kafkatrace::kafka::internal {

using Clock = std::chrono::steady_clock;

class PendingPool;

struct PendingSend {
  otel::DeferredSpan span{};             // the current attempt's (empty if not traced)
  otel::SpanContext previous_attempt{};  // the failed attempt's before this one, linked
  std::optional<std::promise<DeliveryResult>> promise{};
  DeliveryCallback callback{};
  Clock::time_point first_start{};
  Clock::time_point attempt_start{};
  int attempt = 1;
  // Kept only when the retry policy may send the record again.
  std::optional<ProducerRecord> record{};
  otel::Context parent{};
  std::optional<DeliveryResult> last_result{};  // of the failed attempt awaiting its retry
  PendingPool* pool = nullptr;                  // where it goes back (null: deleted)
};

struct PendingReturn {
  void operator()(PendingSend* pending) const noexcept;
};
using PendingPtr = std::unique_ptr<PendingSend, PendingReturn>;

class PendingPool {
 public:
  static constexpr std::size_t kMaxPooled = 4096;

  PendingPool() = default;
  PendingPool(const PendingPool&) = delete;
  PendingPool& operator=(const PendingPool&) = delete;

  // A cleared PendingSend (attempt 1, nothing set) that returns here when released. Throws
  // std::bad_alloc only.
  PendingPtr acquire();
  // Clears `pending` (its span, promise, callback, record and parent are destroyed here) and keeps
  // it for reuse, or deletes it when the pool is full.
  void release(PendingSend* pending) noexcept;

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<PendingSend>> free_;
};

}  // namespace kafkatrace::kafka::internal
