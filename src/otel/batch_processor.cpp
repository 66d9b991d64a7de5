// The batch processor: on_end pushes into a bounded lock-free queue (dropping and counting when
// full); one worker thread exports batches when max_export_batch_size spans are queued, when
// schedule_delay has passed, on force_flush and on shutdown. Exported SpanData is recycled.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/processor.h"
#include "otel/internal/bounded_queue.h"

namespace kafkatrace::otel {
namespace {

using Clock = std::chrono::steady_clock;

// Shared by the processor and its worker thread: a worker stuck in a hung exporter is detached
// at shutdown and keeps this alive until it returns.
struct BatchState {
  BatchState(std::unique_ptr<SpanExporter> exporter_in, const BatchOptions& options_in)
      : exporter(std::move(exporter_in)), options(options_in), queue(options.max_queue_size) {}

  std::unique_ptr<SpanExporter> exporter;
  const BatchOptions options;
  internal::BoundedQueue<std::unique_ptr<SpanData>> queue;
  std::atomic<bool> accepting{true};
  std::atomic<bool> signaled{false};  // the worker was woken for a full batch
  std::atomic<std::uint64_t> dropped{0}, exported{0}, failed{0}, failures{0};

  std::mutex mutex;                  // guards the fields below
  std::condition_variable wake;      // the worker waits here
  std::condition_variable progress;  // force_flush and shutdown wait here
  bool stop = false;
  bool worker_done = false;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_done = 0;
};

// Pops up to a batch and exports it; returns the number of spans exported (0: queue empty).
std::size_t export_batch(BatchState& state, std::vector<std::unique_ptr<SpanData>>& batch) {
  while (batch.size() < state.options.max_export_batch_size) {
    auto span = state.queue.try_pop();
    if (!span) break;
    batch.push_back(std::move(*span));
  }
  const std::size_t count = batch.size();
  if (count == 0) return 0;
  const auto started = Clock::now();
  const auto result = state.exporter->export_spans(batch);
  if (Clock::now() - started > state.options.export_timeout) {
    log(LogLevel::kWarning, "batch_processor", "an export took longer than the export timeout");
  }
  if (result == ExportResult::kSuccess) {
    state.exported.fetch_add(count, std::memory_order_relaxed);
  } else {
    state.failed.fetch_add(count, std::memory_order_relaxed);
    state.failures.fetch_add(1, std::memory_order_relaxed);
  }
  for (auto& span : batch) recycle_span_data(std::move(span));
  batch.clear();
  return count;
}

void run_worker(const std::shared_ptr<BatchState>& state) {
  std::vector<std::unique_ptr<SpanData>> batch;
  batch.reserve(state->options.max_export_batch_size);
  const std::size_t batch_size = state->options.max_export_batch_size;
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->wake.wait_for(lock, state->options.schedule_delay, [&] {
      return state->stop || state->flush_requested > state->flush_done ||
             state->queue.size() >= batch_size;
    });
    state->signaled.store(false, std::memory_order_relaxed);
    const bool stopping = state->stop;
    const std::uint64_t flush_target = state->flush_requested;
    const bool drain = stopping || flush_target > state->flush_done;
    lock.unlock();
    // Drain what is queued now (bounded, so that busy producers cannot starve a flush).
    std::size_t budget = state->queue.size() / batch_size + 1;
    while (export_batch(*state, batch) == batch_size || (drain && budget > 0)) {
      if (budget > 0) --budget;
      if (state->queue.size() == 0) break;
    }
    lock.lock();
    if (drain) state->flush_done = std::max(state->flush_done, flush_target);
    if (stopping) state->worker_done = true;
    state->progress.notify_all();
    if (stopping) return;
  }
}

class BatchProcessor final : public SpanProcessor {
 public:
  BatchProcessor(std::unique_ptr<SpanExporter> exporter, const BatchOptions& options)
      : state_(std::make_shared<BatchState>(std::move(exporter), options)),
        worker_([state = state_] { run_worker(state); }) {}

  ~BatchProcessor() override { shutdown(state_->options.export_timeout); }

