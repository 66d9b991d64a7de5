// ConsumerCore: construction, librdkafka configuration and callbacks, intake, commit, close.
#include "kafka/internal/consumer_core.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "kafkatrace/kafka/headers.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/meter_provider.h"

namespace kafkatrace::kafka::internal {
namespace {

namespace mm = otel::messaging_metrics;
constexpr std::string_view kComponent = "kafka.consumer";
constexpr auto kPollSlice = std::chrono::milliseconds(100);

// Seconds, from 1 ms to 5 min: end-to-end latency spans queueing, not only processing.
const std::vector<double> kEndToEndBoundaries{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                              1,     2.5,   5,    10,    30,   60,  300};

bool is_auto_commit_property(const std::string& name) {
  return name == "enable.auto.commit" || name == "enable.auto.offset.store";
}

}  // namespace

ConsumerCoreResult ConsumerCore::create(ConsumerOptions options) {
  ConsumerCoreResult result;
  if (options.bootstrap_servers.empty()) {
    result.error = "bootstrap_servers is empty";
  } else if (options.group_id.empty()) {
    result.error = "group_id is empty";
  } else if (options.topics.empty()) {
    result.error = "topics is empty";
  } else if (std::string reason = validate(options.handler_retry); !reason.empty()) {
    result.error = "handler_retry: " + reason;
  } else if (options.commit_interval <= std::chrono::milliseconds::zero()) {
    result.error = "commit_interval must be positive";
  }
  if (!result.error.empty()) return result;
  std::unique_ptr<ConsumerCore> core(new ConsumerCore(std::move(options)));
  result.error = core->configure_and_start();
  if (result.error.empty()) result.core = std::move(core);
  return result;
}

ConsumerCore::ConsumerCore(ConsumerOptions options) : options_(std::move(options)) {
  semconv_mode_ = options_.semconv_mode.value_or(semconv::semconv_mode_from_environment());
  tracing_ = options_.tracing;
  if (!tracing_) {
    tracing_ =
        otel::make_sdk_tracing_backend(otel::global_tracer_provider()->get_tracer("kafkatrace"));
  }
  const otel::Meter meter =
      options_.meter ? *options_.meter : otel::global_meter_provider()->get_meter("kafkatrace");
  metrics_ = otel::MessagingMetrics::create(meter);
  end_to_end_ = meter.create_histogram<double>(
      "kafkatrace.consumer.end_to_end.duration",
      {.description = "Time from the message's timestamp to the start of its processing.",
       .unit = mm::kSecondsUnit,
       .boundaries = kEndToEndBoundaries});
  rebalance_partitions_ = meter.create_counter<std::int64_t>(
      "kafkatrace.consumer.rebalance.partitions",
      {.description = "Partitions assigned, revoked or lost in rebalances.",
       .unit = "{partition}"});
  retries_ = meter.create_counter<std::int64_t>(
      "kafkatrace.consumer.retries",
      {.description = "Handler attempts after a failure.", .unit = "{attempt}"});
  dead_letters_ = meter.create_counter<std::int64_t>(
      "kafkatrace.consumer.dead_letter.messages",
      {.description = "Messages published to a dead-letter topic or skipped after their retries.",
       .unit = mm::kMessageUnit});
  if (options_.statistics_interval > std::chrono::milliseconds::zero() ||
      options_.properties.count("statistics.interval.ms") != 0) {
    statistics_ = std::make_unique<StatisticsBridge>(
        meter, StatisticsBridgeOptions{.consumer_group = options_.group_id});
  }
}

std::string ConsumerCore::configure_and_start() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::string error;
  const auto set = [&](const std::string& name, const std::string& value) {
    char message[512];
    if (!error.empty()) return;
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message, sizeof message) !=
        RD_KAFKA_CONF_OK)
      error = message;
  };
  const bool manual = options_.commit_mode == CommitMode::kAfterProcessing;
  set("bootstrap.servers", options_.bootstrap_servers);
  set("group.id", options_.group_id);
  set("auto.offset.reset", options_.auto_offset_reset);
  set("enable.auto.commit", manual ? "false" : "true");
  set("enable.auto.offset.store", manual ? "false" : "true");
  if (options_.statistics_interval > std::chrono::milliseconds::zero())
    set("statistics.interval.ms", std::to_string(options_.statistics_interval.count()));
  for (const auto& [name, value] : options_.properties) {
    if (is_auto_commit_property(name)) {
      log(LogLevel::kWarning, kComponent,
          "property " + name + " is set by ConsumerOptions::commit_mode; ignored");
      continue;
    }
    set(name, value);
  }
  if (!error.empty()) {
    rd_kafka_conf_destroy(conf);
    return error;
  }
  char client_id[256];
  std::size_t size = sizeof client_id;
  if (rd_kafka_conf_get(conf, "client.id", client_id, &size) == RD_KAFKA_CONF_OK)
    client_id_ = client_id;
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_rebalance_cb(conf, &ConsumerCore::on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf, &ConsumerCore::on_commit);
  rd_kafka_conf_set_log_cb(conf, &ConsumerCore::on_log);
  if (statistics_) rd_kafka_conf_set_stats_cb(conf, &ConsumerCore::on_statistics);

  if (!options_.dead_letter.topic.empty()) {
    DeadLetterPublisherResult made =
        DeadLetterPublisher::create(options_.dead_letter, options_.bootstrap_servers);
    if (!made.publisher) {
      rd_kafka_conf_destroy(conf);
      return made.error;
    }
    dead_letter_ = std::move(made.publisher);
  }

  char message[512];
  handle_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, message, sizeof message);
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return message;
  }
  rd_kafka_poll_set_consumer(handle_);
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size()));
  for (const auto& topic : options_.topics)
    rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(handle_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::string("subscribe failed: ") + rd_kafka_err2str(subscribed);
  next_commit_ = std::chrono::steady_clock::now() + options_.commit_interval;
  return {};
}

