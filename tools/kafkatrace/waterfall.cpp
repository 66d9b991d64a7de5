#include "waterfall.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <type_traits>
#include <variant>

#include "kafkatrace/kafka/semconv.h"

namespace kafkatrace::cli {
namespace {

namespace sc = kafka::semconv;

// Spans of one trace and who is whose child, by index into `spans`.
class TraceTree {
 public:
  explicit TraceTree(std::vector<otel::SpanData> spans) : spans_(std::move(spans)) {
    std::sort(spans_.begin(), spans_.end(), [](const auto& a, const auto& b) {
      return a.start_time_unix_nano < b.start_time_unix_nano;
    });
    std::map<otel::SpanId, std::size_t> by_id;
    for (std::size_t i = 0; i < spans_.size(); ++i) by_id.emplace(spans_[i].context.span_id, i);
    children_.resize(spans_.size());
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      const auto parent = by_id.find(spans_[i].parent_span_id);
      if (spans_[i].parent_span_id.is_valid() && parent != by_id.end() && parent->second != i) {
        children_[parent->second].push_back(i);  // start order, since spans_ is sorted
      } else {
        roots_.push_back(i);
      }
    }
  }

  WaterfallTrace build() {
    WaterfallTrace trace;
    trace.trace_id = spans_.front().context.trace_id;
    trace.start_unix_nano = spans_.front().start_time_unix_nano;
    for (const auto& span : spans_) {
      trace.end_unix_nano =
          std::max({trace.end_unix_nano, span.start_time_unix_nano, span.end_time_unix_nano});
    }
    visited_.assign(spans_.size(), false);
    for (std::size_t root : roots_) add(trace, root, 0, "", "");
    // Whatever no root reaches sits on a parent cycle: show each such span as a root.
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      if (!visited_[i]) add(trace, i, 0, "", "");
    }
    return trace;
  }

 private:
  void add(WaterfallTrace& trace, std::size_t index, int depth, const std::string& prefix,
           const std::string& continuation) {
    if (visited_[index]) return;
    visited_[index] = true;
    const bool has_parent = spans_[index].parent_span_id.is_valid();
    trace.rows.push_back({.span = std::move(spans_[index]),
                          .depth = depth,
                          .prefix = prefix,
                          .parent_missing = depth == 0 && has_parent});
    const auto& children = children_[index];
    for (std::size_t c = 0; c < children.size(); ++c) {
      const bool last = c + 1 == children.size();
      add(trace, children[c], depth + 1, continuation + (last ? "└─ " : "├─ "),
          continuation + (last ? "   " : "│  "));
    }
  }

  std::vector<otel::SpanData> spans_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::size_t> roots_;
  std::vector<bool> visited_;
};

}  // namespace

std::vector<WaterfallTrace> build_waterfall(std::vector<otel::SpanData> spans) {
  std::map<otel::TraceId, std::vector<otel::SpanData>> by_trace;
  std::set<std::pair<otel::TraceId, otel::SpanId>> seen;
  for (auto& span : spans) {
    if (!seen.emplace(span.context.trace_id, span.context.span_id).second) continue;
    by_trace[span.context.trace_id].push_back(std::move(span));
  }
  std::vector<WaterfallTrace> traces;
  traces.reserve(by_trace.size());
  for (auto& [id, members] : by_trace) traces.push_back(TraceTree(std::move(members)).build());
  std::stable_sort(traces.begin(), traces.end(), [](const auto& a, const auto& b) {
    return a.start_unix_nano < b.start_unix_nano;
  });
  return traces;
}

std::string format_duration(std::uint64_t nanoseconds) {
  struct Unit {
    double size;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}};
  char text[32];
  if (nanoseconds < 1000) {
    std::snprintf(text, sizeof text, "%llu ns", static_cast<unsigned long long>(nanoseconds));
    return text;
  }
  if (nanoseconds >= 60'000'000'000ULL) {
    const unsigned long long seconds = (nanoseconds + 500'000'000ULL) / 1'000'000'000ULL;
    std::snprintf(text, sizeof text, "%llum %02llus", seconds / 60, seconds % 60);
    return text;
  }
  const Unit* unit = &kUnits[0];
  for (const Unit& candidate : kUnits) {
    if (static_cast<double>(nanoseconds) >= candidate.size) unit = &candidate;
  }
  const double value = static_cast<double>(nanoseconds) / unit->size;
  // Three significant digits; the rounded text decides the precision ("9.996" prints "10.0").
  const int decimals = value < 9.995 ? 2 : (value < 99.95 ? 1 : 0);
  std::snprintf(text, sizeof text, "%.*f %s", decimals, value, unit->name);
  return text;
}

