// Carriers, CompositePropagator, OTEL_PROPAGATORS selection and the global propagator.
#include "kafkatrace/otel/propagator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/baggage_propagator.h"
#include "kafkatrace/otel/trace_context_propagator.h"

namespace kafkatrace::otel {
namespace {

const std::string kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::vector<std::string_view> fields_of(const TextMapPropagator& propagator) {
  auto fields = propagator.fields();
  return {fields.begin(), fields.end()};
}

// Captures warnings and sets/restores OTEL_PROPAGATORS.
class PropagatorEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = std::getenv("OTEL_PROPAGATORS")) saved_ = value;
    set_log_handler([this](LogLevel, std::string_view, std::string_view message) {
      warnings_.emplace_back(message);
    });
  }
  void TearDown() override {
    set_log_handler(nullptr);
    if (saved_) {
      setenv("OTEL_PROPAGATORS", saved_->c_str(), 1);
    } else {
      unsetenv("OTEL_PROPAGATORS");
    }
  }
  std::optional<std::string> saved_;
  std::vector<std::string> warnings_;
};

TEST(CarrierTest, MapCarrierOverStdMapAndUnorderedMap) {
  std::map<std::string, std::string> ordered{{"a", "1"}};
  MapCarrier carrier{ordered};
  EXPECT_EQ(carrier.get("a"), "1");
  EXPECT_FALSE(carrier.get("A"));  // exact, case-sensitive keys
  carrier.set("a", "2");
  carrier.set("b", "3");
  EXPECT_EQ(ordered, (std::map<std::string, std::string>{{"a", "2"}, {"b", "3"}}));
  std::vector<std::string> keys;
  carrier.for_each_key([&](std::string_view key) {
    keys.emplace_back(key);
    return true;
  });
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));

  std::unordered_map<std::string, std::string> unordered;
  MapCarrier hashed{unordered};
  hashed.set("a-rather-long-header-name", "x");
  EXPECT_EQ(hashed.get("a-rather-long-header-name"), "x");

  std::map<std::string, std::string, std::less<>> transparent;
  MapCarrier fast{transparent};
  fast.set("k", "v");
  EXPECT_EQ(fast.get("k"), "v");
  int visits = 0;
  fast.for_each_value("k", [&](std::string_view value) {
    EXPECT_EQ(value, "v");
    return ++visits > 0;
  });
  EXPECT_EQ(visits, 1);
}

TEST(CarrierTest, VectorCarrierLastWinsAndSetReplacesAll) {
  VectorCarrier::Headers headers{{"h", "1"}, {"x", "a"}, {"h", "2"}, {"y", "b"}};
  VectorCarrier carrier{headers};
  EXPECT_EQ(carrier.get("h"), "2");
  std::vector<std::string> values;
  carrier.for_each_value("h", [&](std::string_view value) {
    values.emplace_back(value);
    return true;
  });
  EXPECT_EQ(values, (std::vector<std::string>{"1", "2"}));
  std::vector<std::string> first_key;
  carrier.for_each_key([&](std::string_view key) {
    first_key.emplace_back(key);
    return false;
  });
  EXPECT_EQ(first_key, (std::vector<std::string>{"h"}));

  carrier.set("h", "3");
  EXPECT_EQ(headers, (VectorCarrier::Headers{{"x", "a"}, {"h", "3"}, {"y", "b"}}));
  carrier.set("z", "4");
  EXPECT_EQ(headers.back(), (std::pair<std::string, std::string>{"z", "4"}));
}

TEST(CompositePropagatorTest, InjectsAndExtractsThroughAll) {
  std::vector<std::unique_ptr<TextMapPropagator>> parts;
  parts.push_back(std::make_unique<TraceContextPropagator>());
  parts.push_back(std::make_unique<BaggagePropagator>());
  parts.push_back(std::make_unique<TraceContextPropagator>());
  parts.push_back(nullptr);
  CompositePropagator composite{std::move(parts)};
  EXPECT_EQ(fields_of(composite),
            (std::vector<std::string_view>{"traceparent", "tracestate", "baggage"}));

  auto context = Context{}
                     .with_span_context(*parse_traceparent(kTraceparent))
                     .with_baggage(Baggage{}.set("k", "v"));
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  composite.inject(context, carrier);
  EXPECT_EQ(headers.at("traceparent"), kTraceparent);
  EXPECT_EQ(headers.at("baggage"), "k=v");

  auto extracted = composite.extract(carrier, Context{});
  EXPECT_EQ(extracted.span_context(), context.span_context());
  EXPECT_EQ(extracted.baggage(), context.baggage());
}

