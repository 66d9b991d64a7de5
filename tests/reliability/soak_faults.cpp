#include "soak_faults.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace kafkatrace::reliability {
namespace {

using kafka::ApiKey;

// Errors a healthy cluster returns during leader elections, ISR shrinks and coordinator moves:
// clients must retry them without losing or duplicating anything. Injected errors reject the
// request before the mock stores anything (see FACTS.md).
const std::vector<rd_kafka_resp_err_t> kProduceErrors{
    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,     RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS};
const std::vector<rd_kafka_resp_err_t> kFetchErrors{RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT};
const std::vector<rd_kafka_resp_err_t> kCommitErrors{RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                                     RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT};
// Makes the member rejoin: a rebalance (revoke, commit, assign) in the middle of the stream.
const std::vector<rd_kafka_resp_err_t> kHeartbeatErrors{RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS};

}  // namespace

std::string FaultCounts::summary() const {
  char text[400];
  std::snprintf(text, sizeof text,
                "%llu cycles: %llu request-error bursts (%llu errors), %llu latency spikes, %llu "
                "leader moves, %llu broker restarts, %llu forced rebalances, %llu coordinator "
                "moves, %llu coordinator restarts, %llu refused calls",
                static_cast<unsigned long long>(cycles),
                static_cast<unsigned long long>(request_error_bursts),
                static_cast<unsigned long long>(request_errors_pushed),
                static_cast<unsigned long long>(latency_spikes),
                static_cast<unsigned long long>(leader_moves),
                static_cast<unsigned long long>(broker_restarts),
                static_cast<unsigned long long>(forced_rebalances),
                static_cast<unsigned long long>(coordinator_moves),
                static_cast<unsigned long long>(coordinator_restarts),
                static_cast<unsigned long long>(failed_calls));
  return text;
}

FaultInjector::FaultInjector(kafka::EmbeddedBroker& broker, FaultPlan plan)
    : broker_(broker),
      plan_(std::move(plan)),
      leaders_(static_cast<std::size_t>(std::max(plan_.partitions, 0)), 1) {}

FaultInjector::~FaultInjector() {
  stop();
}

void FaultInjector::start() {
  if (thread_.joinable()) return;
  check(broker_.set_coordinator(kafka::CoordinatorType::kGroup, plan_.group, coordinator_));
  thread_ = std::thread([this] { run(); });
}

void FaultInjector::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stopped_.notify_all();
  if (thread_.joinable()) thread_.join();
}

FaultCounts FaultInjector::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

bool FaultInjector::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, duration, [this] { return stop_; });
}

void FaultInjector::check(rd_kafka_resp_err_t error) {
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  std::fprintf(stderr, "fault injection call failed: %s\n", rd_kafka_err2name(error));
  std::lock_guard lock(mutex_);
  ++counts_.failed_calls;
}

void FaultInjector::run() {
  const int brokers = broker_.broker_count();
  // Known leaders (the mock picks them at random), so that restarts can move them away.
  for (int partition = 0; partition < plan_.partitions; ++partition)
    set_leader(partition, partition % brokers + 1);
  for (int cycle = 0;; ++cycle) {
    // A different broker each cycle, never the coordinator (disrupt_group restarts that one).
    int victim = cycle % brokers + 1;
    if (victim == coordinator_) victim = victim % brokers + 1;
    inject_request_errors();
    if (!pause(plan_.hold)) break;
    add_latency(victim);
    if (!pause(plan_.hold)) break;
    move_leaders(cycle);
    if (!pause(plan_.hold)) break;
    restart_broker(victim);
    {
      std::lock_guard lock(mutex_);
      ++counts_.broker_restarts;
    }
    if (!pause(plan_.hold)) break;
    if (!disrupt_group(cycle)) break;
    std::lock_guard lock(mutex_);
    ++counts_.cycles;
  }
  // Brokers up, no latency, unconsumed errors dropped (leaders and coordinator stay moved).
  check(broker_.reset_faults());
}

void FaultInjector::inject_request_errors() {
  std::uint64_t pushed = 0;
  for (const auto& [api, errors] :
       {std::pair{ApiKey::kProduce, &kProduceErrors}, std::pair{ApiKey::kFetch, &kFetchErrors},
        std::pair{ApiKey::kOffsetCommit, &kCommitErrors}}) {
    check(broker_.push_request_errors(api, *errors));
    pushed += errors->size();
  }
  std::lock_guard lock(mutex_);
  ++counts_.request_error_bursts;
  counts_.request_errors_pushed += pushed;
}

void FaultInjector::add_latency(int broker_id) {
  check(broker_.set_round_trip_time(broker_id, plan_.latency));
  const bool completed = pause(plan_.hold);
  check(broker_.set_round_trip_time(broker_id, std::chrono::milliseconds(0)));
  std::lock_guard lock(mutex_);
  if (completed) ++counts_.latency_spikes;
}

void FaultInjector::set_leader(int partition, int broker_id) {
  check(broker_.set_partition_leader(plan_.topic, partition, broker_id));
  leaders_[static_cast<std::size_t>(partition)] = broker_id;
  std::lock_guard lock(mutex_);
  ++counts_.leader_moves;
}

void FaultInjector::move_leaders(int cycle) {
  // Two partitions per cycle (each call may take a second), each to the next broker.
  const int brokers = broker_.broker_count();
  for (int i = 0; i < 2 && i < plan_.partitions; ++i) {
    const int partition = (2 * cycle + i) % plan_.partitions;
    set_leader(partition, leaders_[static_cast<std::size_t>(partition)] % brokers + 1);
  }
}

void FaultInjector::restart_broker(int broker_id) {
  if (!plan_.crash_restarts) {
    // A controlled shutdown, as Kafka does it: leadership moves away first.
    const int brokers = broker_.broker_count();
    for (int partition = 0; partition < plan_.partitions; ++partition) {
      if (leaders_[static_cast<std::size_t>(partition)] == broker_id)
        set_leader(partition, broker_id % brokers + 1);
    }
  }
  check(broker_.set_broker_down(broker_id));
  pause(plan_.broker_down);
  check(broker_.set_broker_up(broker_id));
}

bool FaultInjector::disrupt_group(int round) {
  const int brokers = broker_.broker_count();
  switch (round % 3) {
    case 0: {
      check(broker_.push_request_errors(ApiKey::kHeartbeat, kHeartbeatErrors));
      std::lock_guard lock(mutex_);
      ++counts_.forced_rebalances;
      break;
    }
    case 1: {
      coordinator_ = coordinator_ % brokers + 1;
      check(broker_.set_coordinator(kafka::CoordinatorType::kGroup, plan_.group, coordinator_));
      std::lock_guard lock(mutex_);
      ++counts_.coordinator_moves;
      break;
    }
    default: {
      restart_broker(coordinator_);
      std::lock_guard lock(mutex_);
      ++counts_.coordinator_restarts;
      break;
    }
  }
  return pause(plan_.quiet);
}

}  // namespace kafkatrace::reliability
