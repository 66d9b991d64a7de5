// SpanExporter: where finished spans go (OTLP/HTTP, OTLP JSON file, console, memory).
//
//   class StdoutCount final : public kafkatrace::otel::SpanExporter { ... };
//   auto processor = kafkatrace::otel::make_batch_processor(std::make_unique<StdoutCount>());
//
// Threading: the processor calls export_spans from one thread at a time — the batch processor's
// worker thread, or the thread ending the span for the simple processor — never concurrently.
// force_flush, begin_shutdown and shutdown may come from any thread. No method may throw.
#pragma once

#include <chrono>
#include <memory>
#include <span>

#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::otel {

enum class ExportResult { kSuccess, kFailure };

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;

  // The spans stay owned by the caller and are valid only during the call.
  virtual ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept = 0;
  virtual bool force_flush(std::chrono::microseconds timeout) noexcept = 0;
  // The processor's shutdown has begun; its last exports follow. An exporter that retries should
  // give each of them one attempt (no backoff waits), so that shutting down with a failing
  // endpoint ends promptly instead of taking the whole shutdown timeout. Default: nothing.
  virtual void begin_shutdown() noexcept {}
  // After shutdown, export_spans returns kFailure without exporting.
  virtual bool shutdown(std::chrono::microseconds timeout) noexcept = 0;
};

}  // namespace kafkatrace::otel
