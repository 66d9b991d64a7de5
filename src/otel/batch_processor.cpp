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
#include "otel/internal/provider_state.h"

namespace kafkatrace::otel {
namespace {

using Clock = std::chrono::steady_clock;

// How often (in pushes) a producer checks whether to wake the worker: a power of two, so that a
// full batch is noticed before the queue holds batch + stride - 1 spans (which must fit). Checking
// on every push would read the consumer's position, a cache line the worker keeps writing.
std::uint64_t wake_stride(const BatchOptions& options) {
  const std::size_t room = options.max_queue_size - options.max_export_batch_size + 1;
  const std::size_t limit = std::max<std::size_t>(1, std::min(options.max_export_batch_size, room));
  std::uint64_t stride = 1;
  while (stride * 2 <= limit) stride *= 2;
  return stride;
}

// Shared by the processor and its worker thread: a worker stuck in a hung exporter is detached
// at shutdown and keeps this alive until it returns.
struct BatchState {
  BatchState(std::unique_ptr<SpanExporter> exporter_in, const BatchOptions& options_in)
      : exporter(std::move(exporter_in)),
        options(options_in),
        stride_mask(wake_stride(options) - 1),
        queue(options.max_queue_size) {}

  std::unique_ptr<SpanExporter> exporter;
  const BatchOptions options;
  const std::uint64_t stride_mask;
  internal::BoundedQueue<std::unique_ptr<SpanData>> queue;
  std::atomic<bool> accepting{true};
  // Set by the producer that wakes the worker; cleared by the worker before it checks whether to
  // sleep. Both sides use sequentially consistent operations (see bounded_queue.h).
  std::atomic<bool> signaled{false};
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
  const std::size_t count = state.queue.pop_into(batch, state.options.max_export_batch_size);
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
    // Cleared before the predicate reads the queue size: a producer that fills a batch after this
    // point sees the flag clear and wakes us (it takes the mutex, so it cannot notify before we
    // wait). Clearing it only after waking would lose that wake-up: the producer that set the
    // flag while we were exporting notified no one, and no producer would notify again.
    state->signaled.store(false, std::memory_order_seq_cst);
    state->wake.wait_for(lock, state->options.schedule_delay, [&] {
      return state->stop || state->flush_requested > state->flush_done ||
             state->queue.size() >= batch_size;
    });
    const bool stopping = state->stop;
    const std::uint64_t flush_target = state->flush_requested;
    const bool drain = stopping || flush_target > state->flush_done;
    lock.unlock();
    if (drain) {
      // What is queued now, and no more, so that busy producers cannot starve a flush.
      std::size_t left = state->queue.size();
      while (left > 0) {
        const std::size_t count = export_batch(*state, batch);
        if (count == 0) break;
        left -= std::min(left, count);
      }
    } else {
      // A full batch, or the schedule delay passed: export full batches while there are any
      // (after a timeout, whatever is queued).
      while (export_batch(*state, batch) == batch_size && state->queue.size() >= batch_size) {
      }
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
  bool start_required() const noexcept override { return false; }
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
    const auto position =
        state.accepting.load(std::memory_order_relaxed) ? state.queue.try_push(span) : std::nullopt;
    if (!position) {
      state.dropped.fetch_add(1, std::memory_order_relaxed);
      recycle_span_data(std::move(span));
      return;
    }
    if ((*position & state.stride_mask) == state.stride_mask &&
        state.queue.size() >= state.options.max_export_batch_size &&
        !state.signaled.load(std::memory_order_seq_cst) &&
        !state.signaled.exchange(true, std::memory_order_seq_cst)) {
      std::lock_guard lock(state.mutex);  // held by the worker until it waits: no lost wake-up
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
      std::lock_guard lock(state_->mutex);
      if (shut_down_) return true;
      shut_down_ = true;
      state_->accepting.store(false, std::memory_order_relaxed);
    }
    // Outside our lock (it calls into the exporter): the last drain gets one attempt per batch.
    state_->exporter->begin_shutdown();
    {
      std::unique_lock lock(state_->mutex);
      state_->stop = true;
      state_->wake.notify_one();
      finished = state_->progress.wait_until(lock, deadline, [&] { return state_->worker_done; });
    }
    if (finished) {
      worker_.join();
      drop_queued();
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
  // Spans pushed while the worker drained for the last time were never exported.
  void drop_queued() noexcept {
    try {
      std::vector<std::unique_ptr<SpanData>> left;
      left.reserve(state_->options.max_export_batch_size);
      while (state_->queue.pop_into(left, state_->options.max_export_batch_size) > 0) {
        state_->dropped.fetch_add(left.size(), std::memory_order_relaxed);
        for (auto& span : left) recycle_span_data(std::move(span));
        left.clear();
      }
    } catch (...) {
      // Out of memory: the queue frees what is left when the processor is destroyed.
    }
  }

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
  internal::reserve_span_data(options.max_queue_size + options.max_export_batch_size);
  return std::make_unique<BatchProcessor>(std::move(exporter), options);
}

}  // namespace kafkatrace::otel
