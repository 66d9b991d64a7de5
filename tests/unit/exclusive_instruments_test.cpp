// Exclusive handles (bind_exclusive): what they record lands in the same series as shared
// handles and unbound calls, each measurement is collected exactly once (delta collections, a
// collector racing the writers), what a handle recorded is still collected after the handle is
// gone or moved, and the dropping rules of the instruments hold.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <thread>
#include <vector>

#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::double_value;
using testing::find_histogram_point;
using testing::find_metric;
using testing::find_point;
using testing::int_value;
using testing::MetricsHarness;

TEST(ExclusiveInstrumentsTest, CountersShareTheSeriesWithSharedHandlesAndUnboundCalls) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto exclusive = counter.bind_exclusive({{"topic", "orders"}, {"system", "kafka"}});
  const auto shared = counter.bind({{"system", "kafka"}, {"topic", "orders"}});
  EXPECT_TRUE(exclusive.enabled());
  exclusive.add(2);
  exclusive.add(-5);  // ignored and counted: counters are monotonic
  shared.add(3);
  counter.add(7, {{"topic", "orders"}, {"system", "kafka"}});
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"),
                                 {{"system", "kafka"}, {"topic", "orders"}})),
            12);
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 1u);
}

TEST(ExclusiveInstrumentsTest, UpDownCountersAndDoubleSums) {
  MetricsHarness harness;
  auto updown = harness.meter.create_up_down_counter<std::int64_t>("inflight");
  auto doubles = harness.meter.create_counter<double>("bytes");
  auto exclusive_updown = updown.bind_exclusive({{"p", std::int64_t{1}}});
  exclusive_updown.add(4);
  exclusive_updown.add(-6);
  auto exclusive_doubles = doubles.bind_exclusive({});
  exclusive_doubles.add(0.5);
  exclusive_doubles.add(0.25);
  exclusive_doubles.add(std::numeric_limits<double>::quiet_NaN());  // dropped
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "inflight"), {{"p", std::int64_t{1}}})),
            -2);
  EXPECT_DOUBLE_EQ(double_value(find_point(find_metric(collected, "bytes"), {})), 0.75);
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 1u);
}

TEST(ExclusiveInstrumentsTest, HistogramsKeepBucketsSumMinAndMax) {
  MetricsHarness harness;
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1, 2}}});
  auto exclusive = histogram.bind_exclusive({{"op", "send"}});
  for (double value : {0.5, 1.5, 3.0}) exclusive.record(value);
  histogram.record(2.0, {{"op", "send"}});
  histogram.bind({{"op", "send"}}).record(0.25);
  const auto collected = harness.collect();
  const auto* point = find_histogram_point(find_metric(collected, "h"), {{"op", "send"}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->count, 5u);
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{2, 2, 1}));
  EXPECT_DOUBLE_EQ(point->sum, 7.25);
  EXPECT_EQ(point->min, 0.25);
  EXPECT_EQ(point->max, 3.0);
}

TEST(ExclusiveInstrumentsTest, DeltaCollectionsSeeEachMeasurementOnce) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1}}});
  auto exclusive_counter = counter.bind_exclusive({{"k", "v"}});
  auto exclusive_histogram = histogram.bind_exclusive({{"k", "v"}});
  exclusive_counter.add(1);
  exclusive_histogram.record(5.0);
  auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"), {{"k", "v"}})), 1);
  const auto* first = find_histogram_point(find_metric(collected, "h"), {{"k", "v"}});
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->max, 5.0);

  exclusive_counter.add(2);
  exclusive_counter.add(3);
  exclusive_histogram.record(0.5);
  collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"), {{"k", "v"}})), 5);
  const auto* point = find_histogram_point(find_metric(collected, "h"), {{"k", "v"}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{1, 0}));
  EXPECT_DOUBLE_EQ(point->sum, 0.5);
  EXPECT_EQ(point->min, 0.5);
  EXPECT_EQ(point->max, 0.5);

  collected = harness.collect();  // nothing recorded since: no points
  EXPECT_EQ(find_point(find_metric(collected, "c"), {{"k", "v"}}), nullptr);
  EXPECT_EQ(find_histogram_point(find_metric(collected, "h"), {{"k", "v"}}), nullptr);
}