std::string short_trace_id(const otel::TraceId& trace_id) {
  return trace_id.to_hex().substr(0, 8);
}

BarCells bar_cells(std::uint64_t span_start, std::uint64_t span_end, std::uint64_t trace_start,
                   std::uint64_t trace_end, std::size_t width) noexcept {
  if (width == 0) return {};
  if (trace_end <= trace_start) return {0, width};
  const auto clamp = [&](std::uint64_t t) { return std::clamp(t, trace_start, trace_end); };
  const double total = static_cast<double>(trace_end - trace_start);
  const double cells = static_cast<double>(width);
  const double from = static_cast<double>(clamp(span_start) - trace_start) / total * cells;
  const double to =
      static_cast<double>(clamp(std::max(span_start, span_end)) - trace_start) / total * cells;
  const std::size_t offset = std::min(static_cast<std::size_t>(std::floor(from)), width - 1);
  const std::size_t end = std::min(static_cast<std::size_t>(std::ceil(to)), width);
  return {offset, std::max<std::size_t>(1, end > offset ? end - offset : 0)};
}

std::string attribute_text(const otel::AttributeValue& value) {
  const auto scalar = [](const auto& item) -> std::string {
    using T = std::decay_t<decltype(item)>;
    if constexpr (std::is_same_v<T, bool>) {
      return item ? "true" : "false";
    } else if constexpr (std::is_same_v<T, std::string>) {
      return item;
    } else if constexpr (std::is_same_v<T, double>) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", item);
      return text;
    } else {
      return std::to_string(item);
    }
  };
  return std::visit(
      [&](const auto& held) -> std::string {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          std::string text = "[";
          for (std::size_t i = 0; i < held.size(); ++i) {
            text += (i == 0 ? "" : ", ") + scalar(static_cast<typename T::value_type>(held[i]));
          }
          return text + "]";
        } else {
          return scalar(held);
        }
      },
      value);
}

std::vector<std::pair<std::string, std::string>> key_attributes(const otel::SpanData& span) {
  static constexpr std::pair<std::string_view, std::string_view> kShown[] = {
      {"order.id", "order"},
      {sc::kMessagingDestinationPartitionId, "partition"},
      {sc::kMessagingKafkaOffset, "offset"},
      {sc::kMessagingKafkaMessageKey, "key"},
      {sc::kMessagingConsumerGroupName, "group"},
      {sc::kMessagingBatchMessageCount, "batch"},
      {"kafkatrace.send.attempt", "attempt"},
      {sc::kErrorType, "error"},
  };
  std::vector<std::pair<std::string, std::string>> shown;
  otel::Attributes buffer;
  const otel::Attributes& attributes = otel::all_attributes(span, buffer);
  for (const auto& [key, label] : kShown) {
    for (const otel::KeyValue& attribute : attributes) {
      if (attribute.key == key) {
        shown.emplace_back(label, attribute_text(attribute.value));
        break;
      }
    }
  }
  if (!span.links.empty()) {
    std::string targets;
    constexpr std::size_t kListed = 3;
    for (std::size_t i = 0; i < span.links.size() && i < kListed; ++i) {
      targets += (i == 0 ? "" : ",") + short_trace_id(span.links[i].context.trace_id);
    }
    if (span.links.size() > kListed) {
      targets += ",+" + std::to_string(span.links.size() - kListed);
    }
    shown.emplace_back("links", targets);
  }
  return shown;
}

bool use_color(bool stdout_is_terminal, const char* no_color) noexcept {
  return stdout_is_terminal && (no_color == nullptr || *no_color == '\0');
}

}  // namespace kafkatrace::cli
