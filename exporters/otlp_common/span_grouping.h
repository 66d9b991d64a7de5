// SpanGrouping: orders a batch of spans by resource, then by instrumentation scope, as OTLP's
// ResourceSpans → ScopeSpans nesting needs, keeping first-appearance order of the resources, of
// the scopes inside each resource, and of the spans inside a group. Reused across batches; a warm
// grouping of an already-grouped batch does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::exporters::otlp {

bool same_resource(const otel::Resource* a, const otel::Resource* b) noexcept;
bool same_scope(const otel::InstrumentationScope* a, const otel::InstrumentationScope* b) noexcept;

class SpanGrouping {
 public:
  // A run of spans sharing one scope (inside one resource).
  struct ScopeRun {
    std::size_t begin;
    std::size_t end;
  };

  void build(std::span<const std::unique_ptr<otel::SpanData>> spans);

  // Spans in grouped order.
  const std::vector<const otel::SpanData*>& spans() const noexcept { return ordered_; }

  // Calls on_resource(begin, end) for each resource run; inside it, call scope_runs(begin, end)
  // to get the scope runs. Kept as plain index ranges so both encoders share the walk.
  template <typename Visit>
  void for_each_resource(Visit&& visit) const {
    std::size_t begin = 0;
    while (begin < ordered_.size()) {
      std::size_t end = begin + 1;
      while (end < ordered_.size() && keys_[end].resource == keys_[begin].resource) ++end;
      visit(begin, end);
      begin = end;
    }
  }
  template <typename Visit>
  void for_each_scope(std::size_t begin, std::size_t end, Visit&& visit) const {
    while (begin < end) {
      std::size_t run_end = begin + 1;
      while (run_end < end && keys_[run_end].scope == keys_[begin].scope) ++run_end;
      visit(begin, run_end);
      begin = run_end;
    }
  }

 private:
  struct Key {
    std::uint32_t resource;
    std::uint32_t scope;  // the (resource, scope) group's ordinal
    const otel::SpanData* span;
  };
  std::vector<Key> keys_;
  std::vector<const otel::SpanData*> ordered_;
  std::vector<const otel::Resource*> resources_;
  std::vector<const otel::InstrumentationScope*> scopes_;
  std::vector<std::uint64_t> groups_;  // resource ordinal << 32 | scope ordinal
};

}  // namespace kafkatrace::exporters::otlp