  void on_end(std::unique_ptr<SpanData> span) noexcept override {
    if (!span->context.is_sampled()) {
      recycle_span_data(std::move(span));
      return;
    }
    BatchState& state = *state_;
    if (!state.accepting.load(std::memory_order_relaxed) || !state.queue.try_push(span)) {
      state.dropped.fetch_add(1, std::memory_order_relaxed);
      recycle_span_data(std::move(span));
      return;
    }
    if (state.queue.size() >= state.options.max_export_batch_size &&
        !state.signaled.load(std::memory_order_relaxed) &&
        !state.signaled.exchange(true, std::memory_order_relaxed)) {
      std::lock_guard lock(state.mutex);  // held only briefly by the worker: no lost wake-up
      state.wake.notify_one();
    }
  }

  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    const auto deadline = Clock::now() + timeout;
    bool flushed = false;
    {
      std::unique_lock lock(state_->mutex);
      if (state_->worker_done) return false;
      const std::uint64_t ticket = ++state_->flush_requested;
      state_->wake.notify_one();
      flushed = state_->progress.wait_until(
          lock, deadline, [&] { return state_->flush_done >= ticket || state_->worker_done; });
    }
    return flushed && state_->exporter->force_flush(remaining(deadline));
  }

  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    const auto deadline = Clock::now() + timeout;
    bool finished = false;
    {
      std::unique_lock lock(state_->mutex);
      if (shut_down_) return true;
      shut_down_ = true;
      state_->accepting.store(false, std::memory_order_relaxed);
      state_->stop = true;
      state_->wake.notify_one();
      finished = state_->progress.wait_until(lock, deadline, [&] { return state_->worker_done; });
    }
    if (finished) {
      worker_.join();
      // Spans pushed while the worker drained for the last time were never exported.
      while (auto span = state_->queue.try_pop()) {
        state_->dropped.fetch_add(1, std::memory_order_relaxed);
        recycle_span_data(std::move(*span));
      }
    } else {
      log(LogLevel::kWarning, "batch_processor",
          "the exporter did not finish within the shutdown timeout; abandoning its queue");
      worker_.detach();
    }
    return state_->exporter->shutdown(remaining(deadline)) && finished;
  }

  SpanProcessorStats stats() const noexcept override {
    return {state_->dropped.load(std::memory_order_relaxed),
            state_->exported.load(std::memory_order_relaxed),
            state_->failed.load(std::memory_order_relaxed),
            state_->failures.load(std::memory_order_relaxed)};
  }

 private:
  static std::chrono::microseconds remaining(Clock::time_point deadline) {
    return std::max(std::chrono::microseconds(0),
                    std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()));
  }

  std::shared_ptr<BatchState> state_;
  std::thread worker_;
  bool shut_down_ = false;  // guarded by state_->mutex
};

std::optional<long> positive_from_environment(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value <= 0) {
    log(LogLevel::kWarning, "batch_processor",
        std::string(name) + "=" + text + " is not a positive integer; ignored");
    return std::nullopt;
  }
  return value;
}

}  // namespace

BatchOptions BatchOptions::from_environment() {
  BatchOptions options;
  if (auto v = positive_from_environment("OTEL_BSP_MAX_QUEUE_SIZE")) options.max_queue_size = *v;
  if (auto v = positive_from_environment("OTEL_BSP_SCHEDULE_DELAY"))
    options.schedule_delay = std::chrono::milliseconds(*v);
  if (auto v = positive_from_environment("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"))
    options.max_export_batch_size = *v;
  if (auto v = positive_from_environment("OTEL_BSP_EXPORT_TIMEOUT"))
    options.export_timeout = std::chrono::milliseconds(*v);
  return options;
}

std::unique_ptr<SpanProcessor> make_batch_processor(std::unique_ptr<SpanExporter> exporter,
                                                    BatchOptions options) {
  options.max_queue_size = std::max<std::size_t>(options.max_queue_size, 1);
  options.max_export_batch_size =
      std::clamp<std::size_t>(options.max_export_batch_size, 1, options.max_queue_size);
  return std::make_unique<BatchProcessor>(std::move(exporter), options);
}

}  // namespace kafkatrace::otel
