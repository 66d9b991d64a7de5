// Two consumers in one group, eager and cooperative: assignments and revocations are visible,
// processed offsets are committed on revoke (so the new owner continues without duplicates),
// and nothing is processed twice within one assignment.
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "consumer_fixture.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

class ConsumerRebalanceTest : public KafkaClusterTest,
                              public ::testing::WithParamInterface<std::string> {
 protected:
  Telemetry telemetry_;
};

// What one consumer processed, per assignment generation.
struct Member {
  std::mutex mutex;
  int generation = 0;
  int revocations = 0;
  int losses = 0;  // partitions lost (member fenced): uncommitted work is redelivered
  std::set<std::int32_t> partitions;
  std::vector<std::tuple<int, std::int32_t, std::int64_t>> processed;  // generation, p, offset

  void on_rebalance(const kafka::RebalanceEvent& event) {
    std::lock_guard lock(mutex);
    if (event.kind == kafka::RebalanceEvent::Kind::kAssigned) {
      ++generation;
      for (const auto& tp : event.partitions) partitions.insert(tp.partition);
    } else {
      if (event.kind == kafka::RebalanceEvent::Kind::kLost) ++losses;
      ++revocations;
      for (const auto& tp : event.partitions) partitions.erase(tp.partition);
    }
  }
  void on_message(const kafka::ConsumedMessage& message) {
    std::lock_guard lock(mutex);
    processed.emplace_back(generation, message.partition(), message.offset());
  }
  bool has_partitions() {
    std::lock_guard lock(mutex);
    return !partitions.empty();
  }
};

TEST_P(ConsumerRebalanceTest, TwoConsumersShareTheTopicWithoutLossOrDuplicates) {
  const std::string topic = unique_topic_name("rebalance");
  constexpr int kPartitions = 4;
  constexpr int kPerRound = 100;
  ASSERT_TRUE(create_topic(topic, kPartitions));
  TestProducer producer(bootstrap_servers());
  const auto produce_round = [&] {
    std::vector<TestMessage> messages;
    for (int i = 0; i < kPerRound; ++i)
      messages.push_back({.topic = topic, .partition = i % kPartitions, .value = "m"});
    for (const auto& delivery : producer.produce(messages))
      ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);
  };
  produce_round();

  const std::string group = topic + "-group";
  Member first, second;
  const auto options_for = [&](Member& member) {
    auto options = consumer_options(bootstrap_servers(), topic, telemetry_, group);
    options.properties["partition.assignment.strategy"] = GetParam();
    options.properties["heartbeat.interval.ms"] = "300";
    // The mock coordinator waits for every member's session before completing a rebalance.
    options.properties["session.timeout.ms"] = "6000";
    options.on_rebalance = [&member](const kafka::RebalanceEvent& e) { member.on_rebalance(e); };
    return options;
  };
  // A slow handler keeps the first consumer busy while the second joins.
  ConsumerThread a(options_for(first), [&](const kafka::ConsumedMessage& message) {
    first.on_message(message);
    std::this_thread::sleep_for(2ms);
  });
  ASSERT_TRUE(wait_until([&] { return first.has_partitions(); }));
  ConsumerThread b(options_for(second),
                   [&](const kafka::ConsumedMessage& message) { second.on_message(message); });
  ASSERT_TRUE(wait_until([&] { return second.has_partitions() && first.has_partitions(); }))
      << "the group never settled with both members";
  produce_round();

  const auto all_processed = [&] {
    std::set<std::pair<std::int32_t, std::int64_t>> seen;
    for (Member* member : {&first, &second}) {
      std::lock_guard lock(member->mutex);
      for (const auto& [generation, partition, offset] : member->processed)
        seen.emplace(partition, offset);
    }
    return seen.size();
  };
  ASSERT_TRUE(wait_until([&] { return all_processed() == 2 * kPerRound; }))
      << all_processed() << " of " << 2 * kPerRound;
  b.stop();
  a.stop();

  std::size_t duplicates_across = 0;
  std::map<std::pair<std::int32_t, std::int64_t>, int> times;
  for (Member* member : {&first, &second}) {
    std::set<std::tuple<int, std::int32_t, std::int64_t>> within;
    for (const auto& entry : member->processed) {
      EXPECT_TRUE(within.insert(entry).second)
          << "processed twice in one assignment: partition " << std::get<1>(entry) << " offset "
          << std::get<2>(entry);
      if (++times[{std::get<1>(entry), std::get<2>(entry)}] == 2) ++duplicates_across;
    }
  }
  EXPECT_GE(first.revocations, 1) << "the first consumer never saw a revocation";
  // Commit on revoke: the new owner starts exactly after what the old one processed. The
  // embedded broker (librdkafka 2.0.2's mock) refuses OffsetCommit while the group rebalances
  // (REBALANCE_IN_PROGRESS), which Kafka accepts from the current generation, so there the
  // redelivered count is only reported.
  // A member fenced by the coordinator (partitions *lost*, e.g. a heartbeat late on a loaded
  // machine, or librdkafka 2.0.2 committing with a stale generation during a cooperative
  // rebalance) cannot commit: redelivery is then the at-least-once contract, not a fault.
  const bool lost = first.losses + second.losses > 0;
  if (!is_embedded() && !lost) {
    EXPECT_EQ(duplicates_across, 0u);
  }
  if (lost)
    std::cout << "[ info ] partitions were lost (member fenced): duplicates reported only\n";
  std::cout << "[ info ] " << GetParam() << ": first processed " << first.processed.size()
            << ", second " << second.processed.size() << ", duplicates " << duplicates_across
            << "\n";
  const auto rebalances = telemetry_.collect("kafkatrace.consumer.rebalance.partitions");
  ASSERT_FALSE(rebalances.empty());
  EXPECT_GE(rebalances[0].number_points.size(), 2u);  // assigned and revoked
}

INSTANTIATE_TEST_SUITE_P(Protocols, ConsumerRebalanceTest,
                         ::testing::Values("range", "cooperative-sticky"),
                         [](const auto& param_info) {
                           return param_info.param == "range" ? std::string("Eager")
                                                              : std::string("Cooperative");
                         });

}  // namespace
}  // namespace kafkatrace::testing
