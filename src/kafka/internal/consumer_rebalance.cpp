// ConsumerCore: partition assignment — the rebalance callback for the eager and cooperative
// protocols (commit before revoke, per-partition epochs for the duplicate guard and for retries
// that must notice a revoke), and per-topic state.
#include <algorithm>

#include "kafka/internal/consumer_core.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

namespace mm = otel::messaging_metrics;
constexpr std::string_view kComponent = "kafka.consumer";

}  // namespace

void ConsumerCore::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<ConsumerCore*>(opaque)->handle_rebalance(err, partitions);
}

ConsumerCore::TopicState& ConsumerCore::topic_state(std::string_view topic) {
  for (auto& state : topics_)
    if (state.name == topic) return state;
  TopicState& added = topics_.emplace_back();
  added.name = std::string(topic);
  added.process_span_name = "process " + added.name;
  added.poll_span_name = "poll " + added.name;
  const std::string_view group = options_.group_id;
  added.consumed = LocalCounter(metrics_.client_consumed_messages.bind_exclusive(
      {{mm::kSystem, mm::kSystemKafka},
       {mm::kOperationName, semconv::kOperationNamePoll},
       {mm::kDestinationName, added.name},
       {mm::kConsumerGroupName, group}}));
  added.poll_duration = LocalHistogram(metrics_.client_operation_duration.bind_exclusive(
      {{mm::kSystem, mm::kSystemKafka},
       {mm::kOperationName, semconv::kOperationNamePoll},
       {mm::kOperationType, semconv::kOperationTypeReceive},
       {mm::kDestinationName, added.name},
       {mm::kConsumerGroupName, group}}));
  added.process_duration = LocalHistogram(metrics_.process_duration.bind_exclusive(
      {{mm::kSystem, mm::kSystemKafka},
       {mm::kOperationName, semconv::kOperationNameProcess},
       {mm::kDestinationName, added.name},
       {mm::kConsumerGroupName, group}}));
  added.end_to_end = LocalHistogram(end_to_end_.bind_exclusive({{mm::kSystem, mm::kSystemKafka},
                                                                {mm::kDestinationName, added.name},
                                                                {mm::kConsumerGroupName, group}}));
  return added;
}

ConsumerCore::Watched ConsumerCore::watch(std::string_view topic, std::int32_t partition) {
  return {.topic = std::string(topic),
          .partition = partition,
          .epoch = partition_epoch(topic, partition)};
}

std::uint64_t ConsumerCore::partition_epoch(std::string_view topic, std::int32_t partition) {
  const TopicState& state = topic_state(topic);
  const auto index = static_cast<std::size_t>(partition);
  return partition >= 0 && index < state.epoch.size() ? state.epoch[index] : 0;
}

bool ConsumerCore::is_assigned(std::string_view topic, std::int32_t partition) {
  const TopicState& state = topic_state(topic);
  return partition >= 0 && static_cast<std::size_t>(partition) < state.assigned.size() &&
         state.assigned[static_cast<std::size_t>(partition)];
}

void ConsumerCore::track_assignment(const rd_kafka_topic_partition_list_t* partitions,
                                    bool assigned) {
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto& entry = partitions->elems[i];
    if (entry.partition < 0) continue;
    TopicState& state = topic_state(entry.topic);
    const auto index = static_cast<std::size_t>(entry.partition);
    if (state.assigned.size() <= index) {
      state.assigned.resize(index + 1, false);
      state.next_offset.resize(index + 1, -1);
      state.epoch.resize(index + 1, 0);
    }
    state.assigned[index] = assigned;
    ++state.epoch[index];
    state.next_offset[index] = -1;  // a new assignment starts from the committed offset
  }
  if (!assigned) {
    std::erase_if(carry_, [this](const ConsumedMessage& message) {
      return !is_assigned(message.topic(), message.partition());
    });
  }
}

void ConsumerCore::handle_rebalance(rd_kafka_resp_err_t err,
                                    rd_kafka_topic_partition_list_t* partitions) {
  const char* protocol = rd_kafka_rebalance_protocol(handle_);
  protocol_ = protocol ? protocol : "NONE";
  const bool cooperative = protocol_ == "COOPERATIVE";
  RebalanceEvent event{.protocol = protocol_};
  for (int i = 0; i < partitions->cnt; ++i)
    event.partitions.push_back({partitions->elems[i].topic, partitions->elems[i].partition});

  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    event.kind = RebalanceEvent::Kind::kAssigned;
    assignment_received_ = true;
    if (cooperative) {
      if (rd_kafka_error_t* failed = rd_kafka_incremental_assign(handle_, partitions)) {
        log(LogLevel::kError, kComponent,
            std::string("incremental assign failed: ") + rd_kafka_error_string(failed));
        rd_kafka_error_destroy(failed);
      }
    } else {
      rd_kafka_assign(handle_, partitions);
    }
    track_assignment(partitions, true);
    if (paused_) rd_kafka_pause_partitions(handle_, partitions);
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    const bool lost = rd_kafka_assignment_lost(handle_) != 0;
    event.kind = lost ? RebalanceEvent::Kind::kLost : RebalanceEvent::Kind::kRevoked;
    if (!lost && options_.commit_mode == CommitMode::kAfterProcessing && stored_since_commit_) {
      rd_kafka_commit(handle_, nullptr, 0);  // synchronously, before the next owner starts
      stored_since_commit_ = false;
    }
    if (cooperative) {
      if (rd_kafka_error_t* failed = rd_kafka_incremental_unassign(handle_, partitions)) {
        log(LogLevel::kError, kComponent,
            std::string("incremental unassign failed: ") + rd_kafka_error_string(failed));
        rd_kafka_error_destroy(failed);
      }
    } else {
      rd_kafka_assign(handle_, nullptr);
    }
    track_assignment(partitions, false);
  } else {
    log(LogLevel::kError, kComponent, std::string("rebalance error: ") + rd_kafka_err2str(err));
    rd_kafka_assign(handle_, nullptr);
    for (auto& state : topics_) std::fill(state.assigned.begin(), state.assigned.end(), false);
    carry_.clear();
    return;
  }

  const std::string_view kind = event.kind == RebalanceEvent::Kind::kAssigned  ? "assigned"
                                : event.kind == RebalanceEvent::Kind::kRevoked ? "revoked"
                                                                               : "lost";
  rebalance_partitions_.add(partitions->cnt, {{mm::kSystem, mm::kSystemKafka},
                                              {mm::kConsumerGroupName, options_.group_id},
                                              {"kafkatrace.rebalance.kind", kind}});
  if (log_enabled(LogLevel::kInfo)) {
    std::string text =
        "group " + options_.group_id + " (" + protocol_ + "): " + std::string(kind) + " ";
    for (const auto& partition : event.partitions)
      text += partition.topic + "[" + std::to_string(partition.partition) + "] ";
    log(LogLevel::kInfo, kComponent, text);
  }
  if (options_.on_rebalance) {
    try {
      options_.on_rebalance(event);
    } catch (const std::exception& e) {
      log(LogLevel::kError, kComponent, std::string("on_rebalance threw: ") + e.what());
    } catch (...) {
      log(LogLevel::kError, kComponent, "on_rebalance threw");
    }
  }
}

}  // namespace kafkatrace::kafka::internal
