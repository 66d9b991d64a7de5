#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {
namespace {

using std::chrono::milliseconds;

// Lets a test hold the exporter inside export_spans until it releases it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int entered = 0;
  bool open = false;
  std::atomic<std::uint64_t> spans{0};

  void wait_entered(int count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return entered >= count; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

class GatedExporter final : public SpanExporter {
 public:
  explicit GatedExporter(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept override {
    std::unique_lock lock(gate_->mutex);
    ++gate_->entered;
    gate_->changed.notify_all();
    gate_->changed.wait(lock, [&] { return gate_->open; });
    gate_->spans += spans.size();
    return ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  std::shared_ptr<Gate> gate_;
};

std::shared_ptr<TracerProvider> provider_with(std::unique_ptr<SpanProcessor> processor,
                                              std::unique_ptr<Sampler> sampler = nullptr) {
  TracerProviderOptions options;
  options.resource = Resource{};
  options.sampler = sampler ? std::move(sampler) : make_always_on_sampler();
  options.limits = SpanLimits{};
  options.disabled = false;
  options.processors.push_back(std::move(processor));
  return make_tracer_provider(std::move(options));
}

constexpr BatchOptions kSlowTimer{.max_queue_size = 2048,
                                  .schedule_delay = std::chrono::hours(1),
                                  .max_export_batch_size = 512,
                                  .export_timeout = milliseconds(30000)};

TEST(BatchProcessor, FullQueueDropsExactlyAndNeverBlocks) {
  auto gate = std::make_shared<Gate>();
  auto provider = provider_with(make_batch_processor(
      std::make_unique<GatedExporter>(gate),
      {.max_queue_size = 4, .schedule_delay = std::chrono::hours(1), .max_export_batch_size = 1}));
  auto tracer = provider->get_tracer("test");
  tracer.start_span("first")->end();
  gate->wait_entered(1);  // the worker holds "first" inside a blocked export
  for (int i = 0; i < 10; ++i) tracer.start_span("more")->end();  // must not block
  EXPECT_EQ(provider->stats().spans_dropped, 6u);                 // 4 fit in the queue
  gate->release();
  EXPECT_TRUE(provider->force_flush(std::chrono::seconds(10)));
  EXPECT_EQ(gate->spans.load(), 5u);
  const auto stats = provider->stats();
  EXPECT_EQ(stats.spans_exported, 5u);
  EXPECT_EQ(stats.spans_started, stats.spans_exported + stats.spans_dropped);
}

TEST(BatchProcessor, HungExporterDoesNotHangShutdown) {
  auto gate = std::make_shared<Gate>();
  auto processor = make_batch_processor(
      std::make_unique<GatedExporter>(gate),
      {.max_queue_size = 8, .schedule_delay = std::chrono::hours(1), .max_export_batch_size = 1});
  auto provider = provider_with(std::move(processor));
  provider->get_tracer("test").start_span("stuck")->end();
  gate->wait_entered(1);
  EXPECT_FALSE(provider->shutdown(milliseconds(20)));
  gate->release();  // lets the abandoned worker finish
}

TEST(BatchProcessor, ForceFlushExportsEverything) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  auto provider = provider_with(make_batch_processor(std::move(exporter), kSlowTimer));
  auto tracer = provider->get_tracer("test");
  for (int i = 0; i < 100; ++i) tracer.start_span("op")->end();
  EXPECT_TRUE(provider->force_flush(std::chrono::seconds(10)));
  EXPECT_EQ(store->size(), 100u);
  EXPECT_EQ(provider->stats().spans_exported, 100u);
}

TEST(BatchProcessor, FullBatchIsExportedWithoutFlush) {
  auto gate = std::make_shared<Gate>();
  gate->open = true;
  auto provider = provider_with(make_batch_processor(
      std::make_unique<GatedExporter>(gate),
      {.max_queue_size = 64, .schedule_delay = std::chrono::hours(1), .max_export_batch_size = 8}));
  auto tracer = provider->get_tracer("test");
  for (int i = 0; i < 8; ++i) tracer.start_span("op")->end();
  gate->wait_entered(1);  // the worker woke for the full batch, not for a timer
  provider->shutdown();
  EXPECT_EQ(gate->spans.load(), 8u);
}

TEST(BatchProcessor, ShutdownExportsQueuedSpans) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  auto provider = provider_with(make_batch_processor(std::move(exporter), kSlowTimer));
  auto tracer = provider->get_tracer("test");
  for (int i = 0; i < 100; ++i) tracer.start_span("op")->end();
  EXPECT_TRUE(provider->shutdown(std::chrono::seconds(10)));
  EXPECT_EQ(store->size(), 100u);
}

TEST(BatchProcessor, DestructorExportsQueuedSpans) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  {
    auto provider = provider_with(make_batch_processor(std::move(exporter), kSlowTimer));
    for (int i = 0; i < 10; ++i) provider->get_tracer("test").start_span("op")->end();
  }
  EXPECT_EQ(store->size(), 10u);
}

TEST(BatchProcessor, UnsampledSpansAreNotQueued) {
  class RecordOnly final : public Sampler {
   public:
    SamplingResult should_sample(const SamplingParameters&) const noexcept override {
      return {SamplingDecision::kRecordOnly, {}, {}};
    }
    std::string description() const override { return "RecordOnly"; }
  };
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  auto provider = provider_with(make_batch_processor(std::move(exporter), kSlowTimer),
                                std::make_unique<RecordOnly>());
  provider->get_tracer("test").start_span("op")->end();
  provider->force_flush();
  EXPECT_EQ(store->size(), 0u);
  EXPECT_EQ(provider->stats().spans_dropped, 0u);
}

TEST(BatchProcessor, OptionsFromEnvironment) {
  setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100", 1);
  setenv("OTEL_BSP_SCHEDULE_DELAY", "250", 1);
  setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-3", 1);
  setenv("OTEL_BSP_EXPORT_TIMEOUT", "1000", 1);
  const auto options = BatchOptions::from_environment();
  EXPECT_EQ(options.max_queue_size, 100u);
  EXPECT_EQ(options.schedule_delay, milliseconds(250));
  EXPECT_EQ(options.max_export_batch_size, 512u);  // bad value ignored
  EXPECT_EQ(options.export_timeout, milliseconds(1000));
  for (const char* name : {"OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_SCHEDULE_DELAY",
                           "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_EXPORT_TIMEOUT"})
    unsetenv(name);
}

// Run under ThreadSanitizer: many threads start nested spans, hand some to another thread to end
// (as a delivery report would), while a flusher runs; every started span must be accounted for.
TEST(TracingStress, ManyThreadsExactAccounting) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  auto provider = provider_with(make_batch_processor(
      std::move(exporter),
      {.max_queue_size = 256, .schedule_delay = milliseconds(1), .max_export_batch_size = 64}));
  auto tracer = provider->get_tracer("stress");
  constexpr int kThreads = 6;
  constexpr int kIterations = 1000;

