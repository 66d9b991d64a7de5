// `kafkatrace produce`'s bookkeeping: which send span each record got (SendSpanCapture) and the
// report of each delivery (DeliveryReporter), printed once both are known.
//
//   auto capture = std::make_shared<SendSpanCapture>(sdk_backend);  // ProducerOptions::tracing
//   producer->send(record, [&](const DeliveryResult& r) { reporter.delivered(sequence, r); });
//   reporter.sent(sequence, SendSpanCapture::take_last());
//
// Why a capturing backend: DeliveryResult does not carry the span, but TracedProducer::send
// starts the record's PRODUCER span synchronously on the calling thread (and, with the default
// RetryPolicy of one attempt, only that span), so the context the calling thread saw last right
// after send() returns is the record's — the one injected into its headers.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "kafkatrace/kafka/record.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::cli {

// Forwards everything to `inner`, remembering per thread the context of the last PRODUCER span
// started. Thread-safe like `inner`.
class SendSpanCapture final : public otel::TracingBackend {
 public:
  explicit SendSpanCapture(std::shared_ptr<otel::TracingBackend> inner) noexcept
      : inner_(std::move(inner)) {}

  // The calling thread's last captured context (invalid if none), and forgets it.
  static otel::SpanContext take_last() noexcept;

  bool enabled() const noexcept override { return inner_->enabled(); }
  std::shared_ptr<otel::BackendSpan> start_span(
      std::string_view name, const otel::StartSpanOptions& options) const noexcept override;
  otel::Context context_with_span(const otel::Context& base,
                                  const std::shared_ptr<otel::BackendSpan>& span) const override {
    return inner_->context_with_span(base, span);
  }
  otel::Context current_context() const noexcept override { return inner_->current_context(); }
  void inject(const otel::Context& context, otel::TextMapCarrier& carrier) const noexcept override {
    inner_->inject(context, carrier);
  }
  otel::Context extract(const otel::TextMapCarrier& carrier,
                        const otel::Context& base) const noexcept override {
    return inner_->extract(carrier, base);
  }

 private:
  std::shared_ptr<otel::TracingBackend> inner_;
};

struct DeliveryCounts {
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
};

// Pairs each record's span context with its delivery result and reports it: a --json line on
// stdout (flushed), and failures on stderr (the first kMaxErrorLines of them). sent() runs on the
// sending thread, delivered() on the producer's poll thread (or the sending thread, for a record
// refused at once); whichever comes second prints, under one mutex.
class DeliveryReporter {
 public:
  static constexpr std::uint64_t kMaxErrorLines = 20;

  DeliveryReporter(bool json, std::optional<std::string> key) : json_(json), key_(std::move(key)) {}

  void sent(std::uint64_t sequence, const otel::SpanContext& span);
  void delivered(std::uint64_t sequence, const kafka::DeliveryResult& result);
  DeliveryCounts counts() const;

 private:
  struct Pending {
    std::optional<otel::SpanContext> span{};
    std::optional<kafka::DeliveryResult> result{};
  };
  void print_report(std::uint64_t sequence, const otel::SpanContext& span,
                    const kafka::DeliveryResult& result);  // mutex_ held

  const bool json_;
  const std::optional<std::string> key_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  DeliveryCounts counts_;
};

}  // namespace kafkatrace::cli
