// TextMapPropagator: writes a Context into a carrier's headers (inject) and reads one back
// (extract); CompositePropagator runs several; the process-wide propagator comes from
// OTEL_PROPAGATORS (default "tracecontext,baggage").
//
//   const auto& propagator = kafkatrace::otel::global_propagator();
//   propagator.inject(kafkatrace::otel::Context::current(), producer_carrier);
//   auto parent = propagator.extract(consumer_carrier, kafkatrace::otel::Context{});
//
// Propagators are immutable after construction and may be used from any number of threads at
// once. inject and extract never throw and never block; malformed input is ignored (extract then
// returns `base`, possibly with the parts that were valid).
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/carrier.h"
#include "kafkatrace/otel/context.h"

namespace kafkatrace::otel {

class TextMapPropagator {
 public:
  virtual ~TextMapPropagator() = default;

  // Writes the propagator's headers for `context` (nothing when it has nothing to say).
  virtual void inject(const Context& context, TextMapCarrier& carrier) const noexcept = 0;
  // `base` plus whatever valid state the carrier holds.
  virtual Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept = 0;
  // The header names inject may write (views of static storage or of the propagator itself).
  virtual std::span<const std::string_view> fields() const noexcept = 0;

 protected:
  TextMapPropagator() = default;
  TextMapPropagator(const TextMapPropagator&) = default;
  TextMapPropagator& operator=(const TextMapPropagator&) = default;
};

// Runs its propagators in order: inject calls each; extract threads the context through each,
// so a later propagator sees (and may override) what an earlier one extracted. With no
// propagators it is the no-op propagator ("none").
class CompositePropagator final : public TextMapPropagator {
 public:
  explicit CompositePropagator(std::vector<std::unique_ptr<TextMapPropagator>> propagators);

  void inject(const Context& context, TextMapCarrier& carrier) const noexcept override;
  Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept override;
  std::span<const std::string_view> fields() const noexcept override { return fields_; }

 private:
  std::vector<std::unique_ptr<TextMapPropagator>> propagators_;
  std::vector<std::string_view> fields_;  // union of the parts' fields, first occurrence order
};

// Builds the propagator named by a comma-separated list as OTEL_PROPAGATORS spells it:
// "tracecontext", "baggage", "none" (no-op; other names beside it are ignored). Names are
// trimmed and case-insensitive; repeated names count once. Known but unsupported names (b3,
// b3multi, jaeger, xray, ottrace) and unknown names are skipped with a warning logged.
std::unique_ptr<TextMapPropagator> make_propagator(std::string_view names);
// make_propagator(OTEL_PROPAGATORS), or "tracecontext,baggage" when unset or empty.
std::unique_ptr<TextMapPropagator> propagator_from_environment();

// The process-wide propagator: built by propagator_from_environment() on first use (thread-
// safe), or the last one set. Reading it is one atomic load. The reference stays valid until
// the process exits: a replaced propagator is retained, never destroyed, so a thread may keep
// using the one it fetched while another thread replaces it.
const TextMapPropagator& global_propagator() noexcept;
// Replaces the process-wide propagator; null installs the no-op propagator. Thread-safe. Meant
// for start-up: each call retains one more propagator for the life of the process.
void set_global_propagator(std::shared_ptr<const TextMapPropagator> propagator);

}  // namespace kafkatrace::otel
