#include "soak_ledger.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "kafkatrace/kafka/semconv.h"

namespace kafkatrace::reliability {
namespace {

namespace sc = kafka::semconv;

const std::string* string_attribute(const otel::SpanData& span, std::string_view key) {
  for (const auto& attribute : span.attributes)
    if (attribute.key == key) return std::get_if<std::string>(&attribute.value);
  return nullptr;
}

class SoakSpanRecorder final : public otel::SpanExporter {
 public:
  explicit SoakSpanRecorder(std::shared_ptr<SoakLedger> ledger) : ledger_(std::move(ledger)) {}

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    for (const auto& span : spans) record(*span);
    return otel::ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  void record(const otel::SpanData& span) noexcept {
    const std::string* key = string_attribute(span, sc::kMessagingKafkaMessageKey);
    const auto seq = key != nullptr ? seq_from_key(*key) : std::nullopt;
    if (!seq) {
      ledger_->on_foreign_span();
    } else if (span.kind == otel::SpanKind::kProducer) {
      ledger_->on_send_span(*seq, span.context.trace_id, span.context.span_id,
                            span.status_code == otel::StatusCode::kError);
    } else if (span.kind == otel::SpanKind::kConsumer) {
      ledger_->on_process_span(*seq, span.context.trace_id, span.parent_span_id);
    } else {
      ledger_->on_foreign_span();
    }
  }

  std::shared_ptr<SoakLedger> ledger_;
};

}  // namespace

std::string key_for(std::uint32_t seq) {
  return "seq-" + std::to_string(seq);
}

std::optional<std::uint32_t> seq_from_key(std::string_view key) {
  constexpr std::string_view kPrefix = "seq-";
  if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  std::uint32_t seq = 0;
  const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), seq);
  if (error != std::errc() || end != key.data() + key.size()) return std::nullopt;
  return seq;
}

SoakLedger::SoakLedger(std::uint32_t messages)
    : messages_(messages), deliveries_(messages), seen_(messages, false), send_spans_(messages) {
  processings_.reserve(messages + messages / 8);
  process_spans_.reserve(messages + messages / 8);
}

void SoakLedger::on_delivery(std::uint32_t seq, const kafka::DeliveryResult& result) {
  reports_.fetch_add(1, std::memory_order_relaxed);
  if (seq >= messages_) return;
  std::lock_guard lock(mutex_);
  Delivery& delivery = deliveries_[seq];
  delivery.reports = static_cast<std::uint8_t>(std::min(delivery.reports + 1, 255));
  delivery.ok = result.ok();
  delivery.partition = result.partition;
  delivery.offset = result.offset;
}

void SoakLedger::on_processed(std::uint32_t seq, const kafka::ConsumedMessage& message) {
  on_processed(seq, message.partition(), message.offset());
}

void SoakLedger::on_processed(std::uint32_t seq, std::int32_t partition, std::int64_t offset) {
  if (seq >= messages_) return;
  std::lock_guard lock(mutex_);
  processings_.push_back({seq, partition, offset});
  if (!seen_[seq]) {
    seen_[seq] = true;
    distinct_processed_.fetch_add(1, std::memory_order_relaxed);
  }
}

void SoakLedger::on_send_span(std::uint32_t seq, const otel::TraceId& trace_id,
                              const otel::SpanId& span_id, bool error) {
  if (seq >= messages_) return on_foreign_span();
  std::lock_guard lock(mutex_);
  SendSpan& span = send_spans_[seq];
  span.count = static_cast<std::uint8_t>(std::min(span.count + 1, 255));
  // With several attempts, the record carries the context of the one that delivered it.
  if (span.count == 1 || !error) {
    span.trace_id = trace_id;
    span.span_id = span_id;
    span.error = error;
  }
}

void SoakLedger::on_process_span(std::uint32_t seq, const otel::TraceId& trace_id,
                                 const otel::SpanId& parent_span_id) {
  if (seq >= messages_) return on_foreign_span();
  std::lock_guard lock(mutex_);
  process_spans_.push_back({seq, trace_id, parent_span_id});
}

