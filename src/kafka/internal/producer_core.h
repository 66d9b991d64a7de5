// ProducerCore: TracedProducer's machinery — the librdkafka handle, the poll thread that serves
// delivery reports, the retry queue, and the count of outstanding records.
//
// Each record travels as a PendingSend (pending_send.h) owned by exactly one place at a time: the
// sending call, librdkafka (as the message opaque), or the retry queue; whoever finishes it
// resolves its future or callback and returns it to the pool, so none can be lost or resolved
// twice.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "kafka/internal/pending_send.h"
#include "kafka/internal/producer_telemetry.h"
#include "kafkatrace/kafka/producer.h"

namespace kafkatrace::kafka::internal {

struct ProducerCoreResult {
  std::unique_ptr<class ProducerCore> core{};
  std::string error{};
};

class ProducerCore {
 public:
  static ProducerCoreResult create(ProducerOptions options);
  ~ProducerCore();  // close() if not closed
  ProducerCore(const ProducerCore&) = delete;
  ProducerCore& operator=(const ProducerCore&) = delete;

  // A cleared PendingSend from the pool, for send(). Throws std::bad_alloc only.
  PendingPtr make_pending() { return pending_pool_.acquire(); }
  // Starts the first attempt; returns the context of its span (invalid when not traced), for
  // batch links. The pending send is finished on the calling thread if refused at once.
  otel::SpanContext send(const ProducerRecord& record, PendingPtr pending,
                         const SendOptions& options);
  bool flush(std::chrono::milliseconds timeout);
  // Flush (bounded), purge, resolve everything, stop the poll thread, destroy the handle.
  void close() noexcept;

  std::size_t outstanding() const noexcept { return outstanding_.load(); }
  rd_kafka_t* handle() const noexcept { return handle_; }
  const ProducerTelemetry& telemetry() const noexcept { return *telemetry_; }

 private:
  ProducerCore(ProducerOptions options, std::unique_ptr<ProducerTelemetry> telemetry) noexcept;
  static void on_delivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
  void deliver(const rd_kafka_message_t& message) noexcept;
  // Produces one attempt. On a synchronous failure ends the span and retries or finishes.
  void attempt(const ProducerRecord& record, PendingPtr pending) noexcept;
  // After a failed attempt: ends its span, then retries or finishes.
  void after_failure(PendingPtr pending, const SentRecord& sent, DeliveryResult result,
                     rd_kafka_msg_status_t status) noexcept;
  // Resolves the callback and/or future with `result` and returns `pending` to the pool.
  void finish(PendingPtr pending, const DeliveryResult& result) noexcept;
  void poll_loop() noexcept;
  void run_due_retries() noexcept;
  void cancel_retries() noexcept;
  bool wait_idle(Clock::time_point deadline);

  ProducerOptions options_;
  std::unique_ptr<ProducerTelemetry> telemetry_;
  // Before retries_ (and everything else holding PendingPtrs): destroyed after them.
  PendingPool pending_pool_;
  // The delivery report being handed out, reused so that its topic string keeps its capacity.
  // Used only by the thread serving reports (the poll thread; close() after it stopped).
  DeliveryResult report_;
  rd_kafka_t* handle_ = nullptr;
  bool retries_enabled_ = false;

  std::atomic<std::size_t> outstanding_{0};
  std::atomic<int> idle_waiters_{0};
  std::mutex idle_mutex_;
  std::condition_variable idle_;

  std::mutex retry_mutex_;
  std::multimap<Clock::time_point, PendingPtr> retries_;  // by due time
  std::mt19937_64 jitter_;                                // under retry_mutex_
  std::atomic<bool> closing_{false};

  std::atomic<bool> stop_{false};
  std::thread poller_;
  bool closed_ = false;
};

}  // namespace kafkatrace::kafka::internal
