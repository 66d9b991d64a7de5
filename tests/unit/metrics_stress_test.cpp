// Many threads record while collections run concurrently (run under ThreadSanitizer too):
// every measurement is counted exactly once, new attribute sets appear while the table grows.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::find_metric;
using testing::MetricsHarness;

constexpr int kThreads = 4;
constexpr int kIterations = 20000;
constexpr int kAttributeSets = 40;

struct Totals {
  std::int64_t counter = 0;
  std::uint64_t histogram_count = 0;
  double histogram_sum = 0;
  std::uint64_t bucket_sum = 0;
};

void add_up(const ResourceMetrics& metrics, Totals& totals) {
  if (const MetricData* counter = find_metric(metrics, "stress.counter")) {
    for (const auto& point : counter->number_points) {
      totals.counter += std::get<std::int64_t>(point.value);
    }
  }
  if (const MetricData* histogram = find_metric(metrics, "stress.histogram")) {
    for (const auto& point : histogram->histogram_points) {
      totals.histogram_count += point.count;
      totals.histogram_sum += point.sum;
      for (auto bucket : point.bucket_counts) totals.bucket_sum += bucket;
    }
  }
}

void run_stress(AggregationTemporality temporality) {
  MetricsHarness harness(temporality, 32);  // small limit: overflow under contention too
  auto counter = harness.meter.create_counter<std::int64_t>("stress.counter");
  auto histogram =
      harness.meter.create_histogram<double>("stress.histogram", {.boundaries = {{1, 2, 3}}});
  std::atomic<bool> done{false};
  Totals delta_totals;
  std::thread collector([&] {
    while (!done.load()) {
      const auto metrics = harness.collect();
      if (temporality == AggregationTemporality::kDelta) add_up(metrics, delta_totals);
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const std::int64_t set = (i * 7 + t) % kAttributeSets;
        counter.add(1, {{"set", set}, {"thread", "shared"}});
        histogram.record(static_cast<double>(i % 4), {{"set", set}});
      }
    });
  }
  for (auto& worker : workers) worker.join();
  done.store(true);
  collector.join();

  Totals totals;
  const auto last = harness.collect();
  if (temporality == AggregationTemporality::kDelta) {
    add_up(last, delta_totals);
    totals = delta_totals;
  } else {
    add_up(last, totals);
  }
  constexpr std::int64_t kExpected = std::int64_t{kThreads} * kIterations;
  EXPECT_EQ(totals.counter, kExpected);
  EXPECT_EQ(totals.histogram_count, static_cast<std::uint64_t>(kExpected));
  EXPECT_EQ(totals.bucket_sum, static_cast<std::uint64_t>(kExpected));
  // Values 0..3 repeat: sum = 1.5 per measurement, exactly representable.
  EXPECT_DOUBLE_EQ(totals.histogram_sum, 1.5 * static_cast<double>(kExpected));
}

TEST(MetricsStress, CumulativeTotalsAreExact) {
  run_stress(AggregationTemporality::kCumulative);
}

TEST(MetricsStress, DeltaTotalsAreExact) {
  run_stress(AggregationTemporality::kDelta);
}

TEST(MetricsStress, InstrumentCreationDuringCollection) {
  MetricsHarness harness;
  std::atomic<bool> done{false};
  std::thread collector([&] {
    while (!done.load()) harness.collect();
  });
  for (int i = 0; i < 200; ++i) {
    harness.meter.create_counter<std::int64_t>("c" + std::to_string(i)).add(1);
    auto gauge = harness.meter.create_observable_gauge<std::int64_t>(
        "g" + std::to_string(i % 5), [](ObservableResult& result) { result.observe(1); });
  }
  done.store(true);
  collector.join();
  const auto metrics = harness.collect();
  ASSERT_EQ(metrics.scope_metrics.size(), 1u);
  EXPECT_EQ(metrics.scope_metrics[0].metrics.size(), 200u);  // gauges' handles are gone
}

}  // namespace
}  // namespace kafkatrace::otel
