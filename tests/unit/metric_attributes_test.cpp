// The attribute-set hash and comparison behind metric streams: order-insensitive, equal for a
// caller's views and the stored normalised copy, and spreading short strings (topic names,
// error types) so that the stream table's probes stay short.
#include "otel/internal/metric_attributes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace kafkatrace::otel::internal {
namespace {

std::uint64_t hash_of(std::initializer_list<MetricAttribute> attributes) {
  return hash_attributes(std::span<const MetricAttribute>(attributes.begin(), attributes.size()));
}

TEST(MetricAttributes, HashIgnoresOrderAndMatchesTheNormalisedCopy) {
  const std::string topic = "orders";
  const auto forward =
      hash_of({{"messaging.system", "kafka"}, {"messaging.destination.name", topic}});
  const auto backward =
      hash_of({{"messaging.destination.name", topic}, {"messaging.system", "kafka"}});
  EXPECT_EQ(forward, backward);

  const std::initializer_list<MetricAttribute> views = {
      {"messaging.system", "kafka"}, {"partition", std::int64_t{3}}, {"ok", true}, {"ratio", 0.5}};
  const Attributes stored = normalize_attributes(std::span<const MetricAttribute>(views));
  EXPECT_EQ(hash_attributes(std::span<const MetricAttribute>(views)), hash_attributes(stored));
  EXPECT_TRUE(same_attributes(std::span<const MetricAttribute>(views), stored));
}

TEST(MetricAttributes, EveryByteOfAKeyOrValueCounts) {
  // Strings of every length from 0 to 40 (each branch of the word-at-a-time hash), and each
  // of them with one byte changed at every position: all hashes distinct.
  std::unordered_set<std::uint64_t> seen;
  std::size_t inputs = 0;
  for (std::size_t length = 0; length <= 40; ++length) {
    std::string text(length, 'a');
    for (std::size_t i = 0; i < length; ++i) text[i] = static_cast<char>('a' + i % 26);
    std::vector<std::string> variants{text};
    for (std::size_t position = 0; position < length; ++position) {
      std::string changed = text;
      changed[position] = '#';
      variants.push_back(changed);
    }
    for (const auto& value : variants) {
      seen.insert(hash_of({{"k", std::string_view(value)}}));
      seen.insert(hash_of({{std::string_view(value), "v"}}));
      inputs += 2;
    }
  }
  EXPECT_EQ(seen.size(), inputs);
}

TEST(MetricAttributes, TopicNamesSpreadOverTheTableSlots) {
  // 4,096 topic names into 8,192 slots (the table's low bits): a hash that ignored the
  // differing suffix would pile them into a handful of slots.
  constexpr std::uint64_t kMask = 8192 - 1;
  std::vector<int> slots(kMask + 1, 0);
  int worst = 0;
  for (int i = 0; i < 4096; ++i) {
    const std::string topic = "orders.eu-west-1.topic-" + std::to_string(i);
    const auto slot =
        hash_of({{"messaging.system", "kafka"}, {"messaging.destination.name", topic}}) & kMask;
    worst = std::max(worst, ++slots[slot]);
  }
  EXPECT_LE(worst, 8);
}

TEST(MetricAttributes, DifferentTypesOfTheSameValueAreDifferentSets) {
  EXPECT_NE(hash_of({{"n", std::int64_t{1}}}), hash_of({{"n", 1.0}}));
  EXPECT_NE(hash_of({{"n", std::int64_t{1}}}), hash_of({{"n", true}}));
  EXPECT_NE(hash_of({{"n", "1"}}), hash_of({{"n", std::int64_t{1}}}));
}

}  // namespace
}  // namespace kafkatrace::otel::internal