  std::mutex handoff_mutex;
  std::vector<std::shared_ptr<Span>> handoff;
  std::atomic<bool> producing{true};
  std::thread ender([&] {  // ends spans started elsewhere, like librdkafka's broker thread
    for (;;) {
      std::vector<std::shared_ptr<Span>> batch;
      {
        std::lock_guard lock(handoff_mutex);
        batch.swap(handoff);
      }
      for (auto& span : batch) span->end();
      if (batch.empty() && !producing.load()) break;
      std::this_thread::yield();
    }
  });
  std::thread flusher([&] {
    while (producing.load()) provider->force_flush(milliseconds(100));
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        auto parent = tracer.start_span("parent", {.attributes = {{"thread", t}, {"i", i}}});
        Scope scope{Context::current().with_span(parent)};
        auto child = tracer.start_span("child");
        child->set_attribute("messaging.destination.name", "orders");
        EXPECT_EQ(child->context().trace_id, parent->context().trace_id);
        {
          std::lock_guard lock(handoff_mutex);
          handoff.push_back(std::move(child));
        }
        parent->add_event("work");
        parent->end();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  producing.store(false);
  ender.join();
  flusher.join();
  EXPECT_TRUE(provider->shutdown(std::chrono::seconds(30)));

  const auto stats = provider->stats();
  EXPECT_EQ(stats.spans_started, 2u * kThreads * kIterations);
  EXPECT_EQ(stats.spans_ended, stats.spans_started);
  EXPECT_EQ(stats.spans_started, stats.spans_exported + stats.spans_dropped);
  EXPECT_EQ(store->size(), stats.spans_exported);
}

}  // namespace
}  // namespace kafkatrace::otel
