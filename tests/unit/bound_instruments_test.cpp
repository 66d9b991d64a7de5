// Bound instruments: recording through a handle bound to an attribute set lands in the same
// series as the unbound call (any attribute order), counters stay monotonic, histograms keep
// buckets/min/max, binding past the cardinality limit binds the overflow series, no-op handles
// do nothing, and series survive delta collections.
#include <gtest/gtest.h>

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

TEST(BoundInstrumentsTest, CounterSharesTheSeriesOfTheUnboundCall) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  const auto bound = counter.bind({{"topic", "orders"}, {"system", "kafka"}});
  bound.add(2);
  bound.add(-5);  // ignored: counters are monotonic
  counter.add(3, {{"system", "kafka"}, {"topic", "orders"}});
  counter.add(7, {{"topic", "payments"}, {"system", "kafka"}});
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "c");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->number_points.size(), 2u);
  EXPECT_EQ(int_value(find_point(metric, {{"system", "kafka"}, {"topic", "orders"}})), 5);
  EXPECT_EQ(int_value(find_point(metric, {{"system", "kafka"}, {"topic", "payments"}})), 7);
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 1u);
}

TEST(BoundInstrumentsTest, UpDownCounterAndDoubleSums) {
  MetricsHarness harness;
  auto updown = harness.meter.create_up_down_counter<std::int64_t>("inflight");
  auto doubles = harness.meter.create_counter<double>("bytes");
  const auto bound_updown = updown.bind({{"p", std::int64_t{1}}});
  bound_updown.add(4);
  bound_updown.add(-6);
  const auto bound_doubles = doubles.bind({});
  bound_doubles.add(0.5);
  bound_doubles.add(0.25);
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "inflight"), {{"p", std::int64_t{1}}})),
            -2);
  EXPECT_DOUBLE_EQ(double_value(find_point(find_metric(collected, "bytes"), {})), 0.75);
}

TEST(BoundInstrumentsTest, HistogramRecordsBucketsMinMax) {
  MetricsHarness harness;
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1, 2}}});
  const auto bound = histogram.bind({{"op", "send"}});
  for (double value : {0.5, 1.5, 3.0}) bound.record(value);
  histogram.record(2.0, {{"op", "send"}});
  const auto collected = harness.collect();
  const auto* point = find_histogram_point(find_metric(collected, "h"), {{"op", "send"}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->count, 4u);
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{1, 2, 1}));
  EXPECT_DOUBLE_EQ(point->sum, 7.0);
  EXPECT_EQ(point->min, 0.5);
  EXPECT_EQ(point->max, 3.0);
}

TEST(BoundInstrumentsTest, BindingPastTheCardinalityLimitBindsTheOverflowSeries) {
  MetricsHarness harness(AggregationTemporality::kCumulative, 3);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  counter.add(1, {{"id", std::int64_t{0}}});
  counter.add(1, {{"id", std::int64_t{1}}});
  const auto bound = counter.bind({{"id", std::int64_t{2}}});  // limit - 1 sets exist already
  bound.add(10);
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "c");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(int_value(find_point(metric, {{"otel.metric.overflow", true}})), 10);
  EXPECT_EQ(find_point(metric, {{"id", std::int64_t{2}}}), nullptr);
}

TEST(BoundInstrumentsTest, SeriesSurvivesDeltaCollections) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  const auto bound = counter.bind({{"k", "v"}});
  bound.add(1);
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 1);
  bound.add(2);
  bound.add(3);
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {{"k", "v"}})), 5);
}

TEST(BoundInstrumentsTest, NoopHandlesDoNothing) {
  Counter<std::int64_t> counter;  // default-constructed: no-op
  Histogram<double> histogram;
  const auto bound_counter = counter.bind({{"k", "v"}});
  const auto bound_histogram = histogram.bind({});
  EXPECT_FALSE(bound_counter.enabled());
  EXPECT_FALSE(bound_histogram.enabled());
  bound_counter.add(1);
  bound_histogram.record(1.0);
  BoundCounter<std::int64_t> empty;
  empty.add(1);
}

TEST(BoundInstrumentsTest, ConcurrentRecordingIsExact) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1}}});
  const auto bound_counter = counter.bind({{"k", "v"}});
  const auto bound_histogram = histogram.bind({{"k", "v"}});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        bound_counter.add(1);
        bound_histogram.record(0.5);
      }
    });
  }
  const auto midway = harness.collect();  // collection racing the recording
  for (auto& thread : threads) thread.join();
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"), {{"k", "v"}})),
            kThreads * kPerThread);
  EXPECT_EQ(find_histogram_point(find_metric(collected, "h"), {{"k", "v"}})->count,
            static_cast<std::uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace kafkatrace::otel
