// MeterProvider / Meter: instrument creation, names, duplicates, scopes, attribute sets, no-op
// and global providers, pull producers.
#include <gtest/gtest.h>

#include "kafkatrace/otel/meter_provider.h"
#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::find_metric;
using testing::find_point;
using testing::int_value;
using testing::MetricsHarness;

TEST(MeterTest, DefaultMeterAndInstrumentsAreNoOps) {
  Meter meter;
  EXPECT_FALSE(meter.enabled());
  auto counter = meter.create_counter<std::int64_t>("requests");
  EXPECT_FALSE(counter.enabled());
  counter.add(1, {{"a", "b"}});  // nothing to crash into
  Counter<double> unset;
  unset.add(2.5);
  auto gauge =
      meter.create_observable_gauge<double>("g", [](ObservableResult& r) { r.observe(1.0); });
  EXPECT_FALSE(gauge.enabled());
}

TEST(MeterTest, DisabledProviderGivesNoOpMeters) {
  MeterProviderOptions options;
  options.disabled = true;
  auto provider = make_meter_provider(std::move(options));
  EXPECT_FALSE(provider->enabled());
  EXPECT_FALSE(provider->get_meter("x").enabled());
  EXPECT_EQ(provider->producer(), nullptr);
}

TEST(MeterTest, RecordsAndCollectsACounter) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>(
      "app.sent", {.description = "sent messages", .unit = "{message}"});
  counter.add(2, {{"topic", "orders"}});
  counter.add(3, {{"topic", "orders"}});
  const auto metrics = harness.collect();
  ASSERT_EQ(metrics.scope_metrics.size(), 1u);
  EXPECT_EQ(metrics.scope_metrics[0].scope->name, "test");
  EXPECT_EQ(metrics.scope_metrics[0].scope->version, "1.0");
  ASSERT_NE(metrics.resource, nullptr);
  EXPECT_NE(metrics.resource->find("service.name"), nullptr);
  const MetricData* metric = find_metric(metrics, "app.sent");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->description, "sent messages");
  EXPECT_EQ(metric->unit, "{message}");
  EXPECT_EQ(metric->type, MetricData::Type::kSum);
  EXPECT_TRUE(metric->is_monotonic);
  EXPECT_EQ(metric->temporality, AggregationTemporality::kCumulative);
  EXPECT_EQ(int_value(find_point(metric, {{"topic", std::string("orders")}})), 5);
}

TEST(MeterTest, AttributeOrderDoesNotMatter) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  counter.add(1, {{"a", "x"}, {"b", 2}});
  counter.add(1, {{"b", 2}, {"a", "x"}});
  const std::vector<MetricAttribute> spanned{{"b", 2}, {"a", "x"}};
  counter.add(1, spanned);
  const auto metrics = harness.collect();
  const MetricData* metric = find_metric(metrics, "c");
  ASSERT_NE(metric, nullptr);
  ASSERT_EQ(metric->number_points.size(), 1u);
  EXPECT_EQ(int_value(&metric->number_points[0]), 3);
  // Stored sorted by key.
  EXPECT_EQ(metric->number_points[0].attributes[0].key, "a");
}

TEST(MeterTest, ValuesOfDifferentTypesAreDifferentSets) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  counter.add(1, {{"k", 1}});
  counter.add(1, {{"k", "1"}});
  counter.add(1, {{"k", 1.0}});
  counter.add(1, {{"k", true}});
  counter.add(1, {});
  const auto collected = harness.collect();
  const MetricData* metric = find_metric(collected, "c");
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->number_points.size(), 5u);
}

TEST(MeterTest, DuplicateKeysLastOneWins) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  counter.add(1, {{"k", "first"}, {"k", "second"}});
  counter.add(1, {{"k", "second"}});
  const auto metrics = harness.collect();
  const MetricData* metric = find_metric(metrics, "c");
  ASSERT_NE(metric, nullptr);
  ASSERT_EQ(metric->number_points.size(), 1u);
  EXPECT_EQ(int_value(find_point(metric, {{"k", std::string("second")}})), 2);
}

TEST(MeterTest, InvalidNamesGiveNoOpInstruments) {
  MetricsHarness harness;
  EXPECT_FALSE(harness.meter.create_counter<std::int64_t>("").enabled());
  EXPECT_FALSE(harness.meter.create_counter<std::int64_t>("9lives").enabled());
  EXPECT_FALSE(harness.meter.create_counter<std::int64_t>("has space").enabled());
  EXPECT_FALSE(harness.meter.create_counter<std::int64_t>(std::string(256, 'a')).enabled());
  EXPECT_TRUE(harness.meter.create_counter<std::int64_t>(std::string(255, 'a')).enabled());
  EXPECT_TRUE(harness.meter.create_counter<std::int64_t>("a.b_c-d/e").enabled());
}

