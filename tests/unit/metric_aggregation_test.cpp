// Aggregation: sums, histograms (OTLP explicit-bucket rule), min/max, cumulative vs delta with
// their start times, several readers, and observable instruments.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "kafkatrace/otel/meter_provider.h"
#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::double_value;
using testing::find_histogram_point;
using testing::find_metric;
using testing::find_point;
using testing::int_value;
using testing::MetricsHarness;

TEST(MetricAggregationTest, IntAndDoubleSums) {
  MetricsHarness harness;
  auto ints = harness.meter.create_counter<std::int64_t>("ints");
  auto doubles = harness.meter.create_counter<double>("doubles");
  auto updown = harness.meter.create_up_down_counter<std::int64_t>("updown");
  for (int i = 0; i < 10; ++i) ints.add(i);
  doubles.add(0.5);
  doubles.add(0.25);
  updown.add(5);
  updown.add(-7);
  ints.add(-3);  // ignored: counters are monotonic
  const auto metrics = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(metrics, "ints"), {})), 45);
  EXPECT_DOUBLE_EQ(double_value(find_point(find_metric(metrics, "doubles"), {})), 0.75);
  const MetricData* updown_metric = find_metric(metrics, "updown");
  ASSERT_NE(updown_metric, nullptr);
  EXPECT_FALSE(updown_metric->is_monotonic);
  EXPECT_EQ(int_value(find_point(updown_metric, {})), -2);
}

TEST(MetricAggregationTest, HistogramBucketsAreUpperInclusive) {
  MetricsHarness harness;
  auto histogram =
      harness.meter.create_histogram<double>("h", {.unit = "s", .boundaries = {{1, 2, 5}}});
  for (double value : {0.5, 1.0, 1.5, 2.0, 4.0, 5.0, 5.5, -1.0}) histogram.record(value);
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "h");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->type, MetricData::Type::kHistogram);
  const HistogramDataPoint* point = find_histogram_point(metric, {});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->explicit_bounds, (std::vector<double>{1, 2, 5}));
  // (-inf,1] (1,2] (2,5] (5,+inf)
  EXPECT_EQ(point->bucket_counts, (std::vector<std::uint64_t>{3, 2, 2, 1}));
  EXPECT_EQ(point->count, 8u);
  EXPECT_DOUBLE_EQ(point->sum, 18.5);
  EXPECT_EQ(point->min, -1.0);
  EXPECT_EQ(point->max, 5.5);
}

TEST(MetricAggregationTest, HistogramDefaultsAndInvalidAdvice) {
  MetricsHarness harness;
  harness.meter.create_histogram<std::int64_t>("default").record(7);
  harness.meter.create_histogram<double>("bad", {.boundaries = {{2, 1}}}).record(1);
  const auto metrics = harness.collect();
  const std::vector<double> defaults{0,   5,   10,   25,   50,   75,   100,  250,
                                     500, 750, 1000, 2500, 5000, 7500, 10000};
  const auto* point = find_histogram_point(find_metric(metrics, "default"), {});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->explicit_bounds, defaults);
  EXPECT_EQ(point->bucket_counts.size(), defaults.size() + 1);
  EXPECT_EQ(point->bucket_counts[2], 1u);  // (5, 10]
  EXPECT_EQ(find_histogram_point(find_metric(metrics, "bad"), {})->explicit_bounds, defaults);
}