void SoakLedger::on_foreign_span() {
  std::lock_guard lock(mutex_);
  ++foreign_spans_;
}

SoakFigures SoakLedger::figures(std::uint64_t topic_records,
                                const std::vector<std::int64_t>& log_start) const {
  std::lock_guard lock(mutex_);
  SoakFigures f;
  f.messages = messages_;
  f.topic_records = topic_records;
  f.foreign_spans = foreign_spans_;
  for (const Delivery& delivery : deliveries_) {
    if (delivery.reports == 0) ++f.missing_reports;
    if (delivery.reports > 0 && delivery.ok) ++f.delivered;
    if (delivery.reports > 0 && delivery.ok && delivery.offset < 0) ++f.delivered_without_offset;
    if (delivery.reports > 0 && !delivery.ok) ++f.delivery_failures;
  }

  // Distinct (seq, partition, offset): several per seq are producer duplicates, repeats of one
  // are consumer duplicates.
  std::vector<Processing> sorted = processings_;
  std::sort(sorted.begin(), sorted.end(), [](const Processing& a, const Processing& b) {
    return std::tie(a.seq, a.partition, a.offset) < std::tie(b.seq, b.partition, b.offset);
  });
  f.processed = sorted.size();
  std::uint64_t distinct_seqs = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const Processing& p = sorted[i];
    const bool new_seq = i == 0 || sorted[i - 1].seq != p.seq;
    const bool new_offset =
        new_seq || sorted[i - 1].partition != p.partition || sorted[i - 1].offset != p.offset;
    if (new_seq) ++distinct_seqs;
    if (!new_offset) ++f.consumer_duplicates;
    if (new_offset && !new_seq) ++f.producer_duplicates;
    const Delivery& delivery = deliveries_[p.seq];
    // A report without an offset (implicit ack) names no position to compare.
    if (new_offset && delivery.ok && delivery.offset >= 0 &&
        (delivery.partition != p.partition || delivery.offset != p.offset))
      ++f.report_mismatches;
  }
  f.lost = messages_ - distinct_seqs;
  for (const std::int64_t start : log_start)
    f.records_below_log_start += static_cast<std::uint64_t>(std::max<std::int64_t>(start, 0));
  if (f.lost > 0) {
    for (std::uint32_t seq = 0; seq < messages_; ++seq) {
      const Delivery& delivery = deliveries_[seq];
      if (seen_[seq] || !delivery.ok) continue;
      if (delivery.offset < 0) {
        ++f.lost_delivered_without_offset;
        continue;
      }
      const auto partition = static_cast<std::size_t>(delivery.partition);
      if (delivery.partition >= 0 && partition < log_start.size() &&
          delivery.offset < log_start[partition])
        ++f.lost_below_log_start;
    }
  }
  // Copies nobody processed still count: a log holding more records than there are sequence
  // numbers holds at least that many duplicates.
  if (topic_records > messages_)
    f.producer_duplicates =
        std::max<std::uint64_t>(f.producer_duplicates, topic_records - messages_);

  for (const SendSpan& span : send_spans_) {
    f.send_spans += span.count;
    if (span.count > 0 && span.error) ++f.send_spans_with_error;
  }
  f.process_spans = process_spans_.size();
  for (const ProcessSpan& span : process_spans_) {
    const SendSpan& send = send_spans_[span.seq];
    if (send.count > 0 && send.trace_id == span.trace_id && send.span_id == span.parent_span_id)
      ++f.process_spans_in_trace;
  }
  const std::uint64_t denominator = std::max(f.processed, f.process_spans);
  f.trace_share = denominator == 0 ? 0.0
                                   : static_cast<double>(f.process_spans_in_trace) /
                                         static_cast<double>(denominator);
  return f;
}

std::unique_ptr<otel::SpanExporter> make_soak_span_recorder(std::shared_ptr<SoakLedger> ledger) {
  return std::make_unique<SoakSpanRecorder>(std::move(ledger));
}

}  // namespace kafkatrace::reliability
