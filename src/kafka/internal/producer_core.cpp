// ProducerCore's creation, delivery reports and retries. The produce call is in
// producer_send.cpp, waiting and closing in producer_close.cpp.
#include "kafka/internal/producer_core.h"

#include <algorithm>
#include <vector>

#include "kafka/internal/producer_config.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka::internal {
namespace {

constexpr auto kMaxPollWait = std::chrono::milliseconds(100);

std::shared_ptr<otel::TracingBackend> default_backend() {
  return otel::make_sdk_tracing_backend(otel::global_tracer_provider()->get_tracer("kafkatrace"));
}

}  // namespace

ProducerCoreResult ProducerCore::create(ProducerOptions options) {
  ProducerCoreResult result;
  ProducerConfig config = build_producer_config(options);
  if (!config.conf) {
    result.error = std::move(config.error);
    return result;
  }
  auto backend = options.tracing ? options.tracing : default_backend();
  auto metrics =
      options.metrics
          ? *options.metrics
          : otel::MessagingMetrics::create(otel::global_meter_provider()->get_meter("kafkatrace"));
  const auto mode = options.semconv_mode.value_or(semconv::semconv_mode_from_environment());
  auto telemetry = std::make_unique<ProducerTelemetry>(
      std::move(backend), std::move(metrics), mode, config.client_id,
      parse_first_server(options.bootstrap_servers));
  std::unique_ptr<ProducerCore> core(new ProducerCore(std::move(options), std::move(telemetry)));

  rd_kafka_conf_set_dr_msg_cb(config.conf.get(), &ProducerCore::on_delivery);
  rd_kafka_conf_set_log_cb(config.conf.get(), &log_from_librdkafka);
  rd_kafka_conf_set_opaque(config.conf.get(), core.get());
  char text[512] = "";
  core->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, config.conf.get(), text, sizeof text);
  if (core->handle_ == nullptr) {
    result.error = std::string("cannot create the producer: ") + text;
    return result;
  }
  config.conf.release();  // the handle owns it now
  core->poller_ = std::thread([raw = core.get()] { raw->poll_loop(); });
  result.core = std::move(core);
  return result;
}

ProducerCore::ProducerCore(ProducerOptions options,
                           std::unique_ptr<ProducerTelemetry> telemetry) noexcept
    : options_(std::move(options)),
      telemetry_(std::move(telemetry)),
      retries_enabled_(options_.retry.max_attempts > 1),
      jitter_(std::random_device{}()) {}

ProducerCore::~ProducerCore() {
  close();
}

// Runs on the poll thread, inside rd_kafka_poll.
void ProducerCore::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message == nullptr || opaque == nullptr) return;
  static_cast<ProducerCore*>(opaque)->deliver(*message);
}

void ProducerCore::deliver(const rd_kafka_message_t& message) noexcept {
  PendingPtr pending(static_cast<PendingSend*>(message._private));
  if (!pending) return;  // not ours (cannot happen: every produce passes one)
  DeliveryResult& result = report_;
  try {
    result.topic.assign(rd_kafka_topic_name(message.rkt));  // no allocation once grown
  } catch (...) {
    result.topic.clear();  // out of memory: the report goes without its topic
  }
  result.partition = message.partition;
  result.offset = RD_KAFKA_OFFSET_INVALID;
  result.timestamp.reset();
  result.error.reset();
  result.attempts = pending->attempt;
  if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    result.offset = message.offset;
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    const std::int64_t ms = rd_kafka_message_timestamp(&message, &type);
    if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ms >= 0) {
      result.timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
    }
    telemetry_->end_send(pending->span, SentRecord::of(message), result, pending->attempt,
                         pending->previous_attempt, Clock::now() - pending->attempt_start, false);
    finish(std::move(pending), result);
    return;
  }
  if (message.partition < 0) result.partition = RD_KAFKA_PARTITION_UA;
  try {
    // Not rd_kafka_message_errstr: for a delivery report it returns the record's payload (not
    // NUL-terminated) as the "error string" whenever the record has one.
    result.error = make_delivery_error(message.err);
    after_failure(std::move(pending), SentRecord::of(message), result,
                  rd_kafka_message_status(&message));
  } catch (...) {
    // Out of memory building the error: resolve with what can be built without allocating.
    if (pending) finish(std::move(pending), DeliveryResult{});
  }
}