ConsumerCore::~ConsumerCore() {
  close();
  if (abandon_handle_) abandon_handle();
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

void ConsumerCore::on_log(const rd_kafka_t*, int level, const char* facility, const char* message) {
  const LogLevel ours = level <= 3   ? LogLevel::kError
                        : level <= 4 ? LogLevel::kWarning
                        : level <= 6 ? LogLevel::kInfo
                                     : LogLevel::kDebug;
  if (!log_enabled(ours)) return;
  try {
    log(ours, "librdkafka", std::string(facility) + ": " + message);
  } catch (...) {
  }
}

int ConsumerCore::on_statistics(rd_kafka_t*, char* json, std::size_t json_len, void* opaque) {
  auto* self = static_cast<ConsumerCore*>(opaque);
  if (self->statistics_) self->statistics_->update(std::string_view(json, json_len));
  return 0;  // librdkafka frees the JSON
}

void ConsumerCore::on_commit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*,
                             void* opaque) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  // Runs on the consumer thread (served by poll): the stored offsets stay stored, so the next
  // periodic commit tries them again.
  static_cast<ConsumerCore*>(opaque)->stored_since_commit_ = true;
  log(LogLevel::kWarning, kComponent,
      std::string("offset commit failed: ") + rd_kafka_err2str(err));
}

void ConsumerCore::note_error(const ConsumerError& error) {
  if (error.fatal) {
    if (!fatal_error_) fatal_error_ = error;
    log(LogLevel::kError, kComponent, "fatal consumer error: " + error.message);
    return;
  }
  log(LogLevel::kWarning, kComponent, "consumer error: " + error.message);
}

PollResult ConsumerCore::take(std::chrono::milliseconds timeout) {
  PollResult result;
  if (!carry_.empty()) {
    result.message = std::move(carry_.front());
    carry_.pop_front();
    result.message->handed_out_ = std::chrono::steady_clock::now();  // kept since admission
    return result;
  }
  if (closed_) return result;
  const auto started = std::chrono::steady_clock::now();
  // A message already waiting is taken with no timeout, for which librdkafka computes no
  // deadline: one clock read fewer a message (docs/benchmarks.md). Only then does it wait.
  rd_kafka_message_t* raw = rd_kafka_consumer_poll(handle_, 0);
  if (raw == nullptr) {
    const int wait_ms = static_cast<int>(std::clamp<long long>(timeout.count(), 0, INT_MAX));
    if (wait_ms > 0) {
      flush_metrics();
      raw = rd_kafka_consumer_poll(handle_, wait_ms);
    }
  }
  if (raw == nullptr) return result;
  if (raw->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ConsumerError error{.code = raw->err, .message = rd_kafka_message_errstr(raw)};
    if (raw->err == RD_KAFKA_RESP_ERR__FATAL) {
      char reason[512];
      error.code = rd_kafka_fatal_error(handle_, reason, sizeof reason);
      error.message = reason;
      error.fatal = true;
    }
    rd_kafka_message_destroy(raw);
    if (error.code == RD_KAFKA_RESP_ERR__PARTITION_EOF) return result;
    note_error(error);
    result.error = std::move(error);
    return result;
  }
  result.message = admit(raw, started);
  return result;
}

std::optional<ConsumedMessage> ConsumerCore::admit(rd_kafka_message_t* raw,
                                                   std::chrono::steady_clock::time_point started) {
  ConsumedMessage message;
  message.message_.reset(raw);
  TopicState& state = topic_state(message.topic());
  message.topic_index_ = static_cast<std::uint32_t>(&state - topics_.data());
  const auto index = static_cast<std::size_t>(std::max(raw->partition, 0));
  if (state.next_offset.size() <= index) {
    state.next_offset.resize(index + 1, -1);
    state.assigned.resize(index + 1, false);
    state.epoch.resize(index + 1, 0);
  }
  std::int64_t& next = state.next_offset[index];
  if (next >= 0 && raw->offset < next) {
    log(LogLevel::kDebug, kComponent, "dropped a redelivery within one assignment");
    return std::nullopt;  // already handed out in this assignment
  }
  next = raw->offset + 1;
  message.producer_context_ = extract_context(raw, {}, tracing_.get());
  message.context_ = message.producer_context_;
  message.handed_out_ = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(message.handed_out_ - started).count();
  state.consumed.add(1);
  state.poll_duration.record(seconds);
  maybe_flush_metrics(message.handed_out_);
  return message;
}

