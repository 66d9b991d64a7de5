// SoakLedger: what the fault soak knows about each sequence number — its delivery report, every
// time the consumer group processed it, its send span and its process spans — and the figures
// computed from that at the end (lost, duplicates on either side, trace continuity).
// SoakSpanRecorder: the span exporter that feeds the span half of the ledger.
//
//   SoakLedger ledger(100000);
//   producer.send(record, [&](const DeliveryResult& r) { ledger.on_delivery(seq, r); });
//   consumer.run([&](const ConsumedMessage& m) { ledger.on_processed(seq_of(m), m); });
//   SoakFigures figures = ledger.figures(topic_records, log_start_per_partition);
//
// Threads: on_delivery runs on the producer's poll thread, on_processed on the consumer thread,
// the recorder on whichever thread ends a span (simple processor); all may run at once (one
// mutex). Memory: about 100 bytes per message (1M messages: ~100 MB), reserved up front.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/kafka/consumed_message.h"
#include "kafkatrace/kafka/record.h"
#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/trace_id.h"

namespace kafkatrace::reliability {

// The record key the soak gives sequence number `seq`, and back (nullopt if not one of ours).
std::string key_for(std::uint32_t seq);
std::optional<std::uint32_t> seq_from_key(std::string_view key);

struct SoakFigures {
  std::uint64_t messages = 0;           // sequence numbers sent
  std::uint64_t delivered = 0;          // delivery reports without error
  std::uint64_t delivery_failures = 0;  // delivery reports with an error
  std::uint64_t missing_reports = 0;    // sequence numbers without any delivery report
  std::uint64_t topic_records = 0;      // records ever appended (sum of high watermarks)
  std::uint64_t lost = 0;               // never processed by the consumer group
  // Delivery reports without error but without an offset (-1001): librdkafka's "implicit ack",
  // given to earlier messages of a partition when a later batch succeeds first. A real broker
  // only lets a later batch succeed once the earlier ones are written; librdkafka 2.0.2's mock
  // does not check an idempotent producer's sequence numbers (docs/reliability.md).
  std::uint64_t delivered_without_offset = 0;
  // Of the lost: those delivered without an offset (above), and those acknowledged at an offset
  // below their partition's log start at the end, i.e. deleted by the broker's retention by then.
  // Diagnostics, not excuses: `lost` stays the must-be-0 figure.
  std::uint64_t lost_delivered_without_offset = 0;
  std::uint64_t lost_below_log_start = 0;
  std::uint64_t records_below_log_start = 0;  // sum of the low watermarks
  std::uint64_t producer_duplicates = 0;      // extra offsets holding an already stored sequence
  std::uint64_t consumer_duplicates = 0;      // extra processings of one offset (at-least-once)
  std::uint64_t processed = 0;                // handler invocations
  std::uint64_t report_mismatches = 0;        // processed offset differs from the delivery report
  std::uint64_t send_spans = 0;
  std::uint64_t send_spans_with_error = 0;
  std::uint64_t process_spans = 0;
  std::uint64_t process_spans_in_trace = 0;  // child of the send span of their sequence
  std::uint64_t foreign_spans = 0;           // spans the soak did not expect
  double trace_share = 0.0;                  // process_spans_in_trace / processed
};

class SoakLedger {
 public:
  explicit SoakLedger(std::uint32_t messages);

  void on_delivery(std::uint32_t seq, const kafka::DeliveryResult& result);
  void on_processed(std::uint32_t seq, const kafka::ConsumedMessage& message);
  void on_processed(std::uint32_t seq, std::int32_t partition, std::int64_t offset);
  void on_send_span(std::uint32_t seq, const otel::TraceId& trace_id, const otel::SpanId& span_id,
                    bool error);
  void on_process_span(std::uint32_t seq, const otel::TraceId& trace_id,
                       const otel::SpanId& parent_span_id);
  void on_foreign_span();

  // Sequence numbers processed at least once; delivery reports received (any outcome).
  std::uint64_t distinct_processed() const noexcept {
    return distinct_processed_.load(std::memory_order_relaxed);
  }
  std::uint64_t reports() const noexcept { return reports_.load(std::memory_order_relaxed); }

  // `topic_records`: what the topic holds (watermarks), to catch duplicates nobody processed;
  // `log_start`: each partition's low watermark (index = partition).
  SoakFigures figures(std::uint64_t topic_records,
                      const std::vector<std::int64_t>& log_start) const;

 private:
  struct Delivery {
    std::int64_t offset = -1;
    std::int32_t partition = -1;
    std::uint8_t reports = 0;
    bool ok = false;
  };
  struct Processing {
    std::uint32_t seq;
    std::int32_t partition;
    std::int64_t offset;
  };
  struct SendSpan {
    otel::TraceId trace_id;
    otel::SpanId span_id;
    std::uint8_t count = 0;
    bool error = false;
  };
  struct ProcessSpan {
    std::uint32_t seq;
    otel::TraceId trace_id;
    otel::SpanId parent_span_id;
  };

  const std::uint32_t messages_;
  mutable std::mutex mutex_;
  std::vector<Delivery> deliveries_;
  std::vector<bool> seen_;
  std::vector<Processing> processings_;
  std::vector<SendSpan> send_spans_;
  std::vector<ProcessSpan> process_spans_;
  std::uint64_t foreign_spans_ = 0;
  std::atomic<std::uint64_t> distinct_processed_{0};
  std::atomic<std::uint64_t> reports_{0};
};

// Records the soak's spans into `ledger`: "send {topic}" PRODUCER spans and "process {topic}"
// CONSUMER spans, keyed by messaging.kafka.message.key; anything else counts as foreign.
std::unique_ptr<otel::SpanExporter> make_soak_span_recorder(std::shared_ptr<SoakLedger> ledger);

}  // namespace kafkatrace::reliability