void ProducerCore::after_failure(PendingPtr pending, const SentRecord& sent, DeliveryResult result,
                                 rd_kafka_msg_status_t status) noexcept {
  const auto now = Clock::now();
  bool retry = false;
  std::chrono::milliseconds delay{0};
  if (retries_enabled_ && pending->record && result.error && !closing_.load()) {
    {
      std::lock_guard lock(retry_mutex_);
      delay = full_jitter_backoff(options_.retry, pending->attempt + 1, jitter_());
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - pending->first_start);
    retry =
        should_retry(options_.retry, pending->attempt, elapsed, delay, result.error->code, status);
  }
  telemetry_->end_send(pending->span, sent, result, pending->attempt, pending->previous_attempt,
                       now - pending->attempt_start, retry);
  if (!retry) {
    finish(std::move(pending), result);
    return;
  }
  try {
    pending->last_result = std::move(result);
    std::lock_guard lock(retry_mutex_);
    retries_.emplace(now + delay, std::move(pending));
  } catch (...) {
    if (pending) finish(std::move(pending), DeliveryResult{});
    return;
  }
  rd_kafka_yield(handle_);  // the poll thread recomputes its wait
}

void ProducerCore::finish(PendingPtr pending, const DeliveryResult& result) noexcept {
  if (pending->callback) {
    try {
      pending->callback(result);
    } catch (const std::exception& error) {
      log(LogLevel::kError, "producer",
          std::string("a delivery callback threw (ignored): ") + error.what());
    } catch (...) {
      log(LogLevel::kError, "producer", "a delivery callback threw (ignored)");
    }
  }
  if (pending->promise) {
    try {
      pending->promise->set_value(result);
    } catch (...) {
      // Out of memory copying the result (the future then reports a broken promise), or
      // already satisfied (cannot happen: each pending send is finished once).
    }
  }
  pending.reset();
  if (outstanding_.fetch_sub(1) == 1 && idle_waiters_.load() > 0) {
    std::lock_guard lock(idle_mutex_);
    idle_.notify_all();
  }
}

void ProducerCore::poll_loop() noexcept {
  while (!stop_.load()) {
    auto wait = kMaxPollWait;
    {
      std::lock_guard lock(retry_mutex_);
      if (!retries_.empty()) {
        const auto until = retries_.begin()->first - Clock::now();
        wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(until),
                          std::chrono::milliseconds(0), kMaxPollWait);
      }
    }
    rd_kafka_poll(handle_, static_cast<int>(wait.count()));
    run_due_retries();
  }
}

void ProducerCore::run_due_retries() noexcept {
  std::vector<PendingPtr> due;
  {
    std::lock_guard lock(retry_mutex_);
    const auto now = Clock::now();
    while (!retries_.empty() && retries_.begin()->first <= now) {
      try {
        due.push_back(std::move(retries_.begin()->second));
      } catch (...) {
        break;  // out of memory: try again at the next turn
      }
      retries_.erase(retries_.begin());
    }
  }
  for (auto& pending : due) {
    pending->previous_attempt = pending->span.context;
    ++pending->attempt;
    const otel::SpanContext& previous = pending->previous_attempt;
    const auto start_time = telemetry_->start_time_now();  // first: see ProducerCore::send
    pending->attempt_start = Clock::now();
    pending->span = telemetry_->start_send(*pending->record, pending->parent, pending->attempt,
                                           previous.is_valid() ? &previous : nullptr, start_time);
    const ProducerRecord& record = *pending->record;  // lives in *pending, moved as one
    attempt(record, std::move(pending));
  }
}

}  // namespace kafkatrace::kafka::internal
