// Built-in samplers (always_on, always_off, traceidratio, parentbased) and the environment.
#include "kafkatrace/otel/sampler.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kafkatrace/log.h"
#include "otel/internal/sampler_plan.h"

namespace kafkatrace::otel {
namespace {

SamplingResult decide(SamplingDecision decision, const SamplingParameters& parameters) {
  return {decision, {}, parameters.parent.span_context().trace_state};
}

class ConstantSampler final : public Sampler {
 public:
  explicit ConstantSampler(bool sample) noexcept : sample_(sample) {}
  SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
    return decide(sample_ ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop,
                  parameters);
  }
  std::string description() const override {
    return sample_ ? "AlwaysOnSampler" : "AlwaysOffSampler";
  }
  internal::SamplerPlan::Step step() const noexcept {
    return sample_ ? internal::SamplerPlan::kOn : internal::SamplerPlan::kOff;
  }

 private:
  bool sample_;
};

// The specification's ratio algorithm: the trace id's low 56 bits are the randomness R; a span
// is sampled when R >= T, the rejection threshold T = (1 - ratio) * 2^56 (rounded).
class TraceIdRatioSampler final : public Sampler {
 public:
  static constexpr std::uint64_t kMaxThreshold = std::uint64_t{1} << 56;

  explicit TraceIdRatioSampler(double ratio) noexcept
      : ratio_(std::isnan(ratio) ? 0.0 : std::clamp(ratio, 0.0, 1.0)),
        threshold_(kMaxThreshold -
                   static_cast<std::uint64_t>(std::llround(ratio_ * 72057594037927936.0))) {}

  SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
    const bool sample =
        ratio_ > 0.0 && internal::SamplerPlan::ratio_randomness(parameters.trace_id) >= threshold_;
    return decide(sample ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop,
                  parameters);
  }
  std::string description() const override {
    char text[64];
    std::snprintf(text, sizeof text, "TraceIdRatioBased{%g}", ratio_);
    return text;
  }
  internal::SamplerPlan::Step step() const noexcept {
    if (ratio_ <= 0.0) return internal::SamplerPlan::kOff;
    return {internal::SamplerPlan::Rule::kRatio, threshold_};
  }

 private:
  double ratio_;
  std::uint64_t threshold_;
};

// The plan step of a built-in sampler that ignores the parent; kCustom for anything else.
internal::SamplerPlan::Step step_of(const Sampler& sampler) noexcept {
  if (const auto* constant = dynamic_cast<const ConstantSampler*>(&sampler))
    return constant->step();
  if (const auto* ratio = dynamic_cast<const TraceIdRatioSampler*>(&sampler)) return ratio->step();
  return {};
}

class ParentBasedSampler final : public Sampler {
 public:
  ParentBasedSampler(std::unique_ptr<Sampler> root, ParentBasedOptions options)
      : root_(root ? std::move(root) : make_always_on_sampler()),
        remote_sampled_(or_default(std::move(options.remote_parent_sampled), true)),
        remote_not_sampled_(or_default(std::move(options.remote_parent_not_sampled), false)),
        local_sampled_(or_default(std::move(options.local_parent_sampled), true)),
        local_not_sampled_(or_default(std::move(options.local_parent_not_sampled), false)) {}

  SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
    const auto& parent = parameters.parent.span_context();
    if (!parent.is_valid()) return root_->should_sample(parameters);
    const Sampler& delegate = parent.is_remote
                                  ? (parent.is_sampled() ? *remote_sampled_ : *remote_not_sampled_)
                                  : (parent.is_sampled() ? *local_sampled_ : *local_not_sampled_);
    return delegate.should_sample(parameters);
  }
  internal::SamplerPlan plan() const noexcept {
    return {step_of(*root_), step_of(*remote_sampled_), step_of(*remote_not_sampled_),
            step_of(*local_sampled_), step_of(*local_not_sampled_)};
  }
  std::string description() const override {
    return "ParentBased{root:" + root_->description() +
           ",remoteParentSampled:" + remote_sampled_->description() +
           ",remoteParentNotSampled:" + remote_not_sampled_->description() +
           ",localParentSampled:" + local_sampled_->description() +
           ",localParentNotSampled:" + local_not_sampled_->description() + "}";
  }

 private:
  static std::unique_ptr<Sampler> or_default(std::unique_ptr<Sampler> sampler, bool sample) {
    if (sampler) return sampler;
    return sample ? make_always_on_sampler() : make_always_off_sampler();
  }
  std::unique_ptr<Sampler> root_, remote_sampled_, remote_not_sampled_, local_sampled_,
      local_not_sampled_;
};

std::string lower_trimmed(const char* text) {
  std::string result;
  for (const char* c = text; c != nullptr && *c != '\0'; ++c) {
    if (!std::isspace(static_cast<unsigned char>(*c)))
      result.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*c))));
  }
  return result;
}

double ratio_from_environment() {
  const std::string text = lower_trimmed(std::getenv("OTEL_TRACES_SAMPLER_ARG"));
  if (text.empty()) return 1.0;  // no argument: the specification's default
  char* end = nullptr;
  const double ratio = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !(ratio >= 0.0 && ratio <= 1.0)) {
    log(LogLevel::kWarning, "sampler",
        "OTEL_TRACES_SAMPLER_ARG=" + text + " is not a ratio in [0, 1]; using 1.0");
    return 1.0;
  }
  return ratio;
}

}  // namespace

internal::SamplerPlan internal::plan_sampler(const Sampler& sampler) noexcept {
  if (const auto* parent_based = dynamic_cast<const ParentBasedSampler*>(&sampler)) {
    return parent_based->plan();
  }
  return SamplerPlan(step_of(sampler));
}

std::unique_ptr<Sampler> make_always_on_sampler() {
  return std::make_unique<ConstantSampler>(true);
}
std::unique_ptr<Sampler> make_always_off_sampler() {
  return std::make_unique<ConstantSampler>(false);
}
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio) {
  return std::make_unique<TraceIdRatioSampler>(ratio);
}
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root,
                                                   ParentBasedOptions options) {
  return std::make_unique<ParentBasedSampler>(std::move(root), std::move(options));
}

std::unique_ptr<Sampler> sampler_from_environment() {
  const std::string name = lower_trimmed(std::getenv("OTEL_TRACES_SAMPLER"));
  if (name.empty() || name == "parentbased_always_on") {
    return make_parent_based_sampler(make_always_on_sampler());
  }
  if (name == "always_on") return make_always_on_sampler();
  if (name == "always_off") return make_always_off_sampler();
  if (name == "traceidratio") return make_trace_id_ratio_sampler(ratio_from_environment());
  if (name == "parentbased_always_off") {
    return make_parent_based_sampler(make_always_off_sampler());
  }
  if (name == "parentbased_traceidratio") {
    return make_parent_based_sampler(make_trace_id_ratio_sampler(ratio_from_environment()));
  }
  log(LogLevel::kWarning, "sampler",
      "unknown OTEL_TRACES_SAMPLER=" + name + "; using parentbased_always_on");
  return make_parent_based_sampler(make_always_on_sampler());
}

}  // namespace kafkatrace::otel