TEST(CompositePropagatorTest, EmptyIsNoop) {
  CompositePropagator none{{}};
  std::map<std::string, std::string> headers{{"traceparent", kTraceparent}};
  MapCarrier carrier{headers};
  EXPECT_FALSE(none.extract(carrier, Context{}).span_context().is_valid());
  none.inject(Context{}.with_span_context(*parse_traceparent(kTraceparent)), carrier);
  EXPECT_EQ(headers.size(), 1u);
  EXPECT_TRUE(none.fields().empty());
}

TEST_F(PropagatorEnvTest, DefaultIsTraceContextAndBaggage) {
  unsetenv("OTEL_PROPAGATORS");
  EXPECT_EQ(fields_of(*propagator_from_environment()),
            (std::vector<std::string_view>{"traceparent", "tracestate", "baggage"}));
  setenv("OTEL_PROPAGATORS", "", 1);
  EXPECT_EQ(fields_of(*propagator_from_environment()).size(), 3u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PropagatorEnvTest, SelectsNamedPropagatorsInOrder) {
  setenv("OTEL_PROPAGATORS", " Baggage , tracecontext,baggage", 1);
  EXPECT_EQ(fields_of(*propagator_from_environment()),
            (std::vector<std::string_view>{"baggage", "traceparent", "tracestate"}));
  setenv("OTEL_PROPAGATORS", "tracecontext", 1);
  EXPECT_EQ(fields_of(*propagator_from_environment()).size(), 2u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PropagatorEnvTest, NoneDisablesPropagation) {
  setenv("OTEL_PROPAGATORS", "none", 1);
  EXPECT_TRUE(propagator_from_environment()->fields().empty());
  EXPECT_TRUE(warnings_.empty());
  setenv("OTEL_PROPAGATORS", "tracecontext,none", 1);
  EXPECT_TRUE(propagator_from_environment()->fields().empty());
  EXPECT_EQ(warnings_.size(), 1u);
}

TEST_F(PropagatorEnvTest, UnsupportedAndUnknownNamesWarnAndAreSkipped) {
  setenv("OTEL_PROPAGATORS", "b3,tracecontext,jaeger,bogus,,", 1);
  EXPECT_EQ(fields_of(*propagator_from_environment()),
            (std::vector<std::string_view>{"traceparent", "tracestate"}));
  ASSERT_EQ(warnings_.size(), 3u);
  EXPECT_NE(warnings_[0].find("'b3' is not supported"), std::string::npos);
  EXPECT_NE(warnings_[1].find("'jaeger' is not supported"), std::string::npos);
  EXPECT_NE(warnings_[2].find("unknown propagator 'bogus'"), std::string::npos);
}

TEST(GlobalPropagatorTest, SetAndGet) {
  const TextMapPropagator& initial = global_propagator();
  EXPECT_EQ(&initial, &global_propagator());  // built once
  const std::size_t initial_fields = initial.fields().size();

  auto custom = std::make_shared<const TraceContextPropagator>();
  set_global_propagator(custom);
  EXPECT_EQ(&global_propagator(), custom.get());

  set_global_propagator(nullptr);
  EXPECT_TRUE(global_propagator().fields().empty());
  EXPECT_EQ(initial.fields().size(), initial_fields);  // the old one is still alive

  set_global_propagator(make_propagator("tracecontext,baggage"));
  EXPECT_EQ(global_propagator().fields().size(), 3u);
}

TEST(GlobalPropagatorTest, ConcurrentReadersAndWriter) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      std::map<std::string, std::string> headers{{"traceparent", kTraceparent}};
      MapCarrier carrier{headers};
      while (!stop.load()) {
        const auto& propagator = global_propagator();
        auto context = propagator.extract(carrier, Context{});
        propagator.inject(context, carrier);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    set_global_propagator(i % 2 ? make_propagator("tracecontext") : make_propagator("none"));
  }
  stop = true;
  for (auto& reader : readers) reader.join();
  set_global_propagator(make_propagator("tracecontext,baggage"));
  EXPECT_EQ(global_propagator().fields().size(), 3u);
}

}  // namespace
}  // namespace kafkatrace::otel
