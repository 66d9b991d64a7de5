#include "kafka/internal/pending_send.h"

namespace kafkatrace::kafka::internal {

void PendingReturn::operator()(PendingSend* pending) const noexcept {
  if (pending == nullptr) return;
  if (pending->pool != nullptr) {
    pending->pool->release(pending);
  } else {
    delete pending;
  }
}

PendingPtr PendingPool::acquire() {
  std::unique_ptr<PendingSend> reused;
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      reused = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!reused) reused = std::make_unique<PendingSend>();
  reused->pool = this;
  return PendingPtr(reused.release());
}

void PendingPool::release(PendingSend* pending) noexcept {
  std::unique_ptr<PendingSend> owned(pending);
  // Cleared outside the lock: ending a span's last reference or a callback's captures may take
  // a while.
  owned->span = otel::DeferredSpan{};
  owned->previous_attempt = otel::SpanContext{};
  owned->promise.reset();
  owned->callback = nullptr;
  owned->record.reset();
  owned->parent = otel::Context{};
  owned->last_result.reset();
  owned->attempt = 1;
  try {
    std::lock_guard lock(mutex_);
    if (free_.size() < kMaxPooled) free_.push_back(std::move(owned));
  } catch (...) {
    // Out of memory growing the list: `owned` is deleted instead.
  }
}

}  // namespace kafkatrace::kafka::internal
