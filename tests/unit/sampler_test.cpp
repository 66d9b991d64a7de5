#include "kafkatrace/otel/sampler.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace kafkatrace::otel {
namespace {

// A trace id whose low 56 bits (the sampling randomness) are `randomness`.
TraceId trace_id_with_randomness(std::uint64_t randomness) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = 0xff;  // the high bits must not matter
  for (int i = 15; i >= 9; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(randomness & 0xff);
    randomness >>= 8;
  }
  return TraceId(bytes);
}

SamplingDecision decide(const Sampler& sampler, const Context& parent, const TraceId& trace_id) {
  return sampler.should_sample({parent, trace_id, "op", SpanKind::kInternal, {}, {}}).decision;
}

SamplingDecision decide_root(const Sampler& sampler, const TraceId& trace_id) {
  return decide(sampler, Context{}, trace_id);
}

Context parent_with(bool remote, bool sampled) {
  return Context{}.with_span_context({TraceId::random(),
                                      SpanId::random(),
                                      TraceFlags{sampled ? TraceFlags::kSampled : std::uint8_t{0}},
                                      remote,
                                      {}});
}

constexpr std::uint64_t kTwoTo55 = std::uint64_t{1} << 55;
constexpr auto kSample = SamplingDecision::kRecordAndSample;
constexpr auto kDrop = SamplingDecision::kDrop;

TEST(Sampler, AlwaysOnAndOff) {
  const auto on = make_always_on_sampler();
  const auto off = make_always_off_sampler();
  EXPECT_EQ(decide_root(*on, TraceId::random()), kSample);
  EXPECT_EQ(decide_root(*off, TraceId::random()), kDrop);
  EXPECT_EQ(on->description(), "AlwaysOnSampler");
  EXPECT_EQ(off->description(), "AlwaysOffSampler");
}

TEST(Sampler, RatioThresholdBoundary) {
  const auto half = make_trace_id_ratio_sampler(0.5);
  // Threshold for 0.5 is 2^55: sampled exactly when randomness >= 2^55.
  EXPECT_EQ(decide_root(*half, trace_id_with_randomness(kTwoTo55)), kSample);
  EXPECT_EQ(decide_root(*half, trace_id_with_randomness(kTwoTo55 - 1)), kDrop);
  EXPECT_EQ(decide_root(*half, trace_id_with_randomness((kTwoTo55 << 1) - 1)), kSample);
  EXPECT_EQ(decide_root(*half, trace_id_with_randomness(0)), kDrop);
  EXPECT_EQ(half->description(), "TraceIdRatioBased{0.5}");
}

TEST(Sampler, RatioZeroAndOne) {
  const auto none = make_trace_id_ratio_sampler(0.0);
  const auto all = make_trace_id_ratio_sampler(1.0);
  const auto above = make_trace_id_ratio_sampler(7.0);  // clamped to 1
  const std::uint64_t max = (std::uint64_t{1} << 56) - 1;
  EXPECT_EQ(decide_root(*none, trace_id_with_randomness(max)), kDrop);
  EXPECT_EQ(decide_root(*all, trace_id_with_randomness(0)), kSample);
  EXPECT_EQ(decide_root(*above, trace_id_with_randomness(0)), kSample);
  EXPECT_EQ(all->description(), "TraceIdRatioBased{1}");
}

TEST(Sampler, RatioIsMonotonicAndRoughlyProportional) {
  const auto low = make_trace_id_ratio_sampler(0.1);
  const auto high = make_trace_id_ratio_sampler(0.3);
  int low_count = 0, high_count = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto id = TraceId::random();
    const bool in_low = decide_root(*low, id) == kSample;
    const bool in_high = decide_root(*high, id) == kSample;
    EXPECT_TRUE(!in_low || in_high);  // sampled at 0.1 implies sampled at 0.3
    low_count += in_low;
    high_count += in_high;
  }
  EXPECT_NEAR(low_count, 2000, 300);
  EXPECT_NEAR(high_count, 6000, 400);
}