TEST(MetricAggregationTest, CumulativeKeepsStartAndAccumulates) {
  MetricsHarness harness(AggregationTemporality::kCumulative);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{10}}});
  counter.add(1);
  histogram.record(3);
  const auto first = harness.collect();
  counter.add(2);
  histogram.record(20);
  const auto second = harness.collect();
  const auto third = harness.collect();  // no new measurements: still reported
  const auto* p1 = find_point(find_metric(first, "c"), {});
  const auto* p2 = find_point(find_metric(second, "c"), {});
  const auto* p3 = find_point(find_metric(third, "c"), {});
  ASSERT_TRUE(p1 && p2 && p3);
  EXPECT_EQ(int_value(p1), 1);
  EXPECT_EQ(int_value(p2), 3);
  EXPECT_EQ(int_value(p3), 3);
  EXPECT_GT(p1->start_time_unix_nano, 0u);
  EXPECT_EQ(p1->start_time_unix_nano, p2->start_time_unix_nano);
  EXPECT_EQ(p2->start_time_unix_nano, p3->start_time_unix_nano);
  EXPECT_LE(p1->start_time_unix_nano, p1->time_unix_nano);
  EXPECT_LE(p1->time_unix_nano, p2->time_unix_nano);
  const auto* h2 = find_histogram_point(find_metric(second, "h"), {});
  ASSERT_NE(h2, nullptr);
  EXPECT_EQ(h2->count, 2u);
  EXPECT_EQ(h2->bucket_counts, (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(h2->min, 3.0);
  EXPECT_EQ(h2->max, 20.0);
}

TEST(MetricAggregationTest, DeltaResetsAndChainsStartTimes) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  auto histogram = harness.meter.create_histogram<double>("h", {.boundaries = {{10}}});
  counter.add(1, {{"k", "a"}});
  histogram.record(3);
  histogram.record(4);
  const auto first = harness.collect();
  counter.add(2, {{"k", "a"}});
  histogram.record(20);
  const auto second = harness.collect();
  const auto third = harness.collect();

  const auto* c1 = find_point(find_metric(first, "c"), {{"k", std::string("a")}});
  const auto* c2 = find_point(find_metric(second, "c"), {{"k", std::string("a")}});
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(find_metric(first, "c")->temporality, AggregationTemporality::kDelta);
  EXPECT_EQ(int_value(c1), 1);
  EXPECT_EQ(int_value(c2), 2);
  EXPECT_EQ(c2->start_time_unix_nano, c1->time_unix_nano);  // intervals chain
  const auto* h1 = find_histogram_point(find_metric(first, "h"), {});
  const auto* h2 = find_histogram_point(find_metric(second, "h"), {});
  ASSERT_TRUE(h1 && h2);
  EXPECT_EQ(h1->count, 2u);
  EXPECT_EQ(h1->min, 3.0);
  EXPECT_EQ(h1->max, 4.0);
  EXPECT_EQ(h2->count, 1u);
  EXPECT_DOUBLE_EQ(h2->sum, 20.0);
  EXPECT_EQ(h2->min, 20.0);  // min/max are per interval under delta
  EXPECT_EQ(h2->bucket_counts, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_TRUE(third.scope_metrics.empty());  // nothing recorded since
}

TEST(MetricAggregationTest, DeltaReportsAnUpDownCounterThatReturnedToZero) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto updown = harness.meter.create_up_down_counter<std::int64_t>("u");
  updown.add(3);
  updown.add(-3);
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "u"), {})), 0);
}

TEST(MetricAggregationTest, ReadersWithDifferentTemporalitiesSeeEverything) {
  auto cumulative = std::make_shared<testing::ManualReaderHandle>();
  auto delta = std::make_shared<testing::ManualReaderHandle>();
  MeterProviderOptions options;
  options.disabled = false;
  options.resource = Resource{};
  options.readers.push_back(
      std::make_unique<testing::ManualReader>(cumulative, AggregationTemporality::kCumulative));
  options.readers.push_back(
      std::make_unique<testing::ManualReader>(delta, AggregationTemporality::kDelta));
  auto provider = make_meter_provider(std::move(options));
  auto counter = provider->get_meter("m").create_counter<std::int64_t>("c");
  counter.add(1);
  EXPECT_EQ(int_value(find_point(find_metric(cumulative->collect(), "c"), {})), 1);
  counter.add(2);
  EXPECT_EQ(int_value(find_point(find_metric(delta->collect(), "c"), {})), 3);
  counter.add(4);
  EXPECT_EQ(int_value(find_point(find_metric(delta->collect(), "c"), {})), 4);
  EXPECT_EQ(int_value(find_point(find_metric(cumulative->collect(), "c"), {})), 7);
}

