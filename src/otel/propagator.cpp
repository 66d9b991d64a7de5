#include "kafkatrace/otel/propagator.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>

#include "kafkatrace/log.h"
#include "kafkatrace/otel/baggage_propagator.h"
#include "kafkatrace/otel/trace_context_propagator.h"

namespace kafkatrace::otel {
namespace {

constexpr std::string_view kComponent = "propagator";
constexpr std::string_view kDefaultPropagators = "tracecontext,baggage";
// Names OTEL_PROPAGATORS may carry that this library does not implement.
constexpr std::string_view kUnsupported[] = {"b3", "b3multi", "jaeger", "xray", "ottrace"};

std::string to_lower_trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string lower{text};
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

// The process-wide propagator: an atomic pointer for readers, and every propagator ever
// installed kept alive here so that a fetched reference never dangles.
struct GlobalSlot {
  std::mutex mutex;
  std::vector<std::shared_ptr<const TextMapPropagator>> retained;
  std::atomic<const TextMapPropagator*> current{nullptr};

  void install(std::shared_ptr<const TextMapPropagator> propagator) {
    std::lock_guard lock{mutex};
    retained.push_back(std::move(propagator));
    current.store(retained.back().get(), std::memory_order_release);
  }
};

GlobalSlot& global_slot() {
  static GlobalSlot slot;
  return slot;
}

std::shared_ptr<const TextMapPropagator> make_noop() {
  return std::make_shared<const CompositePropagator>(
      std::vector<std::unique_ptr<TextMapPropagator>>{});
}

}  // namespace

CompositePropagator::CompositePropagator(
    std::vector<std::unique_ptr<TextMapPropagator>> propagators)
    : propagators_(std::move(propagators)) {
  std::erase(propagators_, nullptr);
  for (const auto& propagator : propagators_) {
    for (auto field : propagator->fields())
      if (std::find(fields_.begin(), fields_.end(), field) == fields_.end())
        fields_.push_back(field);
  }
}

void CompositePropagator::inject(const Context& context, TextMapCarrier& carrier) const noexcept {
  for (const auto& propagator : propagators_) propagator->inject(context, carrier);
}

Context CompositePropagator::extract(const TextMapCarrier& carrier,
                                     const Context& base) const noexcept {
  if (propagators_.empty()) return base;
  Context context = propagators_.front()->extract(carrier, base);
  for (std::size_t i = 1; i < propagators_.size(); ++i)
    context = propagators_[i]->extract(carrier, context);
  return context;
}

std::unique_ptr<TextMapPropagator> make_propagator(std::string_view names) {
  std::vector<std::string> seen;
  std::vector<std::unique_ptr<TextMapPropagator>> propagators;
  bool none = false;
  while (true) {
    auto comma = names.find(',');
    std::string name = to_lower_trimmed(names.substr(0, comma));
    if (!name.empty() && std::find(seen.begin(), seen.end(), name) == seen.end()) {
      seen.push_back(name);
      if (name == "tracecontext") {
        propagators.push_back(std::make_unique<TraceContextPropagator>());
      } else if (name == "baggage") {
        propagators.push_back(std::make_unique<BaggagePropagator>());
      } else if (name == "none") {
        none = true;
      } else if (std::find(std::begin(kUnsupported), std::end(kUnsupported), name) !=
                 std::end(kUnsupported)) {
        log(LogLevel::kWarning, kComponent,
            "OTEL_PROPAGATORS: propagator '" + name + "' is not supported; skipped");
      } else {
        log(LogLevel::kWarning, kComponent,
            "OTEL_PROPAGATORS: unknown propagator '" + name + "'; skipped");
      }
    }
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  if (none) {
    if (seen.size() > 1) {
      log(LogLevel::kWarning, kComponent,
          "OTEL_PROPAGATORS: 'none' given with other propagators; propagation is disabled");
    }
    propagators.clear();
  }
  return std::make_unique<CompositePropagator>(std::move(propagators));
}

std::unique_ptr<TextMapPropagator> propagator_from_environment() {
  const char* names = std::getenv("OTEL_PROPAGATORS");
  return make_propagator(names == nullptr || *names == '\0' ? kDefaultPropagators : names);
}

const TextMapPropagator& global_propagator() noexcept {
  auto& slot = global_slot();
  if (const auto* current = slot.current.load(std::memory_order_acquire)) return *current;
  try {
    // Built under the lock so that racing first users log configuration warnings once.
    std::lock_guard lock{slot.mutex};
    if (const auto* current = slot.current.load(std::memory_order_acquire)) return *current;
    slot.retained.push_back(propagator_from_environment());
    slot.current.store(slot.retained.back().get(), std::memory_order_release);
    return *slot.retained.back();
  } catch (...) {
    static const CompositePropagator noop{{}};
    return noop;  // out of memory: propagate nothing this time, try again on the next call
  }
}

void set_global_propagator(std::shared_ptr<const TextMapPropagator> propagator) {
  global_slot().install(propagator ? std::move(propagator) : make_noop());
}

}  // namespace kafkatrace::otel