TEST(Sampler, ParentBasedDefaults) {
  const auto sampler = make_parent_based_sampler(make_always_off_sampler());
  EXPECT_EQ(decide_root(*sampler, TraceId::random()), kDrop);  // root delegate
  EXPECT_EQ(decide(*sampler, parent_with(true, true), TraceId::random()), kSample);
  EXPECT_EQ(decide(*sampler, parent_with(true, false), TraceId::random()), kDrop);
  EXPECT_EQ(decide(*sampler, parent_with(false, true), TraceId::random()), kSample);
  EXPECT_EQ(decide(*sampler, parent_with(false, false), TraceId::random()), kDrop);
  EXPECT_EQ(sampler->description(),
            "ParentBased{root:AlwaysOffSampler,remoteParentSampled:AlwaysOnSampler,"
            "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
            "localParentNotSampled:AlwaysOffSampler}");
}

TEST(Sampler, ParentBasedCustomDelegates) {
  ParentBasedOptions options;
  options.remote_parent_not_sampled = make_always_on_sampler();
  options.local_parent_sampled = make_always_off_sampler();
  const auto sampler = make_parent_based_sampler(make_always_on_sampler(), std::move(options));
  EXPECT_EQ(decide(*sampler, parent_with(true, false), TraceId::random()), kSample);
  EXPECT_EQ(decide(*sampler, parent_with(false, true), TraceId::random()), kDrop);
  EXPECT_EQ(decide_root(*sampler, TraceId::random()), kSample);
}

TEST(Sampler, KeepsParentTraceState) {
  const auto state = TraceState::parse("vendor=value");
  const auto parent = Context{}.with_span_context(
      {TraceId::random(), SpanId::random(), TraceFlags{TraceFlags::kSampled}, true, state});
  const auto sampler = make_parent_based_sampler(make_always_on_sampler());
  const auto result = sampler->should_sample(
      {parent, parent.span_context().trace_id, "op", SpanKind::kConsumer, {}, {}});
  EXPECT_EQ(result.trace_state.get("vendor"), std::optional<std::string_view>("value"));
}

class SamplerEnvironment : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("OTEL_TRACES_SAMPLER");
    unsetenv("OTEL_TRACES_SAMPLER_ARG");
  }
  static std::string from_environment(const char* sampler, const char* argument) {
    if (sampler) setenv("OTEL_TRACES_SAMPLER", sampler, 1);
    if (argument) {
      setenv("OTEL_TRACES_SAMPLER_ARG", argument, 1);
    } else {
      unsetenv("OTEL_TRACES_SAMPLER_ARG");
    }
    return sampler_from_environment()->description();
  }
};

TEST_F(SamplerEnvironment, DefaultIsParentBasedAlwaysOn) {
  EXPECT_EQ(from_environment(nullptr, nullptr).rfind("ParentBased{root:AlwaysOnSampler", 0), 0u);
}

TEST_F(SamplerEnvironment, NamedSamplers) {
  EXPECT_EQ(from_environment("always_off", nullptr), "AlwaysOffSampler");
  EXPECT_EQ(from_environment("always_on", nullptr), "AlwaysOnSampler");
  EXPECT_EQ(from_environment("traceidratio", "0.25"), "TraceIdRatioBased{0.25}");
  EXPECT_EQ(from_environment("parentbased_traceidratio", "0.125")
                .rfind("ParentBased{root:TraceIdRatioBased{0.125}", 0),
            0u);
  EXPECT_EQ(from_environment("parentbased_always_off", nullptr)
                .rfind("ParentBased{root:AlwaysOffSampler", 0),
            0u);
}

TEST_F(SamplerEnvironment, BadArgumentFallsBackToOne) {
  EXPECT_EQ(from_environment("traceidratio", "lots"), "TraceIdRatioBased{1}");
  EXPECT_EQ(from_environment("traceidratio", "1.5"), "TraceIdRatioBased{1}");
  EXPECT_EQ(from_environment("traceidratio", nullptr), "TraceIdRatioBased{1}");
}

TEST_F(SamplerEnvironment, UnknownSamplerFallsBackToParentBasedAlwaysOn) {
  EXPECT_EQ(from_environment("jaeger_remote", nullptr).rfind("ParentBased{root:AlwaysOnSampler", 0),
            0u);
}

}  // namespace
}  // namespace kafkatrace::otel
