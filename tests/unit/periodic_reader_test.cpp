// The periodic reader: exports on its interval, on force_flush and at shutdown; honours the
// exporter's temporality; reads OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT.
#include "kafkatrace/otel/periodic_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "kafkatrace/exporters/memory_metrics.h"
#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using exporters::InMemoryMetricExporter;
using exporters::InMemoryMetricStore;
using testing::find_metric;
using testing::find_point;
using testing::int_value;

struct ReaderSetup {
  std::shared_ptr<InMemoryMetricStore> store;
  std::shared_ptr<MeterProvider> provider;
};

ReaderSetup make_setup(std::chrono::milliseconds interval,
                       AggregationTemporality temporality = AggregationTemporality::kCumulative) {
  auto exporter = std::make_unique<InMemoryMetricExporter>(temporality);
  ReaderSetup setup{exporter->store(), nullptr};
  MeterProviderOptions options;
  options.disabled = false;
  options.resource = Resource{};
  options.readers.push_back(make_periodic_reader(std::move(exporter), {.interval = interval}));
  setup.provider = make_meter_provider(std::move(options));
  return setup;
}

TEST(PeriodicReaderTest, ExportsOnEveryInterval) {
  auto setup = make_setup(std::chrono::milliseconds(5));
  auto counter = setup.provider->get_meter("m").create_counter<std::int64_t>("c");
  counter.add(4);
  // Waits for the worker, not for a fixed time: passes as soon as three exports happened.
  ASSERT_TRUE(setup.store->wait_for_batches(3, std::chrono::seconds(20)));
  for (const auto& metric : setup.store->metrics("c")) {
    EXPECT_EQ(int_value(find_point(&metric, {})), 4);
  }
}

TEST(PeriodicReaderTest, ForceFlushExportsNowAndFlushesTheExporter) {
  auto setup = make_setup(std::chrono::hours(1));
  setup.provider->get_meter("m").create_counter<std::int64_t>("c").add(2);
  EXPECT_EQ(setup.store->size(), 0u);
  EXPECT_TRUE(setup.provider->force_flush());
  EXPECT_EQ(setup.store->size(), 1u);
  EXPECT_EQ(setup.store->force_flush_calls(), 1u);
  const auto metric = setup.store->last_metric("c");
  ASSERT_TRUE(metric.has_value());
  EXPECT_EQ(int_value(find_point(&*metric, {})), 2);
}

TEST(PeriodicReaderTest, NothingRecordedMeansNothingExported) {
  auto setup = make_setup(std::chrono::hours(1));
  EXPECT_TRUE(setup.provider->force_flush());
  EXPECT_EQ(setup.store->size(), 0u);
}

TEST(PeriodicReaderTest, ShutdownExportsALastTimeAndShutsTheExporterDown) {
  auto setup = make_setup(std::chrono::hours(1), AggregationTemporality::kDelta);
  auto counter = setup.provider->get_meter("m").create_counter<std::int64_t>("c");
  counter.add(1);
  EXPECT_TRUE(setup.provider->force_flush());
  counter.add(6);
  EXPECT_TRUE(setup.provider->shutdown());
  EXPECT_EQ(setup.store->shutdown_calls(), 1u);
  const auto exported = setup.store->metrics("c");
  ASSERT_EQ(exported.size(), 2u);
  EXPECT_EQ(exported[1].temporality, AggregationTemporality::kDelta);
  EXPECT_EQ(int_value(find_point(&exported[1], {})), 6);
  EXPECT_FALSE(setup.provider->force_flush());  // shut down
}

TEST(PeriodicReaderTest, DestroyingTheProviderFlushes) {
  std::shared_ptr<InMemoryMetricStore> store;
  {
    auto setup = make_setup(std::chrono::hours(1));
    store = setup.store;
    setup.provider->get_meter("m").create_counter<std::int64_t>("c").add(9);
  }
  ASSERT_TRUE(store->last_metric("c").has_value());
  EXPECT_EQ(store->shutdown_calls(), 1u);
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(PeriodicReaderTest, OptionsFromEnvironment) {
  {
    auto options = PeriodicReaderOptions::from_environment();
    EXPECT_EQ(options.interval, std::chrono::milliseconds(60000));
    EXPECT_EQ(options.timeout, std::chrono::milliseconds(30000));
  }
  {
    ScopedEnv interval("OTEL_METRIC_EXPORT_INTERVAL", "1500");
    ScopedEnv timeout("OTEL_METRIC_EXPORT_TIMEOUT", " 250 ");
    auto options = PeriodicReaderOptions::from_environment();
    EXPECT_EQ(options.interval, std::chrono::milliseconds(1500));
    EXPECT_EQ(options.timeout, std::chrono::milliseconds(250));
  }
  {
    ScopedEnv interval("OTEL_METRIC_EXPORT_INTERVAL", "-5");
    ScopedEnv timeout("OTEL_METRIC_EXPORT_TIMEOUT", "soon");
    auto options = PeriodicReaderOptions::from_environment();
    EXPECT_EQ(options.interval, std::chrono::milliseconds(60000));
    EXPECT_EQ(options.timeout, std::chrono::milliseconds(30000));
  }
}

}  // namespace
}  // namespace kafkatrace::otel
