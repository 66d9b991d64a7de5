// Sampler: decides at span start whether a span is recorded and exported (sampled), following
// the OpenTelemetry specification's built-in samplers and OTEL_TRACES_SAMPLER(_ARG).
//
//   auto sampler = kafkatrace::otel::make_parent_based_sampler(
//       kafkatrace::otel::make_trace_id_ratio_sampler(0.25));
//   std::string text = sampler->description();  // "ParentBased{root:TraceIdRatioBased{0.25},...}"
//
// Threading: should_sample runs on the thread starting the span, concurrently from many threads;
// implementations must be thread-safe, must not block and must not throw.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/span_data.h"
#include "kafkatrace/otel/trace_state.h"

namespace kafkatrace::otel {

enum class SamplingDecision : std::uint8_t { kDrop, kRecordOnly, kRecordAndSample };

// The specification's ShouldSample arguments. Views: valid during the call only.
struct SamplingParameters {
  const Context& parent;  // the parent context (may hold no valid span context: a root span)
  const TraceId& trace_id;
  std::string_view name;
  SpanKind kind;
  std::span<const SpanAttribute> attributes;
  std::span<const SpanLink> links;
  const SharedAttributes* shared_attributes = nullptr;  // the span's shared attributes, if any
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::kDrop;
  Attributes attributes{};   // added to the span when it records
  TraceState trace_state{};  // the new span's tracestate; the built-ins keep the parent's
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult should_sample(const SamplingParameters& parameters) const noexcept = 0;
  virtual std::string description() const = 0;
};

std::unique_ptr<Sampler> make_always_on_sampler();
std::unique_ptr<Sampler> make_always_off_sampler();
// Samples a deterministic fraction of traces from the trace id's 56 random low bits (the
// specification's rejection-threshold algorithm); `ratio` is clamped to [0, 1].
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio);

// Follows the parent's sampled flag; `root` decides for spans without a parent. Null delegates
// take the specification's defaults (remote/local sampled: always_on; not sampled: always_off).
struct ParentBasedOptions {
  std::unique_ptr<Sampler> remote_parent_sampled{};
  std::unique_ptr<Sampler> remote_parent_not_sampled{};
  std::unique_ptr<Sampler> local_parent_sampled{};
  std::unique_ptr<Sampler> local_parent_not_sampled{};
};
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root,
                                                   ParentBasedOptions options = {});

// From OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG: always_on, always_off, traceidratio,
// parentbased_always_on (the default), parentbased_always_off, parentbased_traceidratio.
// An unknown sampler logs a warning and gives parentbased_always_on; a missing or bad ratio
// logs a warning and uses 1.0.
std::unique_ptr<Sampler> sampler_from_environment();

}  // namespace kafkatrace::otel
