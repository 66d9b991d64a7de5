// The cardinality limit: limit - 1 attribute sets, then one otel.metric.overflow=true stream
// that receives every measurement that found no stream. Totals stay exact.
#include <gtest/gtest.h>

#include <string>

#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::find_histogram_point;
using testing::find_metric;
using testing::find_point;
using testing::int_value;
using testing::MetricsHarness;

const Attributes kOverflow{{"otel.metric.overflow", true}};

TEST(MetricCardinalityLimitTest, OverflowStreamCollectsTheRest) {
  MetricsHarness harness(AggregationTemporality::kCumulative, 10);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  for (std::int64_t i = 0; i < 25; ++i) counter.add(i + 1, {{"id", i}});
  counter.add(100, {{"id", std::int64_t{3}}});    // an existing stream still gets its value
  counter.add(1000, {{"id", std::int64_t{24}}});  // an overflowed set goes to overflow again
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "c");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->number_points.size(), 10u);  // 9 regular + overflow
  for (std::int64_t i = 0; i < 9; ++i) {
    const std::int64_t expected = i + 1 + (i == 3 ? 100 : 0);
    EXPECT_EQ(int_value(find_point(metric, {{"id", i}})), expected);
  }
  // ids 9..24 hold 10..25 = 280, plus the 1000.
  EXPECT_EQ(int_value(find_point(metric, kOverflow)), 280 + 1000);
  EXPECT_EQ(harness.provider->stats().measurements_overflowed, 17u);
}

TEST(MetricCardinalityLimitTest, HistogramOverflowKeepsCountsExact) {
  MetricsHarness harness(AggregationTemporality::kCumulative, 3);
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{10}}});
  for (int i = 0; i < 6; ++i) histogram.record(i * 5.0, {{"id", i}});
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "h");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->histogram_points.size(), 3u);
  const auto* overflow = find_histogram_point(metric, kOverflow);
  ASSERT_NE(overflow, nullptr);
  EXPECT_EQ(overflow->count, 4u);  // ids 2..5: values 10, 15, 20, 25
  EXPECT_EQ(overflow->bucket_counts, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_DOUBLE_EQ(overflow->sum, 70.0);
  EXPECT_EQ(overflow->min, 10.0);
  EXPECT_EQ(overflow->max, 25.0);
}

TEST(MetricCardinalityLimitTest, DefaultLimitIs2000) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  for (std::int64_t i = 0; i < 2100; ++i) counter.add(1, {{"id", i}});
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "c");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->number_points.size(), 2000u);
  EXPECT_EQ(int_value(find_point(metric, kOverflow)), 2100 - 1999);
}

TEST(MetricCardinalityLimitTest, ObservableOverflow) {
  MetricsHarness harness(AggregationTemporality::kCumulative, 4);
  auto counter =
      harness.meter.create_observable_counter<std::int64_t>("oc", [](ObservableResult& result) {
        for (int i = 0; i < 8; ++i) result.observe(10, {{"id", i}});
      });
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "oc");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->number_points.size(), 4u);
  EXPECT_EQ(int_value(find_point(metric, kOverflow)), 50);
}

TEST(MetricCardinalityLimitTest, LimitAppliesPerInstrument) {
  MetricsHarness harness(AggregationTemporality::kCumulative, 5);
  auto a = harness.meter.create_counter<std::int64_t>("a");
  auto b = harness.meter.create_counter<std::int64_t>("b");
  for (int i = 0; i < 4; ++i) {
    a.add(1, {{"id", i}});
    b.add(1, {{"id", i}});
  }
  const auto metrics = harness.collect();
  EXPECT_EQ(find_point(find_metric(metrics, "a"), kOverflow), nullptr);
  EXPECT_EQ(find_point(find_metric(metrics, "b"), kOverflow), nullptr);
}

}  // namespace
}  // namespace kafkatrace::otel