bool ConsumerCore::wait_polling(std::chrono::steady_clock::time_point deadline,
                                const std::vector<Watched>& watched) {
  for (;;) {
    if (stop_requested() || fatal_error_) return false;
    for (const auto& partition : watched) {
      if (!is_assigned(partition.topic, partition.partition) ||
          watch(partition.topic, partition.partition).epoch != partition.epoch)
        return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, kPollSlice);
    flush_metrics();
    rd_kafka_message_t* raw = rd_kafka_consumer_poll(
        handle_, static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(slice).count()));
    if (raw != nullptr) {
      if (raw->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Paused partitions deliver nothing new; anything already on its way is kept in order.
        if (auto kept = admit(raw, now)) carry_.push_back(std::move(*kept));
      } else {
        const bool eof = raw->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
        ConsumerError error{.code = raw->err,
                            .message = rd_kafka_message_errstr(raw),
                            .fatal = raw->err == RD_KAFKA_RESP_ERR__FATAL};
        rd_kafka_message_destroy(raw);
        if (!eof) note_error(error);
      }
    }
    maybe_commit();
  }
}

void ConsumerCore::maybe_commit() {
  if (options_.commit_mode != CommitMode::kAfterProcessing || !stored_since_commit_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_commit_) return;
  next_commit_ = now + options_.commit_interval;
  stored_since_commit_ = false;
  rd_kafka_commit(handle_, nullptr, 1);  // asynchronously; on_commit logs failures
}

void ConsumerCore::flush_metrics() noexcept {
  for (auto& state : topics_) {
    state.consumed.flush();
    state.poll_duration.flush();
    state.process_duration.flush();
    state.end_to_end.flush();
  }
}

void ConsumerCore::pause_all(bool pause) {
  paused_ = pause;
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(handle_, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (pause) {
    rd_kafka_pause_partitions(handle_, assigned);
  } else {
    rd_kafka_resume_partitions(handle_, assigned);
  }
  rd_kafka_topic_partition_list_destroy(assigned);
}

void ConsumerCore::store_offset(const ConsumedMessage& message) {
  if (options_.commit_mode != CommitMode::kAfterProcessing || !message) return;
  const rd_kafka_message_t* raw = message.raw();
  const rd_kafka_resp_err_t err = rd_kafka_offset_store(raw->rkt, raw->partition, raw->offset);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    stored_since_commit_ = true;
  } else if (log_enabled(LogLevel::kDebug)) {
    log(LogLevel::kDebug, kComponent,
        std::string("offset not stored (partition revoked?): ") + rd_kafka_err2str(err));
  }
}

rd_kafka_resp_err_t ConsumerCore::commit() noexcept {
  if (closed_ || options_.commit_mode != CommitMode::kAfterProcessing) {
    return closed_ ? RD_KAFKA_RESP_ERR__STATE : rd_kafka_commit(handle_, nullptr, 0);
  }
  stored_since_commit_ = false;
  next_commit_ = std::chrono::steady_clock::now() + options_.commit_interval;
  const rd_kafka_resp_err_t err = rd_kafka_commit(handle_, nullptr, 0);
  return err == RD_KAFKA_RESP_ERR__NO_OFFSET ? RD_KAFKA_RESP_ERR_NO_ERROR : err;
}

void ConsumerCore::close() noexcept {
  flush_metrics();
  if (closed_ || handle_ == nullptr) return;
  carry_.clear();  // never stored: the next owner of their partitions gets them again
  if (options_.commit_mode == CommitMode::kAfterProcessing && stored_since_commit_) commit();
  await_first_assignment();
  if (paused_) pause_all(false);
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(handle_);  // revokes, leaves the group
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    log(LogLevel::kWarning, kComponent, std::string("close: ") + rd_kafka_err2str(err));
  closed_ = true;
}

std::vector<TopicPartition> ConsumerCore::assignment() const {
  std::vector<TopicPartition> out;
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (closed_ || rd_kafka_assignment(handle_, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  for (int i = 0; i < assigned->cnt; ++i)
    out.push_back({assigned->elems[i].topic, assigned->elems[i].partition});
  rd_kafka_topic_partition_list_destroy(assigned);
  return out;
}

std::shared_ptr<const ClientStatistics> ConsumerCore::statistics() const noexcept {
  return statistics_ ? statistics_->latest() : nullptr;
}

}  // namespace kafkatrace::kafka::internal
