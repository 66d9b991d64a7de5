// FaultInjector: the fault soak's chaos — a background thread that cycles through the embedded
// broker's fault injection until stopped. Every cycle: transient request errors (Produce, Fetch,
// OffsetCommit), added latency on one broker, two partition leaders moved, and a broker that is
// not the group coordinator taken down and brought back. Then it disrupts the consumer group, in
// turn: a Heartbeat error that forces a rebalance, the coordinator moved to
// another broker, the coordinator broker restarted — then stays quiet for `quiet`, long enough
// for the group to settle (the mock coordinator takes session.timeout.ms - 1 s to answer a
// rejoin). Each fault is undone before the next one starts; stop() undoes whatever is active.
//
//   FaultInjector faults(broker, {.topic = "soak", .partitions = 6, .group = "soak-group"});
//   faults.start();  ... produce and consume ...;  faults.stop();
//   std::printf("%s\n", faults.counts().summary().c_str());
//
// Threads: start/stop/counts from one controlling thread; the faults run on the injector's own
// thread. Every broker call may take up to a second (see broker.h), so a cycle takes 5-20 s.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kafkatrace/kafka/broker.h"

namespace kafkatrace::reliability {

struct FaultPlan {
  std::string topic{};
  int partitions = 1;
  std::string group{};
  std::chrono::milliseconds hold{1000};         // how long each fault stays in place
  std::chrono::milliseconds latency{150};       // round-trip time added to one broker
  std::chrono::milliseconds broker_down{1500};  // how long a broker stays down
  std::chrono::milliseconds quiet{5000};        // after a group disruption
  // false: a controlled restart — the broker's partition leaders move away before it goes
  // down. true: it crashes with produce requests in flight (on librdkafka 2.0.2's mock cluster
  // this duplicates records: the mock checks producer sequence numbers only for transactional
  // producers, see docs/reliability.md).
  bool crash_restarts = false;
};

struct FaultCounts {
  std::uint64_t cycles = 0;
  std::uint64_t request_error_bursts = 0;
  std::uint64_t request_errors_pushed = 0;
  std::uint64_t latency_spikes = 0;
  std::uint64_t leader_moves = 0;
  std::uint64_t broker_restarts = 0;
  std::uint64_t coordinator_moves = 0;
  std::uint64_t forced_rebalances = 0;
  std::uint64_t coordinator_restarts = 0;
  std::uint64_t failed_calls = 0;  // fault-injection calls the broker refused

  std::string summary() const;
};

class FaultInjector {
 public:
  FaultInjector(kafka::EmbeddedBroker& broker, FaultPlan plan);
  ~FaultInjector();  // stops
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Makes broker 1 the group's coordinator (so that the injector knows which one it is), then
  // starts the thread.
  void start();
  // Finishes the fault in progress early, undoes it, and joins the thread.
  void stop();
  FaultCounts counts() const;

 private:
  void run();
  // Waits `duration` unless stopped; false when stopped.
  bool pause(std::chrono::milliseconds duration);
  void check(rd_kafka_resp_err_t error);
  void inject_request_errors();
  void add_latency(int broker_id);
  void set_leader(int partition, int broker_id);
  void move_leaders(int cycle);
  // Takes the broker down for plan_.broker_down and back up (see FaultPlan::crash_restarts).
  void restart_broker(int broker_id);
  // Returns false when stopped.
  bool disrupt_group(int round);

  kafka::EmbeddedBroker& broker_;
  const FaultPlan plan_;
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_ = false;
  FaultCounts counts_;
  // Only the injector's thread uses these after start().
  int coordinator_ = 1;
  std::vector<int> leaders_;  // broker id per partition
  std::thread thread_;
};

}  // namespace kafkatrace::reliability
