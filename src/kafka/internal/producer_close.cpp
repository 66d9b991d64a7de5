// ProducerCore: waiting for outstanding records (flush) and closing (flush, purge, resolve).
#include <algorithm>
#include <string>

#include "kafka/internal/producer_core.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

// After the purge at close, how long reports of purged records may take to come back.
constexpr auto kPurgeWait = std::chrono::seconds(5);

}  // namespace

void ProducerCore::cancel_retries() noexcept {
  std::multimap<Clock::time_point, PendingPtr> cancelled;
  {
    std::lock_guard lock(retry_mutex_);
    cancelled.swap(retries_);
  }
  for (auto& [due, pending] : cancelled) {
    const DeliveryResult result =
        pending->last_result ? std::move(*pending->last_result) : DeliveryResult{};
    finish(std::move(pending), result);
  }
}

bool ProducerCore::wait_idle(Clock::time_point deadline) {
  idle_waiters_.fetch_add(1);
  std::unique_lock lock(idle_mutex_);
  // Wakes at least every 50 ms: a notification is only sent when waiters were seen.
  while (outstanding_.load() != 0 && Clock::now() < deadline) {
    idle_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(50)));
  }
  idle_waiters_.fetch_sub(1);
  return outstanding_.load() == 0;
}

bool ProducerCore::flush(std::chrono::milliseconds timeout) {
  return wait_idle(Clock::now() + timeout);
}

void ProducerCore::close() noexcept {
  if (closed_ || handle_ == nullptr) return;
  closed_ = true;
  try {
    wait_idle(Clock::now() + options_.close_timeout);
    closing_.store(true);
    cancel_retries();
    rd_kafka_purge(handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    wait_idle(Clock::now() + kPurgeWait);
  } catch (...) {
  }
  stop_.store(true);
  rd_kafka_yield(handle_);
  if (poller_.joinable()) poller_.join();
  // Whatever came back after the poll thread stopped.
  for (int i = 0; i < 50 && outstanding_.load() != 0; ++i) rd_kafka_poll(handle_, 100);
  cancel_retries();
  if (const std::size_t left = outstanding_.load(); left != 0) {
    log(LogLevel::kError, "producer",
        std::to_string(left) +
            " records had no delivery report at close; their futures stay "
            "unresolved");
  }
  rd_kafka_destroy(handle_);
  handle_ = nullptr;
}

}  // namespace kafkatrace::kafka::internal
