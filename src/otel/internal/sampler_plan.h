// SamplerPlan: the built-in samplers (and parent-based trees of them) reduced to data, so that
// span start decides with a few compares instead of virtual calls that build a SamplingResult.
// A plan is made once per provider; a sampler that is not built in (or has a custom delegate)
// gives a plan with builtin() false, and the tracer calls Sampler::should_sample as usual.
//
//   const SamplerPlan plan = plan_sampler(sampler);                  // once, at setup
//   if (plan.builtin()) decision = plan.decide(true, parent, trace_id);  // per span
#pragma once

#include <cstdint>

#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/span_context.h"

namespace kafkatrace::otel::internal {

class SamplerPlan final {
 public:
  enum class Rule : std::uint8_t { kCustom, kAlwaysOn, kAlwaysOff, kRatio };
  struct Step {
    Rule rule = Rule::kCustom;
    std::uint64_t threshold = 0;  // kRatio: sample when the trace id's randomness >= threshold
  };

  static constexpr Step kOn{Rule::kAlwaysOn, 0};
  static constexpr Step kOff{Rule::kAlwaysOff, 0};

  SamplerPlan() noexcept = default;
  // The same step for every parent (a sampler that ignores the parent).
  explicit SamplerPlan(Step any) noexcept
      : root_(any),
        remote_sampled_(any),
        remote_not_sampled_(any),
        local_sampled_(any),
        local_not_sampled_(any) {}
  SamplerPlan(Step root, Step remote_sampled, Step remote_not_sampled, Step local_sampled,
              Step local_not_sampled) noexcept
      : root_(root),
        remote_sampled_(remote_sampled),
        remote_not_sampled_(remote_not_sampled),
        local_sampled_(local_sampled),
        local_not_sampled_(local_not_sampled) {}

  bool builtin() const noexcept {
    return root_.rule != Rule::kCustom && remote_sampled_.rule != Rule::kCustom &&
           remote_not_sampled_.rule != Rule::kCustom && local_sampled_.rule != Rule::kCustom &&
           local_not_sampled_.rule != Rule::kCustom;
  }

  // Only for a builtin() plan. Built-in samplers add no attributes and keep the parent's
  // tracestate, so the decision is all there is to the result.
  // `has_parent`: parent.is_valid(), which the caller knows already.
  SamplingDecision decide(bool has_parent, const SpanContext& parent,
                          const TraceId& trace_id) const noexcept {
    const Step& step = !has_parent ? root_
                       : parent.is_remote
                           ? (parent.is_sampled() ? remote_sampled_ : remote_not_sampled_)
                       : parent.is_sampled() ? local_sampled_
                                             : local_not_sampled_;
    bool sample = step.rule == Rule::kAlwaysOn;
    if (step.rule == Rule::kRatio) sample = ratio_randomness(trace_id) >= step.threshold;
    return sample ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop;
  }

  // The specification's randomness R: the trace id's low 56 bits (bytes 9..15, big-endian).
  static std::uint64_t ratio_randomness(const TraceId& trace_id) noexcept {
    const auto& bytes = trace_id.bytes();
    std::uint64_t randomness = 0;
    for (std::size_t i = 9; i < 16; ++i) randomness = (randomness << 8) | bytes[i];
    return randomness;
  }

 private:
  Step root_, remote_sampled_, remote_not_sampled_, local_sampled_, local_not_sampled_;
};

// The plan of `sampler` (defined next to the built-in samplers).
SamplerPlan plan_sampler(const Sampler& sampler) noexcept;

}  // namespace kafkatrace::otel::internal
