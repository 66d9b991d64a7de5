// compare_spans (see otlp_model.h): field by field, naming the first difference.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <variant>

#include "kafkatrace/otel/resource.h"
#include "otlp_model.h"

namespace kafkatrace::fuzz {
namespace {

bool same_double(double a, double b, NanMatch nan) {
  if (nan == NanMatch::kAnyNan && std::isnan(a) && std::isnan(b)) return true;
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool is_empty_array(const otel::AttributeValue& value) {
  return std::visit(
      [](const auto& held) {
        if constexpr (requires { held.empty(); } &&
                      !std::is_same_v<std::decay_t<decltype(held)>, std::string>) {
          return held.empty();
        } else {
          return false;
        }
      },
      value);
}

bool same_value(const otel::AttributeValue& a, const otel::AttributeValue& b, NanMatch nan) {
  if (is_empty_array(a) && is_empty_array(b)) return true;
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a)) return same_double(*x, std::get<double>(b), nan);
  if (const auto* x = std::get_if<std::vector<double>>(&a)) {
    const auto& y = std::get<std::vector<double>>(b);
    if (x->size() != y.size()) return false;
    for (std::size_t i = 0; i < x->size(); ++i)
      if (!same_double((*x)[i], y[i], nan)) return false;
    return true;
  }
  return a == b;
}

std::string compare_attributes(const otel::Attributes& a, const otel::Attributes& b, NanMatch nan,
                               const std::string& where) {
  if (a.size() != b.size()) return where + ": attribute count";
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key) return where + ": key of attribute " + std::to_string(i);
    if (!same_value(a[i].value, b[i].value, nan))
      return where + ": value of attribute '" + a[i].key + "'";
  }
  return {};
}

std::string compare_groups(const otel::SpanData& a, const otel::SpanData& b, NanMatch nan) {
  if ((a.resource == nullptr) != (b.resource == nullptr)) return "resource presence";
  if (a.resource != nullptr) {
    if (a.resource->schema_url() != b.resource->schema_url()) return "resource schema_url";
    if (auto d =
            compare_attributes(a.resource->attributes(), b.resource->attributes(), nan, "resource");
        !d.empty())
      return d;
  }
  if ((a.scope == nullptr) != (b.scope == nullptr)) return "scope presence";
  if (a.scope != nullptr && !(*a.scope == *b.scope)) return "scope";
  return {};
}

}  // namespace

std::string compare_spans(const otel::SpanData& a, const otel::SpanData& b, NanMatch nan) {
  if (auto d = compare_groups(a, b, nan); !d.empty()) return d;
  if (a.context.trace_id != b.context.trace_id || a.context.span_id != b.context.span_id)
    return "ids";
  if (a.context.trace_flags != b.context.trace_flags) return "trace flags";
  if (!(a.context.trace_state == b.context.trace_state)) return "trace state";
  if (a.parent_span_id != b.parent_span_id) return "parent span id";
  if (a.parent_is_remote != b.parent_is_remote) return "parent is_remote";
  if (a.name != b.name) return "name";
  if (a.kind != b.kind) return "kind";
  if (a.start_time_unix_nano != b.start_time_unix_nano) return "start time";
  if (a.end_time_unix_nano != b.end_time_unix_nano) return "end time";
  if (auto d = compare_attributes(a.attributes, b.attributes, nan, "span"); !d.empty()) return d;
  if (a.dropped_attributes_count != b.dropped_attributes_count) return "dropped attributes";
  if (a.events.size() != b.events.size()) return "event count";
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const auto& x = a.events[i];
    const auto& y = b.events[i];
    const std::string where = "event " + std::to_string(i);
    if (x.name != y.name || x.time_unix_nano != y.time_unix_nano) return where;
    if (x.dropped_attributes_count != y.dropped_attributes_count) return where + " dropped";
    if (auto d = compare_attributes(x.attributes, y.attributes, nan, where); !d.empty()) return d;
  }
  if (a.dropped_events_count != b.dropped_events_count) return "dropped events";
  if (a.links.size() != b.links.size()) return "link count";
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    const auto& x = a.links[i];
    const auto& y = b.links[i];
    const std::string where = "link " + std::to_string(i);
    if (!(x.context == y.context)) return where + " context";
    if (x.dropped_attributes_count != y.dropped_attributes_count) return where + " dropped";
    if (auto d = compare_attributes(x.attributes, y.attributes, nan, where); !d.empty()) return d;
  }
  if (a.dropped_links_count != b.dropped_links_count) return "dropped links";
  if (a.status_code != b.status_code) return "status code";
  if (a.status_message != b.status_message) return "status message";
  return {};
}

}  // namespace kafkatrace::fuzz
