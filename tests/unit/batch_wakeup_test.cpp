// Regression test for a lost wake-up in the batch processor: a producer that filled a batch while
// the worker was exporting set the "signaled" flag and notified no one; the worker then slept
// with the flag still set, so no later producer woke it, and full batches waited for the
// schedule delay (an hour here) while the queue filled up and dropped spans.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {
namespace {

// Blocks the first export until released; counts exported spans.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool open = false;
  std::size_t spans = 0;
};

class GatedExporter final : public SpanExporter {
 public:
  explicit GatedExporter(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept override {
    std::unique_lock lock(gate_->mutex);
    gate_->entered = true;
    gate_->changed.notify_all();
    gate_->changed.wait(lock, [&] { return gate_->open; });
    gate_->spans += spans.size();
    gate_->changed.notify_all();
    return ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  std::shared_ptr<Gate> gate_;
};

TEST(BatchProcessorWakeUp, BatchFilledDuringAnExportIsNotLost) {
  auto gate = std::make_shared<Gate>();
  TracerProviderOptions options;
  options.resource = Resource{};
  options.sampler = make_always_on_sampler();
  options.limits = SpanLimits{};
  options.disabled = false;
  options.processors.push_back(make_batch_processor(
      std::make_unique<GatedExporter>(gate),
      {.max_queue_size = 64, .schedule_delay = std::chrono::hours(1), .max_export_batch_size = 8}));
  auto provider = make_tracer_provider(std::move(options));
  auto tracer = provider->get_tracer("test");
  const auto produce = [&] {
    for (int i = 0; i < 8; ++i) tracer.start_span("op")->end();
  };

  produce();  // a full batch wakes the worker, which blocks in the export
  {
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [&] { return gate->entered; });
  }
  produce();  // fills a batch while the worker is busy
  {
    std::lock_guard lock(gate->mutex);
    gate->open = true;
    gate->changed.notify_all();
  }
  {
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [&] { return gate->spans == 16; });
  }
  produce();  // a full batch again: must wake the worker now, not in an hour
  std::unique_lock lock(gate->mutex);
  EXPECT_TRUE(
      gate->changed.wait_for(lock, std::chrono::seconds(20), [&] { return gate->spans == 24; }))
      << "exported " << gate->spans << " of 24 without a flush";
}

}  // namespace
}  // namespace kafkatrace::otel