TEST(MetricAggregationTest, ObservableCallbacksRunAtEachCollection) {
  MetricsHarness harness;
  int calls = 0;
  std::int64_t total = 0;
  auto counter =
      harness.meter.create_observable_counter<std::int64_t>("oc", [&](ObservableResult& result) {
        ++calls;
        total += 10;
        result.observe(total, {{"queue", "a"}});
      });
  auto gauge = harness.meter.create_observable_gauge<double>(
      "og", [](ObservableResult& result) { result.observe(0.5); });
  EXPECT_EQ(calls, 0);
  const auto first = harness.collect();
  const auto second = harness.collect();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(int_value(find_point(find_metric(first, "oc"), {{"queue", std::string("a")}})), 10);
  const MetricData* oc = find_metric(second, "oc");
  ASSERT_NE(oc, nullptr);
  EXPECT_TRUE(oc->is_monotonic);
  EXPECT_EQ(oc->type, MetricData::Type::kSum);
  EXPECT_EQ(int_value(find_point(oc, {{"queue", std::string("a")}})), 20);
  const MetricData* og = find_metric(second, "og");
  ASSERT_NE(og, nullptr);
  EXPECT_EQ(og->type, MetricData::Type::kGauge);
  EXPECT_DOUBLE_EQ(double_value(find_point(og, {})), 0.5);
}

TEST(MetricAggregationTest, ObservableCounterUnderDeltaReportsDifferences) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  std::int64_t total = 0;
  auto counter = harness.meter.create_observable_counter<std::int64_t>(
      "oc", [&](ObservableResult& result) { result.observe(total); });
  auto updown = harness.meter.create_observable_up_down_counter<double>(
      "ou", [&](ObservableResult& result) { result.observe(static_cast<double>(-total)); });
  total = 5;
  const auto first = harness.collect();
  total = 12;
  const auto second = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(first, "oc"), {})), 5);
  EXPECT_EQ(int_value(find_point(find_metric(second, "oc"), {})), 7);
  EXPECT_DOUBLE_EQ(double_value(find_point(find_metric(second, "ou"), {})), -7.0);
  EXPECT_FALSE(find_metric(second, "ou")->is_monotonic);
}

TEST(MetricAggregationTest, DestroyingTheHandleUnregistersTheCallback) {
  MetricsHarness harness;
  int calls = 0;
  {
    auto gauge =
        harness.meter.create_observable_gauge<std::int64_t>("g", [&](ObservableResult& result) {
          ++calls;
          result.observe(1);
        });
    harness.collect();
  }
  EXPECT_EQ(find_metric(harness.collect(), "g"), nullptr);
  EXPECT_EQ(calls, 1);
}

TEST(MetricAggregationTest, AThrowingCallbackDoesNotStopTheCollection) {
  MetricsHarness harness;
  auto bad = harness.meter.create_observable_gauge<std::int64_t>(
      "bad", [](ObservableResult&) { throw std::runtime_error("boom"); });
  auto good = harness.meter.create_observable_gauge<std::int64_t>(
      "good", [](ObservableResult& result) { result.observe(std::int64_t{3}); });
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "good"), {})), 3);
}

TEST(MetricAggregationTest, TwoCallbacksOnOneObservableInstrument) {
  MetricsHarness harness;
  auto first =
      harness.meter.create_observable_gauge<std::int64_t>("g", [](ObservableResult& result) {
        result.observe(1, {{"who", "first"}});
      });
  auto second =
      harness.meter.create_observable_gauge<std::int64_t>("g", [](ObservableResult& result) {
        result.observe(2, {{"who", "second"}});
      });
  const auto metrics = harness.collect();
  ASSERT_EQ(metrics.scope_metrics.size(), 1u);
  ASSERT_EQ(metrics.scope_metrics[0].metrics.size(), 1u);
  EXPECT_EQ(metrics.scope_metrics[0].metrics[0].number_points.size(), 2u);
}

}  // namespace
}  // namespace kafkatrace::otel