TEST(ExclusiveInstrumentsTest, WhatAHandleRecordedOutlivesTheHandle) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  {
    auto exclusive = counter.bind_exclusive({{"k", "v"}});
    exclusive.add(4);
  }  // gone before any collection
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 4);
  {
    auto exclusive = counter.bind_exclusive({{"k", "v"}});
    exclusive.add(1);
    EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 5);
    exclusive.add(10);
  }
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 15);
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 15);
}

TEST(ExclusiveInstrumentsTest, AMovedHandleKeepsRecordingIntoItsSeries) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto first = counter.bind_exclusive({{"k", "v"}});
  first.add(1);
  ExclusiveCounter<std::int64_t> moved(std::move(first));
  moved.add(2);
  EXPECT_FALSE(first.enabled());  // NOLINT(bugprone-use-after-move): moved-from does nothing
  first.add(100);
  ExclusiveCounter<std::int64_t> assigned = counter.bind_exclusive({{"k", "v"}});
  assigned.add(4);
  assigned = std::move(moved);  // retires the handle it replaces; its 4 stay recorded
  assigned.add(8);
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 15);
}

TEST(ExclusiveInstrumentsTest, NoopHandlesDoNothing) {
  Counter<std::int64_t> counter;  // default-constructed: no-op
  Histogram<double> histogram;
  auto exclusive_counter = counter.bind_exclusive({{"k", "v"}});
  auto exclusive_histogram = histogram.bind_exclusive({});
  EXPECT_FALSE(exclusive_counter.enabled());
  EXPECT_FALSE(exclusive_histogram.enabled());
  exclusive_counter.add(1);
  exclusive_histogram.record(1.0);
  ExclusiveHistogram<double> empty;
  empty.record(1.0);
}

// Writers with a handle each, one shared handle and a collector running at once, with delta
// collections: the deltas add up to every measurement, and every histogram point's count is
// the sum of its buckets.
TEST(ExclusiveInstrumentsTest, ConcurrentWritersAndCollectorAreExact) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1}}});
  constexpr int kThreads = 3;
  constexpr int kPerThread = 30000;
  std::atomic<int> running{kThreads + 1};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto exclusive_counter = counter.bind_exclusive({{"k", "v"}});
      auto exclusive_histogram = histogram.bind_exclusive({{"k", "v"}});
      for (int i = 0; i < kPerThread; ++i) {
        exclusive_counter.add(1);
        exclusive_histogram.record(i % 2 == 0 ? 0.5 : 1.5 + t);
      }
      running.fetch_sub(1);
    });
  }
  threads.emplace_back([&] {
    const auto shared = counter.bind({{"k", "v"}});
    for (int i = 0; i < kPerThread; ++i) shared.add(1);
    running.fetch_sub(1);
  });
  std::int64_t counted = 0;
  std::uint64_t recorded = 0;
  const auto take = [&] {
    const auto collected = harness.collect();
    if (const auto* point = find_point(find_metric(collected, "c"), {{"k", "v"}}))
      counted += int_value(point);
    if (const auto* point = find_histogram_point(find_metric(collected, "h"), {{"k", "v"}})) {
      EXPECT_EQ(point->count, std::accumulate(point->bucket_counts.begin(),
                                              point->bucket_counts.end(), std::uint64_t{0}));
      recorded += point->count;
    }
  };
  while (running.load() > 0) take();
  for (auto& thread : threads) thread.join();
  take();
  EXPECT_EQ(counted, (kThreads + 1) * kPerThread);
  EXPECT_EQ(recorded, static_cast<std::uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace kafkatrace::otel