TEST(MeterTest, IdenticalDuplicatesShareOneStream) {
  MetricsHarness harness;
  auto first = harness.meter.create_counter<std::int64_t>("dup", {.unit = "1"});
  auto second = harness.meter.create_counter<std::int64_t>("DUP", {.unit = "1"});
  first.add(1);
  second.add(2);
  const auto metrics = harness.collect();
  ASSERT_EQ(metrics.scope_metrics.size(), 1u);
  ASSERT_EQ(metrics.scope_metrics[0].metrics.size(), 1u);
  EXPECT_EQ(int_value(&metrics.scope_metrics[0].metrics[0].number_points[0]), 3);
}

TEST(MeterTest, ConflictingDuplicatesAreSeparateStreams) {
  MetricsHarness harness;
  harness.meter.create_counter<std::int64_t>("dup", {.unit = "s"}).add(1);
  harness.meter.create_counter<std::int64_t>("dup", {.unit = "ms"}).add(1);
  const auto metrics = harness.collect();
  ASSERT_EQ(metrics.scope_metrics.size(), 1u);
  EXPECT_EQ(metrics.scope_metrics[0].metrics.size(), 2u);
}

TEST(MeterTest, MetersOfDifferentScopesAreGroupedSeparately) {
  MetricsHarness harness;
  auto other = harness.provider->get_meter("other", "2.0", "https://example.com/schema");
  harness.meter.create_counter<std::int64_t>("c").add(1);
  other.create_counter<std::int64_t>("c").add(1);
  EXPECT_EQ(other.scope()->schema_url, "https://example.com/schema");
  const auto metrics = harness.collect();
  EXPECT_EQ(metrics.scope_metrics.size(), 2u);
}

TEST(MeterTest, InstrumentsWithoutMeasurementsAreNotExported) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<std::int64_t>("quiet");
  EXPECT_EQ(find_metric(harness.collect(), "quiet"), nullptr);
  EXPECT_TRUE(harness.collect().scope_metrics.empty());
}

TEST(MeterTest, ProducerCollectsCumulativelyFromItsCreation) {
  MetricsHarness harness(AggregationTemporality::kDelta);
  auto counter = harness.meter.create_counter<std::int64_t>("c");
  counter.add(5);
  auto producer = harness.provider->producer();
  ASSERT_NE(producer, nullptr);
  counter.add(1);
  counter.add(1);
  for (int round = 0; round < 2; ++round) {
    ResourceMetrics seen;
    EXPECT_TRUE(producer->collect([&](const ResourceMetrics& m) { seen = m; }));
    const MetricData* metric = find_metric(seen, "c");
    ASSERT_NE(metric, nullptr);
    EXPECT_EQ(metric->temporality, AggregationTemporality::kCumulative);
    EXPECT_EQ(int_value(find_point(metric, {})), 2);  // the 5 came before the producer
  }
  // The delta reader still sees everything once.
  EXPECT_EQ(int_value(find_point(find_metric(harness.collect(), "c"), {})), 7);
}

TEST(MeterTest, CollectAfterShutdownFails) {
  MetricsHarness harness;
  auto producer = harness.provider->producer();
  EXPECT_TRUE(harness.provider->shutdown());
  EXPECT_TRUE(harness.provider->shutdown());  // idempotent
  EXPECT_FALSE(producer->collect([](const ResourceMetrics&) {}));
  EXPECT_FALSE(harness.provider->get_meter("late").enabled());
}

TEST(MeterTest, GlobalProviderIsNoOpUntilSet) {
  auto initial = global_meter_provider();
  ASSERT_NE(initial, nullptr);
  EXPECT_FALSE(initial->enabled());
  MetricsHarness harness;
  set_global_meter_provider(harness.provider);
  EXPECT_EQ(global_meter_provider(), harness.provider);
  set_global_meter_provider(nullptr);
  EXPECT_FALSE(global_meter_provider()->enabled());
}

TEST(MeterTest, StatsCountDroppedMeasurements) {
  MetricsHarness harness;
  auto counter = harness.meter.create_counter<double>("c");
  counter.add(-1.0);
  counter.add(std::numeric_limits<double>::quiet_NaN());
  harness.meter.create_histogram<double>("h").record(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(harness.provider->stats().measurements_dropped, 3u);
  EXPECT_EQ(find_metric(harness.collect(), "c"), nullptr);
  EXPECT_EQ(harness.provider->stats().collections, 1u);
}

}  // namespace
}  // namespace kafkatrace::otel
