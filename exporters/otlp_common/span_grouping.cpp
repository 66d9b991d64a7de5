#include "otlp_common/span_grouping.h"

#include <algorithm>

namespace kafkatrace::exporters::otlp {
namespace {

// Index of `item` among `seen` (compared with `same`), appending it when new. The last match
// is checked first: consecutive spans nearly always share resource and scope.
template <typename T, typename Same>
std::uint32_t ordinal_of(std::vector<const T*>& seen, const T* item, std::uint32_t last,
                         Same same) {
  if (last < seen.size() && same(seen[last], item)) return last;
  for (std::uint32_t i = 0; i < seen.size(); ++i) {
    if (same(seen[i], item)) return i;
  }
  seen.push_back(item);
  return static_cast<std::uint32_t>(seen.size() - 1);
}

}  // namespace

bool same_resource(const otel::Resource* a, const otel::Resource* b) noexcept {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return a->schema_url() == b->schema_url() && a->attributes() == b->attributes();
}

bool same_scope(const otel::InstrumentationScope* a, const otel::InstrumentationScope* b) noexcept {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return *a == *b;
}

void SpanGrouping::build(std::span<const std::unique_ptr<otel::SpanData>> spans) {
  keys_.clear();
  ordered_.clear();
  resources_.clear();
  scopes_.clear();
  groups_.clear();
  std::uint32_t last_resource = 0;
  std::uint32_t last_scope = 0;
  std::uint32_t last_group = 0;
  bool sorted = true;
  // The resource and scope pointers are all this pass reads of a span, and the span was written
  // on another core: prefetching them a few spans ahead overlaps the misses instead of taking
  // them one after another.
  constexpr std::size_t kAhead = 8;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i + kAhead < spans.size() && spans[i + kAhead] != nullptr) {
      __builtin_prefetch(&spans[i + kAhead]->scope);
      __builtin_prefetch(&spans[i + kAhead]->resource);
    }
    const auto& span = spans[i];
    if (span == nullptr) continue;
    last_resource = ordinal_of(resources_, span->resource.get(), last_resource, same_resource);
    last_scope = ordinal_of(scopes_, span->scope.get(), last_scope, same_scope);
    // The (resource, scope) group's ordinal by first appearance, so that inside a resource the
    // scope groups keep the order in which they first appear in it (not in the whole batch):
    // encoding the decoded output then reproduces the same bytes.
    const std::uint64_t group = (std::uint64_t{last_resource} << 32) | last_scope;
    if (last_group >= groups_.size() || groups_[last_group] != group) {
      const auto found = std::find(groups_.begin(), groups_.end(), group);
      last_group = static_cast<std::uint32_t>(found - groups_.begin());
      if (found == groups_.end()) groups_.push_back(group);
    }
    Key key{last_resource, last_group, span.get()};
    if (!keys_.empty()) {
      const Key& previous = keys_.back();
      if (key.resource < previous.resource ||
          (key.resource == previous.resource && key.scope < previous.scope)) {
        sorted = false;
      }
    }
    keys_.push_back(key);
  }
  if (!sorted) {
    std::stable_sort(keys_.begin(), keys_.end(), [](const Key& a, const Key& b) {
      return a.resource != b.resource ? a.resource < b.resource : a.scope < b.scope;
    });
  }
  for (const Key& key : keys_) ordered_.push_back(key.span);
}

}  // namespace kafkatrace::exporters::otlp
