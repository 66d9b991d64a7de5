// SamplerPlan (the data form of the built-in samplers that span start uses) must decide exactly
// as Sampler::should_sample does, for every built-in sampler and parent-based tree of them.
#include "otel/internal/sampler_plan.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/sampler.h"

namespace kafkatrace::otel {
namespace {

struct NamedSampler {
  std::string name;
  std::unique_ptr<Sampler> sampler;
  bool planned = true;  // false: the tracer falls back to should_sample (nested parent-based)
};

std::vector<NamedSampler> builtin_samplers() {
  std::vector<NamedSampler> samplers;
  samplers.push_back({"always_on", make_always_on_sampler()});
  samplers.push_back({"always_off", make_always_off_sampler()});
  for (double ratio : {0.0, 1e-9, 0.25, 0.5, 0.999, 1.0}) {
    samplers.push_back({"ratio " + std::to_string(ratio), make_trace_id_ratio_sampler(ratio)});
  }
  samplers.push_back({"parent_on", make_parent_based_sampler(make_always_on_sampler())});
  samplers.push_back({"parent_off", make_parent_based_sampler(make_always_off_sampler())});
  samplers.push_back({"parent_ratio", make_parent_based_sampler(make_trace_id_ratio_sampler(0.3))});
  ParentBasedOptions custom;
  custom.remote_parent_not_sampled = make_trace_id_ratio_sampler(0.7);
  custom.local_parent_sampled = make_always_off_sampler();
  samplers.push_back(
      {"parent_custom_delegates",
       make_parent_based_sampler(make_trace_id_ratio_sampler(0.1), std::move(custom))});
  ParentBasedOptions nested;
  nested.local_parent_sampled = make_parent_based_sampler(make_always_on_sampler());
  samplers.push_back({"parent_nested",
                      make_parent_based_sampler(make_always_on_sampler(), std::move(nested)),
                      false});
  return samplers;
}

TEST(SamplerPlanTest, DecidesAsTheSamplerDoesForEveryParentShape) {
  for (const auto& [name, sampler, planned] : builtin_samplers()) {
    const internal::SamplerPlan plan = internal::plan_sampler(*sampler);
    ASSERT_EQ(plan.builtin(), planned) << name;
    if (!planned) continue;
    int mismatches = 0;
    for (int i = 0; i < 4000; ++i) {
      const TraceId root_trace_id = TraceId::random();
      // 0: no parent; 1..4: local/remote x sampled/not sampled.
      for (int shape = 0; shape < 5; ++shape) {
        SpanContext parent;
        if (shape > 0) {
          parent = SpanContext{TraceId::random(),
                               SpanId::random(),
                               TraceFlags{static_cast<std::uint8_t>(shape % 2)},
                               shape > 2,
                               {}};
        }
        const TraceId& trace_id = shape > 0 ? parent.trace_id : root_trace_id;
        const Context context = Context{}.with_span_context(parent);
        const SamplingDecision expected =
            sampler->should_sample({context, trace_id, "op", SpanKind::kInternal, {}, {}}).decision;
        if (plan.decide(parent.is_valid(), parent, trace_id) != expected) ++mismatches;
      }
    }
    EXPECT_EQ(mismatches, 0) << name;
  }
}

class CustomSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParameters&) const noexcept override { return {}; }
  std::string description() const override { return "Custom"; }
};

TEST(SamplerPlanTest, ACustomSamplerAnywhereInTheTreeIsNotBuiltIn) {
  EXPECT_FALSE(internal::plan_sampler(CustomSampler{}).builtin());
  ParentBasedOptions options;
  options.remote_parent_sampled = std::make_unique<CustomSampler>();
  EXPECT_FALSE(internal::plan_sampler(
                   *make_parent_based_sampler(make_always_on_sampler(), std::move(options)))
                   .builtin());
}

}  // namespace
}  // namespace kafkatrace::otel
