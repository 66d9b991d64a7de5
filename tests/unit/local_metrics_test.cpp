// The consumer's locally aggregated metrics (kafka/internal/local_metrics.h) and the merge entry
// point under them (ExclusiveHistogram::merge): a merge records exactly what recording the values
// one by one records, nothing is collected before a flush, and nothing is lost or counted twice
// when the aggregates move, flush twice or die.
#include "kafka/internal/local_metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "support/meter_harness.h"

namespace kafkatrace::kafka::internal {
namespace {

using kafkatrace::testing::find_histogram_point;
using kafkatrace::testing::find_metric;
using kafkatrace::testing::find_point;
using kafkatrace::testing::int_value;
using kafkatrace::testing::MetricsHarness;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Values on, between, below and above the boundaries, negative ones and an infinity.
const std::vector<double> kValues{0.0, 0.5, 1.0, 1.0000001, 2.0, 2.5, 10.0, -3.0, 1e9, kInf, 0.75};

TEST(LocalMetricsTest, AMergeRecordsWhatRecordingOneByOneRecords) {
  MetricsHarness harness;
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1, 2, 10}}});
  auto one_by_one = histogram.bind_exclusive({{"how", "records"}});
  LocalHistogram local(histogram.bind_exclusive({{"how", "merge"}}));
  for (double value : kValues) {
    one_by_one.record(value);
    local.record(value);
  }
  local.flush();
  const auto collected = harness.collect();
  const auto* expected = find_histogram_point(find_metric(collected, "h"), {{"how", "records"}});
  const auto* merged = find_histogram_point(find_metric(collected, "h"), {{"how", "merge"}});
  ASSERT_NE(expected, nullptr);
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->count, kValues.size());
  EXPECT_EQ(merged->bucket_counts, expected->bucket_counts);
  EXPECT_EQ(merged->bucket_counts, (std::vector<std::uint64_t>{5, 2, 2, 2}));
  EXPECT_EQ(merged->sum, expected->sum);
  EXPECT_EQ(merged->min, -3.0);
  EXPECT_EQ(merged->max, kInf);
}

TEST(LocalMetricsTest, NothingIsCollectedBeforeAFlushAndNothingTwice) {
  MetricsHarness harness(otel::AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1}}});
  LocalCounter consumed(counter.bind_exclusive({{"k", "v"}}));
  LocalHistogram durations(histogram.bind_exclusive({{"k", "v"}}));
  consumed.add(1);
  consumed.add(2);
  durations.record(0.5);
  durations.record(3.0);
  EXPECT_EQ(durations.pending(), 2u);
  EXPECT_EQ(find_metric(harness.collect(), "c"), nullptr);

  consumed.flush();
  durations.flush();
  durations.flush();  // nothing pending: merges nothing
  EXPECT_EQ(durations.pending(), 0u);
  auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"), {{"k", "v"}})), 3);
  const auto* point = find_histogram_point(find_metric(collected, "h"), {{"k", "v"}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(point->min, 0.5);

  // After a flush the aggregate starts afresh: min and max are the new values' own.
  durations.record(2.0);
  durations.flush();
  collected = harness.collect();
  point = find_histogram_point(find_metric(collected, "h"), {{"k", "v"}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->count, 1u);
  EXPECT_EQ(point->min, 2.0);
  EXPECT_EQ(point->max, 2.0);
}

TEST(LocalMetricsTest, MovesCarryWhatIsPendingAndDestructionFlushes) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1}}});
  {
    LocalCounter consumed(counter.bind_exclusive({}));
    LocalHistogram durations(histogram.bind_exclusive({}));
    consumed.add(4);
    durations.record(0.5);
    LocalCounter moved_counter(std::move(consumed));
    LocalHistogram moved_histogram(std::move(durations));
    moved_counter.add(1);
    moved_histogram.record(5.0);
    std::vector<LocalHistogram> grown;  // as the consumer's per-topic state moves when it grows
    grown.push_back(std::move(moved_histogram));
    grown.reserve(8);
    grown.front().record(0.25);
    LocalHistogram assigned;
    assigned = std::move(grown.front());
    assigned.record(0.75);
  }
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "c"), {})), 5);
  const auto* point = find_histogram_point(find_metric(collected, "h"), {});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{3, 1}));
  EXPECT_DOUBLE_EQ(point->sum, 6.5);
  EXPECT_EQ(point->min, 0.25);
  EXPECT_EQ(point->max, 5.0);
}

TEST(LocalMetricsTest, NaNIsDroppedAndCountedAndWrongMergesAreRefused) {
  MetricsHarness harness;
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{1, 2}}});
  LocalHistogram local(histogram.bind_exclusive({}));
  local.record(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(local.pending(), 0u);
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 1u);

  auto exclusive = histogram.bind_exclusive({});
  EXPECT_EQ(exclusive.boundaries().size(), 2u);
  const std::vector<std::uint64_t> too_few{1, 1};
  exclusive.merge(too_few, 1.0, 0.5, 0.5);
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 2u);
  const std::vector<std::uint64_t> none{0, 0, 0};
  exclusive.merge(none, 0.0, kInf, -kInf);  // an empty merge adds no point
  EXPECT_EQ(find_metric(harness.collect(), "h"), nullptr);
}

TEST(LocalMetricsTest, DisabledSeriesDoNothing) {
  otel::Counter<std::int64_t> counter;  // no-op instruments
  otel::Histogram<double> histogram;
  LocalCounter consumed(counter.bind_exclusive({}));
  LocalHistogram durations(histogram.bind_exclusive({}));
  consumed.add(1);
  durations.record(1.0);
  EXPECT_EQ(durations.pending(), 0u);
  consumed.flush();
  durations.flush();
  LocalHistogram empty;
  empty.record(1.0);
  EXPECT_TRUE(otel::ExclusiveHistogram<double>().boundaries().empty());
}

}  // namespace
}  // namespace kafkatrace::kafka::internal
