#include "produce_deliveries.h"

#include <cstdio>

#include "cli_json.h"
#include "produce_consume_common.h"

namespace kafkatrace::cli {
namespace {

thread_local otel::SpanContext last_producer_span;

std::string json_line(std::uint64_t sequence, const std::optional<std::string>& key,
                      const otel::SpanContext& span, const kafka::DeliveryResult& result) {
  JsonObject line;
  line.field("sequence", static_cast<std::int64_t>(sequence)).field("topic", result.topic);
  if (result.partition >= 0) {
    line.field("partition", result.partition);
  } else {
    line.null_field("partition");
  }
  if (result.ok() && result.offset >= 0) {
    line.field("offset", result.offset);
  } else {
    line.null_field("offset");
  }
  line.bytes_field("key", key ? std::optional<std::string_view>(*key) : std::nullopt);
  if (span.is_valid()) {
    line.field("trace_id", span.trace_id.to_hex()).field("span_id", span.span_id.to_hex());
  } else {
    line.null_field("trace_id").null_field("span_id");
  }
  if (result.error) {
    line.field("error", result.error->name).field("error_message", result.error->message);
  }
  return line.finish();
}

}  // namespace

otel::SpanContext SendSpanCapture::take_last() noexcept {
  otel::SpanContext taken = std::move(last_producer_span);
  last_producer_span = {};
  return taken;
}

std::shared_ptr<otel::BackendSpan> SendSpanCapture::start_span(
    std::string_view name, const otel::StartSpanOptions& options) const noexcept {
  auto span = inner_->start_span(name, options);
  if (options.kind == otel::SpanKind::kProducer) last_producer_span = span->context();
  return span;
}

void DeliveryReporter::sent(std::uint64_t sequence, const otel::SpanContext& span) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(sequence);
  if (found != pending_.end() && found->second.result) {
    print_report(sequence, span, *found->second.result);
    pending_.erase(found);
    return;
  }
  pending_[sequence].span = span;
}

void DeliveryReporter::delivered(std::uint64_t sequence, const kafka::DeliveryResult& result) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(sequence);
  if (found != pending_.end() && found->second.span) {
    print_report(sequence, *found->second.span, result);
    pending_.erase(found);
    return;
  }
  pending_[sequence].result = result;
}

DeliveryCounts DeliveryReporter::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void DeliveryReporter::print_report(std::uint64_t sequence, const otel::SpanContext& span,
                                    const kafka::DeliveryResult& result) {
  if (result.ok()) {
    ++counts_.delivered;
  } else if (++counts_.failed <= kMaxErrorLines) {
    const kafka::DeliveryError& error = *result.error;
    cli::report("produce", "message " + std::to_string(sequence) + " to " + result.topic +
                               " not delivered: " + error.name + " (" + error.message + ")");
    if (counts_.failed == kMaxErrorLines) {
      cli::report("produce", "further delivery failures are counted, not shown");
    }
  }
  if (json_) {
    const std::string line = json_line(sequence, key_, span, result);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
}

}  // namespace kafkatrace::cli
