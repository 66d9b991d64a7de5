// SpanProcessor: the pipeline stage between span end and an exporter. The SDK provides a simple
// processor (exports each span synchronously on the ending thread) and a batch processor (a
// bounded queue drained by one worker thread), as the OpenTelemetry specification defines them.
//
//   auto processor = kafkatrace::otel::make_batch_processor(
//       std::move(exporter), kafkatrace::otel::BatchOptions::from_environment());
//   auto provider = kafkatrace::otel::make_tracer_provider({.processors = {}}); // see tracer.h
//
// Threading: on_start and on_end run on the thread starting/ending the span, concurrently from
// many threads; they must not block or throw. The batch processor's on_end never blocks: when its
// queue is full the span is dropped and counted. force_flush and shutdown may be called from any
// thread and return within their timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::otel {

class Span;

// Counters of one processor, read with relaxed atomics (a consistent-enough snapshot).
struct SpanProcessorStats {
  std::uint64_t spans_dropped = 0;        // queue full, or ended after shutdown
  std::uint64_t spans_exported = 0;       // handed to the exporter with kSuccess
  std::uint64_t spans_export_failed = 0;  // handed to the exporter with kFailure
  std::uint64_t export_failures = 0;      // export_spans calls that returned kFailure
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
  virtual void on_start(Span& span, const Context& parent) noexcept;
  // False when on_start does nothing: then the SDK may record a span only at its end
  // (DeferredSpan, see deferred_span.h) and skip on_start. The built-in processors return false.
  virtual bool start_required() const noexcept { return true; }
  // Takes ownership of the finished span. Hand it back with recycle_span_data when done.
  virtual void on_end(std::unique_ptr<SpanData> span) noexcept = 0;
  virtual bool force_flush(std::chrono::microseconds timeout) noexcept = 0;
  virtual bool shutdown(std::chrono::microseconds timeout) noexcept = 0;
  virtual SpanProcessorStats stats() const noexcept;
};

struct BatchOptions {
  std::size_t max_queue_size = 2048;
  std::chrono::milliseconds schedule_delay{5000};
  std::size_t max_export_batch_size = 512;  // clamped to max_queue_size
  // Exports slower than this are reported (the exporter itself must enforce its timeout); also
  // the bound for the final flush in the processor's destructor.
  std::chrono::milliseconds export_timeout{30000};

  // OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
  // OTEL_BSP_EXPORT_TIMEOUT; malformed values are ignored with a warning.
  static BatchOptions from_environment();
};

std::unique_ptr<SpanProcessor> make_simple_processor(std::unique_ptr<SpanExporter> exporter);
// Starts the worker thread. Destroying the processor shuts it down, exporting what is queued.
std::unique_ptr<SpanProcessor> make_batch_processor(std::unique_ptr<SpanExporter> exporter,
                                                    BatchOptions options = {});

// Returns a finished span to the SDK's pool (cleared, capacity kept) so that a later span reuses
// its memory. Safe from any thread; processors call it after export.
void recycle_span_data(std::unique_ptr<SpanData> span) noexcept;

}  // namespace kafkatrace::otel
